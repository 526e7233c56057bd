"""Gradient checks for every differentiable ``keras.ops.numpy`` function (float64 central
differences, the same cases again in float32, and inputs left untouched by forward and
backward). ``COVERED`` lists the ops with a case, ``NO_GRADIENT`` those without one by design
(creation, comparisons, indices, counts, rounding); their values are tested in
test_ops_numpy_values.py."""

import numpy as np
import pytest

from op_harness import harness_tests
from shenjing.ops import numpy as knp

_R = np.random.default_rng(2024)
CASES = []
COVERED = set()

NO_GRADIENT = {
    # creation
    "arange", "array", "bartlett", "blackman", "empty", "empty_like", "eye", "full", "full_like",
    "geomspace", "hamming", "hanning", "identity", "kaiser", "linspace", "logspace", "ones",
    "ones_like", "tri", "zeros", "zeros_like",
    # comparisons, logic, bitwise, tests
    "allclose", "bitwise_and", "bitwise_invert", "bitwise_left_shift", "bitwise_not", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "equal", "greater", "greater_equal", "isclose",
    "isfinite", "isin", "isinf", "isnan", "isneginf", "isposinf", "isreal", "left_shift", "less",
    "less_equal", "logical_and", "logical_not", "logical_or", "logical_xor", "not_equal",
    "right_shift", "signbit", "all", "any",
    # piecewise constant or integer valued
    "sign", "floor", "ceil", "trunc", "round", "floor_divide", "nextafter", "heaviside", "gcd",
    "lcm", "angle", "i0",
    # indices, counts and facts about shapes
    "argmax", "argmin", "argsort", "argpartition", "searchsorted", "digitize", "unique",
    "bincount", "histogram", "nonzero", "unravel_index", "nanargmax", "nanargmin",
    "count_nonzero", "ndim", "size", "view",
}


def case(op, case_id, fn, *inputs, **tolerance):
    COVERED.add(op)
    CASES.append(pytest.param(fn, inputs, tolerance, id=f"{op}-{case_id}"))


def randn(*shape):
    return _R.standard_normal(shape)


def positive(*shape):
    return _R.uniform(0.5, 2.0, shape)


def unit(*shape):
    return _R.uniform(-0.8, 0.8, shape)


def distinct(*shape):
    n = int(np.prod(shape))
    return ((_R.permutation(n) - n / 2) * 0.25 + 0.01).reshape(shape)


def away_from_zero(*shape, margin=0.2):
    x = _R.standard_normal(shape)
    return np.where(x >= 0, 1.0, -1.0) * (margin + np.abs(x))


def with_nans(*shape):
    x = distinct(*shape)
    x.flat[::4] = np.nan
    return x


def total(parts):
    """One tensor from a list of pieces, each weighted differently."""
    out = 0.0
    for i, p in enumerate(parts):
        out = out + knp.sum(p) * (i + 1.0) + knp.sum(knp.square(p))
    return out


# -- elementwise, one input -----------------------------------------------------------------
for _name, _make in [("exp", randn), ("log", positive), ("sqrt", positive), ("exp2", randn),
                     ("expm1", randn), ("log1p", positive), ("log2", positive), ("log10", positive),
                     ("cbrt", positive), ("reciprocal", positive), ("sin", randn), ("cos", randn),
                     ("tan", unit), ("arcsin", unit), ("arccos", unit), ("arctan", randn),
                     ("sinh", randn), ("cosh", randn), ("tanh", randn), ("arcsinh", randn),
                     ("arctanh", unit), ("sinc", randn), ("fabs", away_from_zero),
                     ("abs", away_from_zero), ("absolute", away_from_zero), ("negative", randn),
                     ("square", randn), ("deg2rad", randn), ("rad2deg", randn), ("real", randn),
                     ("imag", randn), ("conj", randn), ("conjugate", randn), ("copy", randn)]:
    case(_name, "3x4", getattr(knp, _name), _make(3, 4))
case("arccosh", "3x4", knp.arccosh, positive(3, 4) + 1.0)
case("cbrt", "negative", knp.cbrt, -positive(5))
def _nan_to_num_of_log(x):
    with np.errstate(invalid="ignore"):  # log of the negative entries: NaN, replaced
        return knp.nan_to_num(knp.log(x), nan=-1.0)


case("nan_to_num", "log-of-negatives", _nan_to_num_of_log, away_from_zero(3, 4))

# -- elementwise, two inputs ----------------------------------------------------------------
for _name in ("add", "subtract", "multiply", "maximum", "minimum", "fmax", "fmin"):
    _b = randn(3, 4)
    case(_name, "same", getattr(knp, _name), _b + away_from_zero(3, 4), _b)
    case(_name, "broadcast", getattr(knp, _name), randn(2, 1, 4) + 5.0, randn(3, 1))
    case(_name, "scalar", lambda a, _n=_name: getattr(knp, _n)(a, 0.5), away_from_zero(4) + 0.5)
for _name in ("divide", "true_divide", "arctan2", "hypot", "logaddexp", "logaddexp2"):
    case(_name, "same", getattr(knp, _name), randn(3, 4), positive(3, 4))
    case(_name, "broadcast", getattr(knp, _name), randn(2, 3), positive(3))
case("divide_no_nan", "zeros", lambda a, b: knp.divide_no_nan(a, b * np.array([1.0, 0.0, 1.0])),
     randn(2, 3), positive(2, 3))
case("power", "tensors", knp.power, positive(3, 4), randn(3, 4))
case("power", "scalar-exponent", lambda a: knp.power(a, 3), randn(3, 4))
case("mod", "tensors", knp.mod, positive(3, 4) * 3.0 + 0.05, positive(3, 4) * 0.9 + 0.13)
case("mod", "negative", lambda a: knp.mod(a, 0.7), distinct(3, 4) + 0.05)
case("fmod", "tensors", knp.fmod, distinct(3, 4) + 0.05, positive(3, 4) * 0.9 + 0.13)
case("ldexp", "int-exponent", lambda a: knp.ldexp(a, np.array([0, 1, -2, 3])), randn(3, 4))
case("clip", "both", lambda a: knp.clip(a, -0.5, 0.5), np.array([-1.0, -0.3, 0.1, 0.45, 0.9]))

# -- reductions -------------------------------------------------------------------------------
for _name in ("sum", "mean", "prod", "max", "min", "amax", "amin", "var", "std", "ptp"):
    _make = distinct if _name in ("max", "min", "amax", "amin", "ptp") else randn
    for _id, _kw in [("all", {}), ("axis1", dict(axis=1)), ("axes", dict(axis=(0, 2), keepdims=True))]:
        case(_name, _id, lambda a, _n=_name, _kw=_kw: getattr(knp, _n)(a, **_kw), _make(2, 3, 4))
case("prod", "with-zero", lambda a: knp.prod(a * np.array([1.0, 0.0, 1.0]), axis=1), randn(2, 3))
case("max", "initial", lambda a: knp.max(a, axis=1, initial=0.1), distinct(3, 4))
case("average", "weights-1d", lambda a: knp.average(a, axis=1, weights=np.array([1.0, 2.0, 3.0])), randn(2, 3))
case("average", "weights-full", lambda a, w: knp.average(a, weights=w), randn(2, 3), positive(2, 3))
case("trace", "offset", lambda a: knp.trace(a, offset=1), randn(3, 4))
case("trace", "axes", lambda a: knp.trace(a, axis1=1, axis2=2), randn(2, 3, 3))
for _name in ("cumsum", "cumprod"):
    case(_name, "axis", lambda a, _n=_name: getattr(knp, _n)(a, axis=1), randn(3, 4))
    case(_name, "flat", getattr(knp, _name), randn(2, 3))
case("cumprod", "zeros", lambda a: knp.cumprod(a * np.array([1.0, 0.0, 1.0, 0.0]), axis=-1), randn(2, 4))

# -- order statistics and NaN-ignoring reductions ---------------------------------------------
for _method in ("linear", "lower", "higher", "midpoint", "nearest"):
    case("quantile", _method, lambda a, _m=_method: knp.quantile(a, np.array([0.1, 0.5, 0.8]), axis=1, method=_m),
         distinct(3, 7))
case("quantile", "axes-keepdims", lambda a: knp.quantile(a, 0.3, axis=(0, 2), keepdims=True), distinct(2, 3, 4))
case("percentile", "axis", lambda a: knp.percentile(a, 40, axis=0), distinct(5, 3))
case("median", "all", knp.median, distinct(3, 4))
case("median", "axis", lambda a: knp.median(a, axis=-1), distinct(3, 5))
case("nanquantile", "axis", lambda a: knp.nanquantile(a, 0.4, axis=1), with_nans(3, 6))
case("nanpercentile", "axis", lambda a: knp.nanpercentile(a, 70, axis=1), with_nans(3, 6))
case("nanmedian", "axis", lambda a: knp.nanmedian(a, axis=0), with_nans(5, 3))
for _name in ("nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin"):
    case(_name, "axis", lambda a, _n=_name: getattr(knp, _n)(a, axis=1), with_nans(3, 4))
case("nancumsum", "axis", lambda a: knp.nancumsum(a, axis=1), with_nans(3, 4))
case("nancumprod", "axis", lambda a: knp.nancumprod(a, axis=1), with_nans(3, 4) * 0.2)
case("corrcoef", "rows", knp.corrcoef, randn(3, 6))

# -- shapes --------------------------------------------------------------------------------------
case("reshape", "plain", lambda a: knp.reshape(a, (4, -1)), randn(2, 3, 2))
case("ravel", "plain", knp.ravel, randn(2, 3))
case("transpose", "axes", lambda a: knp.transpose(a, (2, 0, 1)), randn(2, 3, 4))
case("swapaxes", "plain", lambda a: knp.swapaxes(a, 0, -1), randn(2, 3, 4))
case("moveaxis", "one", lambda a: knp.moveaxis(a, 0, -1), randn(2, 3, 4))
case("moveaxis", "two", lambda a: knp.moveaxis(a, [0, 1], [2, 0]), randn(2, 3, 4))
case("expand_dims", "axes", lambda a: knp.expand_dims(a, (0, -1)), randn(2, 3))
case("squeeze", "axis", lambda a: knp.squeeze(a, 1), randn(2, 1, 3))
case("broadcast_to", "plain", lambda a: knp.broadcast_to(a, (2, 3, 4)), randn(3, 1))
case("flip", "axis", lambda a: knp.flip(a, 1), randn(2, 3))
case("flip", "all", knp.flip, randn(2, 3))
case("fliplr", "plain", knp.fliplr, randn(2, 3))
case("flipud", "plain", knp.flipud, randn(2, 3))
for _k in (1, 2, 3):
    case("rot90", f"k{_k}", lambda a, _k=_k: knp.rot90(a, k=_k), randn(2, 3))
case("rot90", "axes", lambda a: knp.rot90(a, axes=(1, 2)), randn(2, 3, 4))
case("roll", "axis", lambda a: knp.roll(a, 2, axis=1), randn(2, 5))
case("roll", "flat", lambda a: knp.roll(a, -1), randn(2, 3))
case("roll", "two-axes", lambda a: knp.roll(a, (1, 2), axis=(0, 1)), randn(3, 4))
case("tile", "2d", lambda a: knp.tile(a, (2, 3)), randn(2, 3))
case("tile", "more-reps", lambda a: knp.tile(a, (2, 1, 2)), randn(3))
case("repeat", "int", lambda a: knp.repeat(a, 2, axis=0), randn(2, 3))
case("repeat", "counts", lambda a: knp.repeat(a, [1, 0, 3], axis=1), randn(2, 3))
case("repeat", "flat", lambda a: knp.repeat(a, 2), randn(2, 2))
case("pad", "constant", lambda a: knp.pad(a, ((1, 0), (2, 1)), constant_values=3.0), randn(2, 3))
case("tril", "k0", knp.tril, randn(3, 4))
case("triu", "k1-batched", lambda a: knp.triu(a, 1), randn(2, 3, 3))
case("diagonal", "offset", lambda a: knp.diagonal(a, offset=-1), randn(4, 3))
case("diagonal", "axes", lambda a: knp.diagonal(a, axis1=1, axis2=2), randn(2, 3, 3))
case("diag", "vector", lambda a: knp.diag(a, k=1), randn(3))
case("diag", "matrix", knp.diag, randn(3, 4))
case("diagflat", "plain", knp.diagflat, randn(2, 2))
case("diff", "n2", lambda a: knp.diff(a, n=2), randn(3, 5))
case("diff", "axis0", lambda a: knp.diff(a, axis=0), randn(3, 4))

# -- joining and splitting ------------------------------------------------------------------------
case("concatenate", "axis1", lambda a, b: knp.concatenate([a, b], axis=1), randn(2, 3), randn(2, 2))
case("concatenate", "flat", lambda a, b: knp.concatenate([a, b], axis=None), randn(2, 3), randn(4))
case("stack", "axis-1", lambda a, b: knp.stack([a, b], axis=-1), randn(2, 3), randn(2, 3))
case("hstack", "2d", lambda a, b: knp.hstack([a, b]), randn(2, 3), randn(2, 1))
case("vstack", "1d", lambda a, b: knp.vstack([a, b]), randn(3), randn(3))
case("dstack", "2d", lambda a, b: knp.dstack([a, b]), randn(2, 3), randn(2, 3))
case("append", "axis", lambda a, b: knp.append(a, b, axis=0), randn(2, 3), randn(1, 3))
case("split", "sections", lambda a: total(knp.split(a, 3, axis=1)), randn(2, 6))
case("split", "indices", lambda a: total(knp.split(a, [1, 3])), randn(5, 2))
case("array_split", "uneven", lambda a: total(knp.array_split(a, 3, axis=1)), randn(2, 7))
case("hsplit", "plain", lambda a: total(knp.hsplit(a, 2)), randn(2, 4))
case("vsplit", "plain", lambda a: total(knp.vsplit(a, [1])), randn(3, 2))
case("dsplit", "plain", lambda a: total(knp.dsplit(a, 2)), randn(2, 2, 4))
case("meshgrid", "xy", lambda a, b: total(knp.meshgrid(a, b)), randn(3), randn(4))
case("meshgrid", "ij", lambda a, b, c: total(knp.meshgrid(a, b, c, indexing="ij")), randn(2), randn(3), randn(2))

# -- gathering -------------------------------------------------------------------------------------
case("take", "axis-repeats", lambda a: knp.take(a, np.array([[0, 2], [2, -1]]), axis=1), randn(2, 4))
case("take", "flat", lambda a: knp.take(a, [5, 0, 5]), randn(2, 3))
case("take_along_axis", "axis1", lambda a: knp.take_along_axis(a, np.array([[0, 2, 2], [1, 0, 1]]), axis=1),
     randn(2, 3))
case("take_along_axis", "broadcast", lambda a: knp.take_along_axis(a, np.array([[[1], [0]]]), axis=2),
     randn(3, 2, 4))
case("get_item", "slices", lambda a: knp.get_item(a, (slice(None), 1)), randn(3, 4))
case("get_item", "fancy", lambda a: knp.get_item(a, np.array([0, 0, 2])), randn(3, 4))
case("where", "three", knp.where, randn(3, 4) > 0, randn(3, 4), randn(3, 4))
case("select", "two", lambda a, b: knp.select([a > 0.5, b > 0], [a, b], default=-1.0),
     away_from_zero(3, 4), away_from_zero(3, 4))
case("sort", "axis-1", knp.sort, distinct(3, 4))
case("sort", "axis0", lambda a: knp.sort(a, axis=0), distinct(3, 4))
case("sort", "flat", lambda a: knp.sort(a, axis=None), distinct(2, 3))

# -- products ----------------------------------------------------------------------------------------
case("matmul", "batched", knp.matmul, randn(2, 3, 4), randn(4, 2))
case("tensordot", "int", lambda a, b: knp.tensordot(a, b, axes=2), randn(2, 3, 4), randn(3, 4, 2))
case("tensordot", "pairs", lambda a, b: knp.tensordot(a, b, axes=([0, 2], [2, 0])), randn(2, 3, 4), randn(4, 5, 2))
case("dot", "nd", knp.dot, randn(2, 3, 4), randn(5, 4, 2))
case("dot", "vectors", knp.dot, randn(4), randn(4))
case("dot", "scalar", knp.dot, np.array(_R.standard_normal()), randn(3))
case("inner", "nd", knp.inner, randn(2, 4), randn(3, 4))
case("vdot", "plain", knp.vdot, randn(2, 3), randn(3, 2))
case("outer", "plain", knp.outer, randn(3), randn(2, 2))
case("kron", "2d", knp.kron, randn(2, 3), randn(2, 2))
case("kron", "mixed-rank", knp.kron, randn(3), randn(2, 2))
case("cross", "3d", knp.cross, randn(4, 3), randn(4, 3))
case("cross", "2d", knp.cross, randn(4, 2), randn(4, 2))
case("cross", "axis0", lambda a, b: knp.cross(a, b, axis=0), randn(3, 2), randn(3, 2))
for _mode in ("valid", "same", "full"):
    case("correlate", _mode, lambda a, b, _m=_mode: knp.correlate(a, b, mode=_m), randn(6), randn(3))
case("trapezoid", "dx", lambda y: knp.trapezoid(y, dx=0.5), randn(3, 5))
case("trapezoid", "x", knp.trapezoid, randn(3, 5), np.sort(randn(5)))
for _spec, _shapes in [("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk", [(2, 2, 3), (2, 3, 2)]),
                       ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("i,i", [(4,), (4,)]),
                       ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]), ("ij->", [(2, 3)]),
                       ("ijk,k->ij", [(2, 3, 4), (4,)]), ("ij,kl->ijkl", [(2, 2), (1, 3)])]:
    case("einsum", _spec, lambda *xs, _s=_spec: knp.einsum(_s, *xs), *[randn(*s) for s in _shapes])
case("slogdet", "batched", lambda a: knp.slogdet(a)[1], randn(2, 3, 3) + 3 * np.eye(3))
case("vander", "plain", lambda a: knp.vander(a, 3), positive(4))


# -- the tests: the shared harness (op_harness.py) over this module's CASES --------------
(test_gradcheck, test_float32_gradients_keep_dtype_and_match_float64,
 test_ops_change_neither_inputs_nor_gradients_nor_saved_values) = harness_tests(CASES)


def test_no_gradient_ops_exist_and_covered_names_are_numpy_ops():
    assert COVERED <= set(knp.__all__) and NO_GRADIENT <= set(knp.__all__)
    assert set(knp.__all__) <= COVERED | NO_GRADIENT
