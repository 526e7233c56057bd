"""``shenjing.ops`` numpy functions against real ``keras.ops`` (JAX backend) on random inputs:
values and dtypes for every configuration below, and gradients (``jax.grad`` of a weighted sum)
for the differentiable ones. ``test_summary`` reports how many were compared."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import shenjing as sj
from shenjing.ops import numpy as knp


def _no_gradient():
    path = Path(__file__).resolve().parents[1] / "ops" / "test_ops_numpy_gradients.py"
    spec = importlib.util.spec_from_file_location("_diff_numpy_harness", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.NO_GRADIENT


NO_GRADIENT = _no_gradient()

_R = np.random.default_rng(7)


def F(*s):
    return _R.standard_normal(s).astype("float32")


def P(*s):
    return _R.uniform(0.5, 2.0, s).astype("float32")


def U(*s):
    return _R.uniform(-0.8, 0.8, s).astype("float32")


def D(*s):
    n = int(np.prod(s))
    return ((_R.permutation(n) - n / 2) * 0.25 + 0.01).reshape(s).astype("float32")


def I(*s):  # noqa: E743
    return _R.integers(-5, 6, s).astype("int32")


def N(*s):
    return _R.integers(0, 6, s).astype("int32")


def B(*s):
    return _R.random(s) > 0.5


def NAN(*s):
    x = D(*s)
    x.flat[::3] = np.nan
    return x


CONFIGS = []  # (name, args, kwargs)


def add(name, *args, **kwargs):
    CONFIGS.append(pytest.param(name, args, kwargs, id=f"{name}-{len([c for c in CONFIGS if c.values[0] == name])}"))


UNARY_FLOAT = {"exp": F, "log": P, "sqrt": P, "exp2": F, "expm1": F, "log1p": P, "log2": P,
               "log10": P, "cbrt": F, "reciprocal": P, "sin": F, "cos": F, "tan": U, "arcsin": U,
               "arccos": U, "arctan": F, "sinh": F, "cosh": F, "tanh": F, "arcsinh": F,
               "arctanh": U, "sinc": F, "fabs": F, "abs": F, "absolute": F, "negative": F,
               "square": F, "deg2rad": F, "rad2deg": F, "real": F, "imag": F, "conj": F,
               "conjugate": F, "copy": F, "floor": F, "ceil": F, "trunc": F, "sign": F, "round": F,
               "isfinite": NAN, "isnan": NAN, "isinf": F, "signbit": F, "nan_to_num": NAN,
               "i0": F, "angle": F, "isreal": F, "logical_not": B, "ravel": F, "size": F, "ndim": F}
for _name, _make in UNARY_FLOAT.items():
    add(_name, _make(3, 4))
    if _name in ("abs", "square", "negative", "sign", "floor", "sqrt", "exp", "sin", "trunc",
                 "round", "copy", "fabs", "ceil", "cumsum", "reciprocal", "log1p", "isfinite"):
        add(_name, N(2, 3) + 1)
add("arccosh", P(3, 4) + 1.0)
add("round", F(3, 4) * 10, decimals=1)

for _name in ("add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum",
              "fmax", "fmin", "arctan2", "hypot", "logaddexp", "logaddexp2", "divide_no_nan",
              "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
              "isclose", "nextafter", "heaviside"):
    add(_name, F(3, 4), F(3, 4))
    add(_name, F(2, 1, 4), P(3, 1))
    add(_name, N(2, 3), N(2, 3) + 1)
    add(_name, F(3), 2.0)
add("power", P(3, 4), F(3, 4))
add("power", N(3, 4), 2)
add("mod", F(3, 4) * 3, P(3, 4))
add("mod", I(3, 4), N(3, 4) + 1)
add("fmod", F(3, 4) * 3, P(3, 4))
add("floor_divide", F(3, 4) * 3, P(3, 4))
add("floor_divide", I(3, 4), N(3, 4) + 1)
add("ldexp", F(3, 4), I(3, 4))
for _name in ("logical_and", "logical_or", "logical_xor"):
    add(_name, B(3, 4), B(3, 4))
for _name in ("bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm"):
    add(_name, I(3, 4), I(3, 4))
add("bitwise_left_shift", N(3), N(3))
add("bitwise_right_shift", N(3) * 20, N(3))
add("left_shift", N(3), N(3))
add("right_shift", N(3) * 20, N(3))
add("bitwise_not", I(3, 4))
add("bitwise_invert", I(3, 4))
add("clip", F(3, 4), -0.5, 0.5)
add("clip", I(3, 4), -2, 3)
add("allclose", F(3), F(3))
add("isin", I(3, 4), I(5))

for _name in ("sum", "mean", "prod", "max", "min", "amax", "amin", "var", "std", "ptp", "all",
              "any", "argmax", "argmin", "median", "nansum", "nanmean", "nanmax", "nanmin",
              "nanvar", "nanstd", "nanprod", "nanmedian", "count_nonzero", "nanargmax", "nanargmin"):
    make = NAN if _name.startswith("nan") else D
    add(_name, make(2, 3, 4))
    add(_name, make(2, 3, 4), axis=1)
    if _name not in ("argmax", "argmin", "count_nonzero", "nanargmax", "nanargmin"):
        add(_name, make(2, 3, 4), axis=(0, 2), keepdims=True)
    if _name in ("sum", "mean", "prod", "max", "argmax", "all", "median", "count_nonzero"):
        add(_name, N(3, 4), axis=0)
for _name in ("cumsum", "cumprod", "nancumsum", "nancumprod"):
    add(_name, (NAN if _name.startswith("nan") else F)(3, 4), axis=1)
    add(_name, F(2, 3) * 0.5)
add("cumsum", N(3, 4), axis=0)
add("average", F(3, 4), axis=1, weights=P(4))
add("average", F(3, 4))
add("trace", F(3, 4), offset=1)
for _q, _m in [(0.3, "linear"), (np.array([0.1, 0.9], "float32"), "lower"), (0.5, "higher"),
               (0.25, "midpoint"), (0.6, "nearest")]:
    add("quantile", D(3, 7), _q, axis=1, method=_m)
    add("nanquantile", NAN(3, 7), _q, axis=1, method=_m)
add("percentile", D(4, 5), 35.0, axis=0)
add("nanpercentile", NAN(4, 5), 35.0, axis=0)
add("corrcoef", F(3, 6))

add("reshape", F(2, 6), (3, -1))
add("transpose", F(2, 3, 4), (2, 0, 1))
add("swapaxes", F(2, 3, 4), 0, 2)
add("moveaxis", F(2, 3, 4), [0, 1], [2, 0])
add("expand_dims", F(2, 3), -1)
add("squeeze", F(2, 1, 3), 1)
add("broadcast_to", F(3, 1), (2, 3, 4))
add("flip", F(2, 3, 4), 1)
add("fliplr", F(2, 3))
add("flipud", F(2, 3))
for _k in (1, 2, 3, -1):
    add("rot90", F(2, 3, 4), _k, (1, 2))
add("roll", F(3, 4), 2, 1)
add("roll", F(3, 4), -3)
add("tile", F(2, 3), (2, 1, 2))
add("repeat", F(2, 3), 2, 1)
add("repeat", F(2, 3), 3)
add("pad", F(2, 3), ((1, 2), (0, 1)))
add("tril", F(3, 4), -1)
add("triu", F(2, 3, 4), 1)
add("diagonal", F(3, 4), 1)
add("diagonal", F(2, 3, 3), 0, 1, 2)
add("diag", F(4), -1)
add("diag", F(3, 4), 1)
add("diagflat", F(2, 2))
add("diff", F(3, 5), 2)
add("diff", F(3, 5), 1, 0)
add("concatenate", [F(2, 3), F(2, 2)], 1)
add("stack", [F(2, 3), F(2, 3)], -1)
add("hstack", [F(2, 3), F(2, 1)])
add("vstack", [F(3), F(3)])
add("dstack", [F(2, 3), F(2, 3)])
add("append", F(2, 3), F(1, 3), 0)
add("split", F(2, 6), 3, 1)
add("split", F(5, 2), [1, 3])
add("array_split", F(2, 7), 3, 1)
add("hsplit", F(2, 4), 2)
add("vsplit", F(4, 2), 2)
add("dsplit", F(2, 2, 4), 2)
add("meshgrid", F(3), F(4))
add("meshgrid", F(2), F(3), F(2), indexing="ij")
add("take", F(3, 4), np.array([[0, 2], [3, -1]]), 1)
add("take", F(3, 4), np.array([5, 0]))
add("take_along_axis", F(2, 3), np.array([[0, 2, 2], [1, 0, 1]]), 1)
add("where", B(3, 4), F(3, 4), F(3, 4))
add("where", B(3, 4), F(4), 0.0)
add("nonzero", B(3, 4))
add("select", [B(3, 4), B(3, 4)], [F(3, 4), F(3, 4)], -1.0)
add("unravel_index", np.array([1, 5, 11]), (3, 4))
add("sort", D(3, 4))
add("sort", D(3, 4), 0)
add("argsort", D(3, 4))
add("argsort", D(3, 4), 0)
add("searchsorted", np.sort(F(6)), F(4))
add("searchsorted", np.sort(F(6)), F(4), side="right")
add("digitize", F(3, 4), np.sort(F(5)))
add("unique", N(10))
add("bincount", N(10))
add("bincount", N(10), weights=P(10), minlength=8)
add("histogram", F(20), bins=5)
add("matmul", F(2, 3, 4), F(4, 2))
add("matmul", F(4), F(4, 3))
add("tensordot", F(2, 3, 4), F(3, 4, 2), 2)
add("tensordot", F(2, 3, 4), F(4, 5, 2), ([0, 2], [2, 0]))
add("dot", F(2, 3, 4), F(5, 4, 2))
add("dot", F(4), F(4))
add("inner", F(2, 4), F(3, 4))
add("vdot", F(2, 3), F(3, 2))
add("outer", F(3), F(2, 2))
add("kron", F(2, 3), F(2, 2))
add("cross", F(4, 3), F(4, 3))
add("cross", F(4, 2), F(4, 2))
for _mode in ("valid", "same", "full"):
    add("correlate", F(6), F(3), _mode)
add("trapezoid", F(3, 5), dx=0.5)
add("trapezoid", F(3, 5), np.sort(F(5)))
for _spec, _shapes in [("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk", [(2, 2, 3), (2, 3, 2)]),
                       ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("i,i", [(4,), (4,)]),
                       ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]), ("ij->", [(2, 3)])]:
    add("einsum", _spec, *[F(*s) for s in _shapes])
add("slogdet", F(2, 3, 3) + 3 * np.eye(3, dtype="float32"))
add("vander", F(4), 3)
add("zeros", (2, 3))
add("ones", (2, 3), "int32")
add("full", (2, 3), 2.5)
add("full_like", N(2, 3), 2.5)
add("zeros_like", B(2, 3))
add("ones_like", F(2, 3))
add("eye", 3, 4, 1)
add("identity", 3)
add("tri", 3, 4, -1)
add("arange", 5)
add("arange", 1, 4, 0.5)
add("linspace", 0.0, 2.0, 5)
add("logspace", 0.0, 2.0, 4)
add("geomspace", 1.0, 8.0, 4)
for _w in ("bartlett", "blackman", "hamming", "hanning"):
    add(_w, 6)
add("kaiser", 6, 5.0)
add("array", [[1, 2], [3, 4]])
add("get_item", F(3, 4), (slice(None), 1))


def _keras_args(args, jnp):
    return [list(a) if isinstance(a, list) else a for a in args]


def _outputs(value):
    if isinstance(value, (list, tuple)):
        return [np.asarray(v) for v in value]
    return [np.asarray(value)]


def _float_positions(args):
    return [i for i, a in enumerate(args) if isinstance(a, np.ndarray) and a.dtype == np.float32]


@pytest.mark.parametrize("name, args, kwargs", CONFIGS)
def test_values_match_keras(keras_module, name, args, kwargs):
    ours = _outputs(getattr(knp, name)(*args, **kwargs))
    theirs = _outputs(getattr(keras_module.ops, name)(*_keras_args(args, None), **kwargs))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape, f"{name}: shape {a.shape} vs Keras {b.shape}"
        assert a.dtype == b.dtype, f"{name}: dtype {a.dtype} vs Keras {b.dtype}"
        np.testing.assert_allclose(a.astype("float64") if a.dtype != bool else a,
                                   b.astype("float64") if b.dtype != bool else b,
                                   rtol=2e-5, atol=2e-5, equal_nan=True, err_msg=name)


def _first_per_function(configs):
    """One gradient configuration per function (JAX compiles each: all of them take minutes)."""
    seen, out = set(), []
    for c in configs:
        if c.values[0] not in seen:
            seen.add(c.values[0])
            out.append(c)
    return out


GRAD_CONFIGS = _first_per_function([c for c in CONFIGS if c.values[0] not in NO_GRADIENT
                                    and _float_positions(c.values[1])])


@pytest.mark.parametrize("name, args, kwargs", GRAD_CONFIGS)
def test_gradients_match_jax(keras_module, name, args, kwargs):
    import jax
    import jax.numpy as jnp

    positions = _float_positions(args)
    out = getattr(knp, name)(*args, **kwargs)
    weights = [np.random.default_rng(3).standard_normal(o.shape).astype("float32") for o in _outputs(out)]

    def loss(*floats):
        full = list(args)
        for i, f in zip(positions, floats):
            full[i] = f
        outs = getattr(keras_module.ops, name)(*full, **kwargs)
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        return sum(jnp.sum(jnp.where(jnp.isnan(o), 0.0, o) * w) for o, w in zip(outs, weights)
                   if jnp.issubdtype(o.dtype, jnp.floating))

    expected = jax.grad(loss, argnums=tuple(range(len(positions))))(*[jnp.asarray(args[i]) for i in positions])
    tensors = [sj.Tensor(args[i], requires_grad=True) for i in positions]
    full = list(args)
    for i, t in zip(positions, tensors):
        full[i] = t
    outs = getattr(knp, name)(*full, **kwargs)
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    total = 0.0
    for o, w in zip(outs, weights):
        if o.dtype.kind == "f" and o.requires_grad:
            total = total + knp.sum(knp.where(knp.isnan(o), 0.0, o) * w)
    if not isinstance(total, float):
        total.backward()
    for t, e in zip(tensors, expected):
        got = np.zeros(t.shape, "float32") if t.grad is None else t.grad
        np.testing.assert_allclose(got, np.asarray(e), rtol=1e-3, atol=1e-4, err_msg=f"{name} gradient")


def test_summary(capsys):
    names = {c.values[0] for c in CONFIGS}
    with capsys.disabled():
        print(f"\nkeras.ops numpy differential: {len(names)} functions, {len(CONFIGS)} value "
              f"configurations, {len(GRAD_CONFIGS)} gradient configurations")
    assert len(names) >= 200
