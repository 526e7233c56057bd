"""``keras.ops.numpy`` values against NumPy on random inputs, Keras's dtypes, and clear errors
for bad input."""

import numpy as np
import pytest

import shenjing as sj
from shenjing.ops import numpy as knp

_R = np.random.default_rng(11)
F = _R.standard_normal((3, 4))
P = _R.uniform(0.5, 2.0, (3, 4))
U = _R.uniform(-0.8, 0.8, (3, 4))
I = _R.integers(-5, 6, (3, 4)).astype("int32")  # noqa: E741
NAN = F.copy()
NAN[0, 1] = NAN[2, 3] = np.nan

SAME_AS_NUMPY = [
    ("exp", (F,), {}), ("log", (P,), {}), ("log1p", (P,), {}), ("expm1", (F,), {}),
    ("log2", (P,), {}), ("log10", (P,), {}), ("exp2", (F,), {}), ("cbrt", (F,), {}),
    ("reciprocal", (P,), {}), ("sin", (F,), {}), ("cos", (F,), {}), ("tan", (U,), {}),
    ("arcsin", (U,), {}), ("arccos", (U,), {}), ("arctan", (F,), {}), ("sinh", (F,), {}),
    ("cosh", (F,), {}), ("arcsinh", (F,), {}), ("arctanh", (U,), {}), ("sinc", (F,), {}),
    ("floor", (F,), {}), ("ceil", (F,), {}), ("trunc", (F,), {}), ("sign", (F,), {}),
    ("round", (F * 10,), dict(decimals=1)), ("arctan2", (F, P), {}), ("hypot", (F, P), {}),
    ("logaddexp", (F, P), {}), ("logaddexp2", (F, P), {}), ("mod", (F * 3, P), {}),
    ("fmod", (F * 3, P), {}), ("floor_divide", (F * 3, P), {}), ("fmax", (NAN, F), {}),
    ("fmin", (NAN, F), {}), ("power", (P, F), {}), ("clip", (F, -0.5, 0.5), {}),
    ("sum", (F,), dict(axis=1)), ("prod", (F,), dict(axis=0, keepdims=True)),
    ("var", (F,), dict(axis=1)), ("std", (F,), {}), ("ptp", (F,), dict(axis=1)),
    ("median", (F,), dict(axis=1)), ("quantile", (F, [0.2, 0.7]), dict(axis=0)),
    ("percentile", (F, 30), dict(axis=1, method="nearest")), ("nanmean", (NAN,), dict(axis=1)),
    ("nansum", (NAN,), {}), ("nanmax", (NAN,), dict(axis=0)), ("nanstd", (NAN,), dict(axis=1)),
    ("nanmedian", (NAN,), dict(axis=1)), ("cumsum", (F,), dict(axis=1)), ("cumprod", (F,), {}),
    ("average", (F,), dict(axis=1, weights=np.array([1.0, 2.0, 3.0, 4.0]))),
    ("trace", (F,), dict(offset=1)), ("diagonal", (F,), dict(offset=-1)), ("diff", (F,), dict(n=2)),
    ("tril", (F,), dict(k=1)), ("triu", (F,), {}), ("flip", (F,), dict(axis=0)),
    ("rot90", (F,), dict(k=3)), ("roll", (F, 5), {}), ("roll", (F, (1, -2)), dict(axis=(0, 1))),
    ("tile", (F, (2, 1, 2)), {}), ("repeat", (F, [1, 2, 0]), dict(axis=0)),
    ("moveaxis", (F[None], 0, -1), {}), ("sort", (F,), dict(axis=0)), ("argsort", (F,), {}),
    ("take_along_axis", (F, np.argsort(F, axis=1)), dict(axis=1)), ("kron", (F[:2, :2], P), {}),
    ("cross", (F[:, :3], P[:, :3]), {}), ("tensordot", (F, P.T), dict(axes=1)),
    ("inner", (F, P), {}), ("outer", (F, P[0]), {}), ("vdot", (F, P), {}),
    ("einsum", ("ij,kj->ik", F, P), {}), ("einsum", ("ii", F[:3, :3]), {}),
    ("correlate", (F[0], P[0, :3]), dict(mode="full")), ("trapezoid", (F,), dict(dx=0.3)),
    ("corrcoef", (F,), {}), ("searchsorted", (np.sort(F[0]), P[0]), {}),
    ("digitize", (F, np.sort(P[0])), {}), ("bincount", (np.abs(I[0]),), {}),
    ("hstack", ([F, P],), {}), ("vstack", ([F, P],), {}), ("dstack", ([F, P],), {}),
    ("array_split", (F, 3), dict(axis=1)), ("vander", (P[0],), {}), ("isclose", (F, F + 1e-9), {}),
    ("nan_to_num", (NAN,), dict(nan=5.0)), ("gcd", (I, I + 7), {}), ("bitwise_xor", (I, I * 3), {}),
    ("logical_xor", (F > 0, P > 1), {}), ("argpartition", (F, 2), {}),
]


@pytest.mark.parametrize("name, args, kwargs", SAME_AS_NUMPY,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(SAME_AS_NUMPY)])
def test_values_match_numpy(name, args, kwargs):
    ours = getattr(knp, name)(*args, **kwargs)
    theirs = getattr(np, name)(*args, **kwargs)
    if name == "argpartition":  # only the partition property is specified
        ours_sorted = np.take_along_axis(F, np.asarray(ours), -1)
        assert (ours_sorted[:, :2].max(-1) <= ours_sorted[:, 2]).all()
        return
    ours = ours if isinstance(ours, (list, tuple)) else [ours]
    theirs = theirs if isinstance(theirs, (list, tuple)) else [theirs]
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64"),
                                   rtol=1e-6, atol=1e-9, equal_nan=True)


def test_keras_dtypes():
    ints = np.arange(6, dtype="int32").reshape(2, 3)
    assert knp.exp(ints).dtype == np.float32 and knp.mean(ints).dtype == np.float32
    assert knp.sum(ints > 2).dtype == np.int32 and knp.sum(ints).dtype == np.int32
    assert knp.add(ints, 2).dtype == np.int32 and knp.add(ints, 2.5).dtype == np.float32
    assert knp.divide(ints, ints + 1).dtype == np.float32 and knp.abs(ints).dtype == np.int32
    assert knp.argmax(ints).dtype == np.int32 and knp.arange(3).dtype == np.int32
    assert knp.arange(0, 1, 0.5).dtype == np.float32 and knp.full((2,), 3).dtype == np.float32
    assert knp.array([1, 2]).dtype == np.int32 and knp.array([1.0]).dtype == np.float32
    f32 = sj.tensor(np.ones(3, "float32"))
    assert knp.multiply(f32, np.ones(3)).dtype == np.float32


def test_creation_values():
    np.testing.assert_array_equal(knp.eye(3, 4, k=1), np.eye(3, 4, k=1))
    np.testing.assert_array_equal(knp.tri(3, k=-1), np.tri(3, k=-1))
    np.testing.assert_allclose(knp.linspace(0, 1, 5), np.linspace(0, 1, 5))
    np.testing.assert_allclose(knp.geomspace(1, 8, 4), np.geomspace(1, 8, 4), rtol=1e-6)
    np.testing.assert_allclose(knp.hanning(5), np.hanning(5), atol=1e-7)
    np.testing.assert_array_equal(knp.full_like(np.ones(3, "int32"), 2.7), [2, 2, 2])
    x, y = knp.meshgrid(np.arange(3), np.arange(2))
    xe, ye = np.meshgrid(np.arange(3), np.arange(2))
    np.testing.assert_array_equal(x, xe)
    np.testing.assert_array_equal(y, ye)


def test_index_functions():
    np.testing.assert_array_equal(knp.nonzero(F > 0)[1], np.nonzero(F > 0)[1])
    assert [t.tolist() for t in knp.where(F > 0)] == [t.tolist() for t in np.nonzero(F > 0)]
    values, counts = knp.unique(np.array([3, 1, 3, 2]), return_counts=True)
    assert values.tolist() == [1, 2, 3] and counts.tolist() == [1, 1, 2]
    assert knp.unique(np.array([3, 1, 3]), size=4, fill_value=0).tolist() == [1, 3, 0, 0]
    assert [t.tolist() for t in knp.unravel_index(np.array([5, 7]), (2, 4))] == [[1, 1], [1, 3]]
    out = knp.select([F > 1, F < -1], [F, -F], default=0.0)
    np.testing.assert_allclose(out, np.select([F > 1, F < -1], [F, -F], 0.0))
    counts, edges = knp.histogram(F.ravel(), bins=4)
    ec, ee = np.histogram(F.ravel(), bins=4)
    np.testing.assert_array_equal(counts, ec)
    np.testing.assert_allclose(edges, ee, rtol=1e-6)
    assert knp.size(F) == 12 and knp.ndim(F) == 2


def test_prod_and_cumprod_gradients_are_exact_at_zeros():
    x = sj.tensor(np.array([2.0, 0.0, 3.0, 0.5]), requires_grad=True)
    knp.prod(x).backward()
    np.testing.assert_allclose(x.grad, [0.0, 3.0, 0.0, 0.0])
    x = sj.tensor(np.array([2.0, 0.0, 3.0]), requires_grad=True)
    knp.sum(knp.cumprod(x)).backward()
    # d/dx of x0 + x0 x1 + x0 x1 x2 at (2, 0, 3)
    np.testing.assert_allclose(x.grad, [1.0, 2.0 + 6.0, 0.0])


@pytest.mark.parametrize("call, error, message", [
    (lambda: knp.sum(F, axis=2), ValueError, "axis 2 is out of range.*rank 2"),
    (lambda: knp.take(F, np.array([0.5])), TypeError, "integers"),
    (lambda: knp.take_along_axis(F, np.array([[9]]), axis=1), IndexError, "out of range"),
    (lambda: knp.split(F, 3, axis=1), ValueError, "array_split"),
    (lambda: knp.quantile(F, 1.5), ValueError, "quantiles in \\[0, 1\\]"),
    (lambda: knp.quantile(F, 0.5, method="cubic"), ValueError, "method"),
    (lambda: knp.reshape(F, (5, -1)), ValueError, "cannot reshape"),
    (lambda: knp.stack([F, P[:2]]), ValueError, "one shape"),
    (lambda: knp.einsum("ij,jk", F, P), ValueError, "contract|operands|shape|mismatch"),
    (lambda: knp.pad(F, 1, mode="reflect"), ValueError, "mode='constant'"),
    (lambda: knp.bitwise_and(F, F), TypeError, "integer"),
    (lambda: knp.gcd(F, F), TypeError, "integers"),
    (lambda: knp.ldexp(F, F), TypeError, "integer type"),
    (lambda: knp.tensordot(F, P, axes=([1], [0])), ValueError, "differ in length"),
    (lambda: knp.histogram(F), ValueError, "1-dimensional"),
    (lambda: knp.bincount(I), ValueError, "non-negative"),
    (lambda: knp.where(F > 0, F), ValueError, "both `x1` and `x2`"),
    (lambda: knp.arange(0, 5, 0), ValueError, "non-zero `step`"),
    (lambda: knp.zeros((2, -1)), ValueError, "non-negative"),
    (lambda: knp.max(np.zeros((0,))), ValueError, "empty"),
    (lambda: knp.average(F, axis=1, weights=np.ones(3)), ValueError, "length 4"),
    (lambda: knp.moveaxis(F, [0, 1], [1]), ValueError, "same length"),
    (lambda: knp.squeeze(F, 0), ValueError, "Cannot squeeze"),
    (lambda: knp.diagonal(F, axis1=0, axis2=0), ValueError, "two different axes"),
    (lambda: knp.slogdet(F), ValueError, "square"),
])
def test_bad_input_raises_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
