"""One harness for every differentiable op: backprop against float64 central differences.

Each case is (op name, id, fn, inputs). ``shenjing.gradcheck`` differentiates
every floating input; integer and boolean inputs (labels, masks) pass through.
The same cases also run in float32 to check that gradients keep the inputs'
dtype. ``test_every_exported_op_is_covered`` fails when an op is added to
``shenjing.ops`` without a case here.
"""

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops
from op_harness import harness_tests

_R = np.random.default_rng(1234)
CASES = []
COVERED = set()

# Ops with no gradient by design: tested in test_autograd_graph.py (they return plain tensors).
NO_GRADIENT = {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
               "sign", "argmax", "argmin", "one_hot"}


def case(op, case_id, fn, *inputs, **tolerance):
    COVERED.add(op)
    CASES.append(pytest.param(fn, inputs, tolerance, id=f"{op}-{case_id}"))


# -- inputs: small, seeded, and away from kinks and ties -----------------------------
def randn(*shape):
    return _R.standard_normal(shape)


def away_from_zero(*shape, margin=0.2):
    """Values with |x| >= margin, so relu/abs/leaky_relu kinks are never crossed by eps."""
    x = _R.standard_normal(shape)
    return np.where(x >= 0, 1.0, -1.0) * (margin + np.abs(x))


def positive(*shape):
    return _R.uniform(0.5, 2.0, shape)


def distinct(*shape):
    """A shuffled ladder of values 0.25 apart: no two elements tie (max, min, max_pool)."""
    n = int(np.prod(shape))
    return ((_R.permutation(n) - n / 2) * 0.25 + 0.01).reshape(shape)


def mask(*shape):
    return _R.random(shape) > 0.5


# -- arithmetic ---------------------------------------------------------------------
case("add", "same", ops.add, randn(3, 4), randn(3, 4))
case("add", "col+row", ops.add, randn(3, 1), randn(1, 4))
case("add", "3d+vector", ops.add, randn(2, 3, 4), randn(4))
case("add", "tensor+scalar", lambda a: ops.add(a, 2.5), randn(3))
case("add", "scalar+tensor", lambda a: ops.add(2.5, a), randn(3))
case("add", "operator", lambda a, b: a + b + 1.0, randn(2, 3), randn(3))
case("subtract", "same", ops.subtract, randn(3, 4), randn(3, 4))
case("subtract", "broadcast", ops.subtract, randn(3, 1), randn(2, 1, 4))
case("subtract", "rsub", lambda a: 1.5 - a, randn(4))
case("multiply", "same", ops.multiply, randn(3, 4), randn(3, 4))
case("multiply", "3d*vector", ops.multiply, randn(2, 3, 4), randn(4))
case("multiply", "scalar", lambda a: 3.0 * a * 2.0, randn(2, 2))
case("multiply", "self", lambda a: a * a, randn(5))
case("divide", "same", ops.divide, randn(3, 4), positive(3, 4))
case("divide", "broadcast", ops.divide, randn(2, 3), -positive(3))
case("divide", "rdiv", lambda b: 2.0 / b, positive(4))
case("true_divide", "alias", ops.true_divide, randn(3), positive(3))
case("negative", "plain", ops.negative, randn(3, 2))
case("negative", "operator", lambda a: -a, randn(3))
case("power", "cube", lambda a: ops.power(a, 3.0), randn(3, 4))
case("power", "int-exponent-negative-base", lambda a: a ** 2, randn(5))
case("power", "sqrt", lambda a: a ** 0.5, positive(4))
case("power", "negative-exponent", lambda a: a ** -1.5, positive(4))
case("power", "tensor**tensor", ops.power, positive(3, 4), randn(3, 4))
case("power", "tensor**tensor-broadcast", ops.power, positive(2, 3), randn(3))
case("power", "rpow", lambda b: 2.0 ** b, randn(4))
case("exp", "plain", ops.exp, randn(3, 4))
case("log", "plain", ops.log, positive(3, 4))
case("sqrt", "plain", ops.sqrt, positive(3, 4))
case("square", "plain", ops.square, randn(3, 4))
case("abs", "plain", ops.abs, away_from_zero(3, 4))
case("abs", "operator", lambda a: abs(a), away_from_zero(5))
case("absolute", "alias", ops.absolute, away_from_zero(5))


def _clip_input():
    x = _R.uniform(-1.5, 1.5, (4, 5))
    near = np.abs(np.abs(x) - 0.5) < 0.05  # keep eps away from the clip bounds
    return np.where(near, x * 1.3, x)


case("clip", "both-sides", lambda a: ops.clip(a, -0.5, 0.5), _clip_input())
case("clip", "method", lambda a: a.clip(-0.5, 0.5), _clip_input())

_b = randn(3, 4)
case("maximum", "same", ops.maximum, _b + away_from_zero(3, 4), _b)
case("minimum", "same", ops.minimum, _b + away_from_zero(3, 4), _b)
_row = randn(4)
case("maximum", "broadcast", ops.maximum, _row + away_from_zero(3, 4), _row)
case("minimum", "broadcast", ops.minimum, _row + away_from_zero(3, 4), _row)
case("maximum", "scalar", lambda a: ops.maximum(a, 0.0), away_from_zero(6))
case("minimum", "scalar", lambda a: ops.minimum(0.0, a), away_from_zero(6))
case("where", "same", ops.where, mask(3, 4), randn(3, 4), randn(3, 4))
case("where", "broadcast", ops.where, mask(3, 4), randn(4), randn(3, 1))
case("where", "scalar-branch", lambda c, a: ops.where(c, a, 0.0), mask(2, 3), randn(2, 3))
case("where", "tensor-condition", lambda a: ops.where(a > 0, a, -a), away_from_zero(2, 3))
# float64 -> float32 -> float64 rounds, so a coarser step and tolerance.
case("cast", "float32-roundtrip", lambda a: ops.cast(ops.cast(a, "float32") * 2.0, a.dtype),
     randn(3, 4), eps=1e-2, atol=1e-4)
case("cast", "method", lambda a: a.astype("float32") * 3.0, randn(4), eps=1e-2, atol=1e-4)

# -- linear algebra -----------------------------------------------------------------
case("matmul", "2d", ops.matmul, randn(3, 4), randn(4, 5))
case("matmul", "batched-3d", ops.matmul, randn(2, 3, 4), randn(2, 4, 5))
case("matmul", "broadcast-batch", ops.matmul, randn(2, 3, 4), randn(4, 5))
case("matmul", "broadcast-batch-left", ops.matmul, randn(3, 4), randn(2, 4, 5))
case("matmul", "broadcast-batch-4d", ops.matmul, randn(2, 1, 3, 4), randn(3, 4, 2))
case("matmul", "1d@2d", ops.matmul, randn(4), randn(4, 5))
case("matmul", "2d@1d", ops.matmul, randn(3, 4), randn(4))
case("matmul", "1d@1d", ops.matmul, randn(4), randn(4))
case("matmul", "1d@3d", ops.matmul, randn(4), randn(2, 4, 3))
case("matmul", "3d@1d", ops.matmul, randn(2, 3, 4), randn(4))
case("matmul", "operator", lambda a, b: a @ b, randn(2, 3), randn(3, 2))
case("dense", "bias", ops.dense, randn(3, 4), randn(4, 5), randn(5))
case("dense", "no-bias", ops.dense, randn(3, 4), randn(4, 5))
case("dense", "3d-input", ops.dense, randn(2, 3, 4), randn(4, 2), randn(2))
case("outer", "vectors", ops.outer, randn(3), randn(4))

# -- reductions ---------------------------------------------------------------------
AXES = [
    ("all", dict(axis=None)),
    ("axis1", dict(axis=1)),
    ("axis-neg", dict(axis=-1)),
    ("axes-tuple", dict(axis=(0, 2))),
    ("axes-list", dict(axis=[0, -1])),
    ("keepdims-all", dict(axis=None, keepdims=True)),
    ("keepdims-axes", dict(axis=(0, 2), keepdims=True)),
    ("keepdims-neg", dict(axis=-2, keepdims=True)),
]
for _name in ("sum", "mean", "max", "min", "logsumexp", "var", "std"):
    for _id, _kw in AXES:
        _op = getattr(ops, _name)
        make = distinct if _name in ("max", "min") else randn
        case(_name, _id, lambda a, _op=_op, _kw=_kw: _op(a, **_kw), make(2, 3, 4))
case("amax", "alias", lambda a: ops.amax(a, axis=0), distinct(3, 4))
case("amin", "alias", lambda a: ops.amin(a, axis=0), distinct(3, 4))
case("sum", "method", lambda a: a.sum(axis=0, keepdims=True), randn(3, 4))
case("mean", "method", lambda a: a.mean(axis=1), randn(3, 4))
case("max", "method", lambda a: a.max(axis=1), distinct(3, 4))
case("min", "method", lambda a: a.min(), distinct(3, 4))
case("logsumexp", "large", lambda a: ops.logsumexp(a * 100.0, axis=-1), randn(2, 5))

# -- shape --------------------------------------------------------------------------
case("reshape", "2d", lambda a: ops.reshape(a, (4, 6)), randn(2, 3, 4))
case("reshape", "minus-one", lambda a: ops.reshape(a, (-1,)), randn(2, 3, 4))
case("reshape", "method", lambda a: a.reshape(6, 4) * np.arange(24.0).reshape(6, 4), randn(2, 3, 4))
case("transpose", "reverse", ops.transpose, randn(2, 3, 4))
case("transpose", "axes", lambda a: ops.transpose(a, (1, 0, 2)), randn(2, 3, 4))
case("transpose", "negative-axes", lambda a: ops.transpose(a, (-1, 0, 1)), randn(2, 3, 4))
case("transpose", "T", lambda a: a.T, randn(3, 4))
case("transpose", "method", lambda a: a.transpose(2, 0, 1), randn(2, 3, 4))
case("swapaxes", "0-2", lambda a: ops.swapaxes(a, 0, 2), randn(2, 3, 4))
case("swapaxes", "negative", lambda a: ops.swapaxes(a, -1, -2), randn(2, 3, 4))
case("expand_dims", "front", lambda a: ops.expand_dims(a, 0), randn(3, 4))
case("expand_dims", "back", lambda a: ops.expand_dims(a, -1), randn(3, 4))
case("expand_dims", "middle", lambda a: ops.expand_dims(a, 1), randn(3, 4))
case("squeeze", "all", ops.squeeze, randn(2, 1, 3, 1))
case("squeeze", "axis", lambda a: ops.squeeze(a, 1), randn(2, 1, 3, 1))
case("squeeze", "negative-axis", lambda a: ops.squeeze(a, -1), randn(2, 1, 3, 1))
case("broadcast_to", "3d", lambda a: ops.broadcast_to(a, (2, 3, 4)), randn(3, 1))
case("broadcast_to", "rows", lambda a: ops.broadcast_to(a, (3, 4)), randn(4))
case("flatten", "3d", ops.flatten, randn(2, 3, 4))
case("concatenate", "axis0", lambda a, b: ops.concatenate([a, b], axis=0), randn(2, 3), randn(4, 3))
case("concatenate", "axis-neg", lambda a, b: ops.concatenate([a, b], axis=-1), randn(2, 3), randn(2, 1))
case("concatenate", "same-tensor-twice", lambda a: ops.concatenate([a, a * 2.0, a], axis=1), randn(2, 2))
case("stack", "axis0", lambda a, b: ops.stack([a, b]), randn(2, 3), randn(2, 3))
case("stack", "axis-neg", lambda a, b, c: ops.stack([a, b, c], axis=-1), randn(2, 3), randn(2, 3), randn(2, 3))


def _split_sections(a):
    parts = ops.split(a, 3, axis=1)
    assert [p.shape for p in parts] == [(2, 2)] * 3
    return parts[0] * 1.0 + parts[1] * 2.0 + ops.square(parts[2])


def _split_indices(a):
    parts = ops.split(a, [1, 4], axis=-1)
    assert [p.shape for p in parts] == [(3, 1), (3, 3), (3, 1)]
    return ops.concatenate([parts[2] * 3.0, ops.square(parts[1]), parts[0]], axis=1)


case("split", "sections", _split_sections, randn(2, 6))
case("split", "indices", _split_indices, randn(3, 5))
case("split", "one-part-used", lambda a: ops.split(a, 2)[1], randn(4, 2))
case("pad", "pairs", lambda a: ops.pad(a, ((1, 2), (0, 1))), randn(2, 3))
case("pad", "int", lambda a: ops.pad(a, 1, constant_values=3.0), randn(2, 3))
case("take", "flat", lambda a: ops.take(a, [0, 5, 5, -1]), randn(2, 4))
case("take", "axis0-repeats", lambda a: ops.take(a, [2, 0, 2, 2], axis=0), randn(3, 4))
case("take", "axis1", lambda a: ops.take(a, [1, 1, 0], axis=1), randn(3, 4))
case("take", "axis-neg", lambda a: ops.take(a, [3, 0], axis=-1), randn(2, 3, 4))
case("take", "embedding", lambda a: ops.take(a, np.array([[0, 4, 0], [2, 2, 1]]), axis=0), randn(5, 3))
case("take", "embedding-int-input", lambda a, i: ops.take(a, i, axis=0), randn(5, 3),
     np.array([[1, 1], [4, 0]]))
case("take", "2d-indices-axis1", lambda a: ops.take(a, np.array([[0, 2], [2, 2]]), axis=1), randn(2, 3, 2))
case("take", "scalar-index", lambda a: ops.take(a, 1, axis=1), randn(3, 4))
case("getitem", "slice", lambda a: a[1:3], randn(4, 3))
case("getitem", "negative-step", lambda a: a[::-1, ::-2], randn(4, 5))
case("getitem", "int-and-ellipsis", lambda a: a[..., 1], randn(2, 3, 4))
case("getitem", "newaxis", lambda a: a[None, -1], randn(3, 2))
case("getitem", "int-array-repeats", lambda a: a[[0, 2, 0, 0]], randn(3, 2))
case("getitem", "2d-int-array", lambda a: a[np.array([[0, 1], [1, 1]])], randn(3, 2))
case("getitem", "paired-arrays", lambda a: a[[0, 1, 0], [2, 2, 2]], randn(2, 3))
case("getitem", "mixed", lambda a: a[1:, [0, 0, 2]], randn(3, 3))
case("getitem", "bool-mask", lambda a: a[a.data > 0.3], randn(4, 3))
case("getitem", "bool-rows", lambda a: a[np.array([True, False, True])], randn(3, 2))
case("getitem", "tensor-index", lambda a: a[sj.tensor(np.array([1, 1, 0]))], randn(2, 3))
case("getitem", "function", lambda a: ops.getitem(a, (slice(None), 0)), randn(2, 3))

# -- activations --------------------------------------------------------------------
case("relu", "plain", ops.relu, away_from_zero(3, 4))
case("sigmoid", "plain", ops.sigmoid, randn(3, 4) * 3)
case("tanh", "plain", ops.tanh, randn(3, 4))
case("softmax", "last", ops.softmax, randn(3, 4))
case("softmax", "axis0", lambda a: ops.softmax(a, axis=0), randn(3, 4))
case("softmax", "3d-middle", lambda a: ops.softmax(a, axis=1), randn(2, 3, 4))
case("log_softmax", "last", ops.log_softmax, randn(3, 4))
case("log_softmax", "axis0", lambda a: ops.log_softmax(a, axis=0), randn(3, 4))
case("log_softmax", "3d-middle", lambda a: ops.log_softmax(a, axis=1), randn(2, 3, 4))
case("leaky_relu", "default", ops.leaky_relu, away_from_zero(3, 4))
case("leaky_relu", "slope", lambda a: ops.leaky_relu(a, negative_slope=0.1), away_from_zero(3, 4))
case("elu", "default", ops.elu, away_from_zero(3, 4))
case("elu", "alpha", lambda a: ops.elu(a, alpha=0.5), away_from_zero(3, 4))
case("gelu", "approximate", lambda a: ops.gelu(a, approximate=True), randn(3, 4) * 2)
case("gelu", "exact", lambda a: ops.gelu(a, approximate=False), randn(3, 4) * 2)
case("softplus", "plain", ops.softplus, randn(3, 4) * 3)
case("silu", "plain", ops.silu, randn(3, 4) * 2)
case("swish", "alias", ops.swish, randn(3, 4))

# -- neural-network ops ---------------------------------------------------------------
case("dropout", "seeded", lambda a: ops.dropout(a, 0.4, seed=123), randn(4, 5))
case("dropout", "noise-shape", lambda a: ops.dropout(a, 0.5, noise_shape=(4, 1), seed=7), randn(4, 5))
case("sparse_softmax_cross_entropy", "2d",
     lambda z, y: ops.sparse_softmax_cross_entropy(y, z), randn(4, 5), np.array([0, 4, 2, 2]))
case("sparse_softmax_cross_entropy", "3d",
     lambda z, y: ops.sparse_softmax_cross_entropy(y, z), randn(2, 3, 4), np.array([[0, 3, 1], [2, 2, 0]]))
case("softmax_cross_entropy", "logits-and-target",
     lambda t, z: ops.softmax_cross_entropy(t, z), _R.dirichlet(np.ones(5), 4), randn(4, 5))
case("sigmoid_cross_entropy", "logits-and-target",
     lambda t, z: ops.sigmoid_cross_entropy(t, z), _R.random((3, 4)), randn(3, 4) * 3)

# -- convolution and pooling -----------------------------------------------------------
for _pad in ("valid", "same"):
    for _s in (1, 2):
        case("conv", f"2d-k3-s{_s}-{_pad}",
             lambda x, k, _s=_s, _pad=_pad: ops.conv(x, k, strides=_s, padding=_pad),
             randn(2, 5, 6, 3), randn(3, 3, 3, 2))
        case("conv", f"2d-k2x3-s{_s}-{_pad}",
             lambda x, k, _s=_s, _pad=_pad: ops.conv(x, k, strides=_s, padding=_pad),
             randn(1, 6, 5, 2), randn(2, 3, 2, 3))
        case("conv", f"1d-k3-s{_s}-{_pad}",
             lambda x, k, _s=_s, _pad=_pad: ops.conv(x, k, strides=_s, padding=_pad),
             randn(2, 7, 3), randn(3, 3, 2))
        case("conv", f"1d-k4-s{_s}-{_pad}",
             lambda x, k, _s=_s, _pad=_pad: ops.conv(x, k, strides=_s, padding=_pad),
             randn(2, 8, 2), randn(4, 2, 3))
case("conv", "2d-dilation2-valid", lambda x, k: ops.conv(x, k, dilation_rate=2), randn(1, 6, 6, 2), randn(2, 2, 2, 2))
case("conv", "2d-dilation2-same", lambda x, k: ops.conv(x, k, padding="same", dilation_rate=2),
     randn(1, 5, 5, 2), randn(3, 3, 2, 2))
case("conv", "1d-dilation2-same", lambda x, k: ops.conv(x, k, padding="same", dilation_rate=2),
     randn(2, 7, 2), randn(2, 2, 3))
case("conv", "2d-strides-tuple", lambda x, k: ops.conv(x, k, strides=(2, 1), padding="same"),
     randn(1, 5, 4, 2), randn(2, 2, 2, 1))

for _fn_name in ("max_pool", "average_pool"):
    _fn = getattr(ops, _fn_name)
    for _id, _kw in [("p2", dict(pool_size=2)),
                     ("p3-s1-overlap", dict(pool_size=3, strides=1)),
                     ("p3-s2-overlap", dict(pool_size=3, strides=2)),
                     ("p2-s1-same", dict(pool_size=2, strides=1, padding="same")),
                     ("p3-s2-same", dict(pool_size=3, strides=2, padding="same")),
                     ("p2x3-s1x2-same", dict(pool_size=(2, 3), strides=(1, 2), padding="same"))]:
        case(_fn_name, f"2d-{_id}", lambda x, _fn=_fn, _kw=_kw: _fn(x, **_kw), distinct(2, 5, 6, 2))
    for _id, _kw in [("p2", dict(pool_size=2)),
                     ("p3-s1-overlap", dict(pool_size=3, strides=1)),
                     ("p2-s3", dict(pool_size=2, strides=3)),
                     ("p3-s2-same", dict(pool_size=3, strides=2, padding="same"))]:
        case(_fn_name, f"1d-{_id}", lambda x, _fn=_fn, _kw=_kw: _fn(x, **_kw), distinct(2, 7, 3))
case("global_average_pool", "2d", ops.global_average_pool, randn(2, 3, 4, 2))
case("global_average_pool", "1d-keepdims", lambda x: ops.global_average_pool(x, keepdims=True), randn(2, 5, 3))
case("global_max_pool", "2d", ops.global_max_pool, distinct(2, 3, 4, 2))
case("global_max_pool", "1d-keepdims", lambda x: ops.global_max_pool(x, keepdims=True), distinct(2, 5, 3))


# -- the tests ------------------------------------------------------------------------
(test_gradcheck, test_float32_gradients_keep_dtype_and_match_float64,
 test_ops_change_neither_inputs_nor_gradients_nor_saved_values) = harness_tests(CASES)
