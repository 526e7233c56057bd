"""Gradient checks for ``keras.ops.nn`` (activations, losses, normalizations, attention):
backprop against float64 central differences, plus the float32 and no-mutation checks of
tests/autograd/test_autograd_op_gradients.py. Convolution and pooling have their own harness."""

import numpy as np
import pytest

from op_harness import harness_tests
from shenjing import ops

_R = np.random.default_rng(4321)
CASES = []
COVERED = set()

# Integer- or complex-valued: values tested in test_ops_nn_values.py.
NO_GRADIENT = {"one_hot", "multi_hot", "polar"}


def case(op, case_id, fn, *inputs, **tolerance):
    COVERED.add(op)
    CASES.append(pytest.param(fn, inputs, tolerance, id=f"{op}-{case_id}"))


def randn(*shape):
    return _R.standard_normal(shape)


def avoiding(*shape, kinks=(0.0,), margin=0.1, scale=3.0):
    """Uniform values in [-scale, scale] at least ``margin`` from every kink."""
    x = _R.uniform(-scale, scale, shape)
    for k in kinks:
        near = np.abs(x - k) < margin
        x = np.where(near, k + np.sign(x - k + 1e-12) * margin * 2, x)
    return x


def probs(*shape):
    p = _R.uniform(0.1, 1.0, shape)
    return p / p.sum(-1, keepdims=True)


def distinct(*shape):
    n = int(np.prod(shape))
    return ((_R.permutation(n) - n / 2) * 0.3 + 0.01).reshape(shape)


# -- activations ----------------------------------------------------------------------
for _name, _kinks in [("relu", (0,)), ("relu6", (0, 6)), ("sigmoid", ()), ("softplus", ()),
                      ("softsign", (0,)), ("silu", ()), ("swish", ()), ("log_sigmoid", ()),
                      ("hard_sigmoid", (-3, 3)), ("hard_silu", (-3, 3)), ("hard_swish", (-3, 3)),
                      ("selu", (0,)), ("tanh_shrink", ()), ("hard_tanh", (-1, 1)),
                      ("sparse_sigmoid", (-1, 1)), ("sparse_plus", (-1, 1)), ("elu", (0,)),
                      ("celu", (0,)), ("gelu", ()), ("soft_shrink", (-0.5, 0.5)),
                      ("hard_shrink", (-0.5, 0.5)), ("squareplus", ()), ("leaky_relu", (0,))]:
    case(_name, "default", getattr(ops, _name), avoiding(3, 4, kinks=_kinks, scale=7.0))
case("leaky_relu", "slope", lambda x: ops.leaky_relu(x, negative_slope=0.05), avoiding(5))
case("elu", "alpha", lambda x: ops.elu(x, alpha=0.5), avoiding(5))
case("celu", "alpha", lambda x: ops.celu(x, alpha=2.0), avoiding(6))
case("gelu", "exact", lambda x: ops.gelu(x, approximate=False), randn(2, 5))
case("soft_shrink", "t1", lambda x: ops.soft_shrink(x, threshold=1.0), avoiding(6, kinks=(-1, 1)))
case("hard_shrink", "t1", lambda x: ops.hard_shrink(x, threshold=1.0), avoiding(6, kinks=(-1, 1)))
case("squareplus", "b0.5", lambda x: ops.squareplus(x, b=0.5), randn(6))
case("threshold", "t0.3", lambda x: ops.threshold(x, 0.3, -2.0), avoiding(3, 4, kinks=(0.3,)))
case("glu", "last", ops.glu, randn(3, 6))
case("glu", "axis0", lambda x: ops.glu(x, axis=0), randn(4, 3))
case("softmax", "last", ops.softmax, randn(3, 5))
case("softmax", "axis0", lambda x: ops.softmax(x, axis=0), randn(3, 5))
case("softmax", "axes", lambda x: ops.softmax(x, axis=(1, 2)), randn(2, 3, 4))
case("log_softmax", "last", ops.log_softmax, randn(3, 5))
case("log_softmax", "axis1", lambda x: ops.log_softmax(x, axis=1), randn(2, 4, 3))
case("sparsemax", "last", ops.sparsemax, distinct(4, 5))
case("sparsemax", "axis0", lambda x: ops.sparsemax(x, axis=0), distinct(5, 3))

# -- losses ------------------------------------------------------------------------------
case("binary_crossentropy", "probs", ops.binary_crossentropy, _R.uniform(0, 1, (3, 4)),
     _R.uniform(0.05, 0.95, (3, 4)))
case("binary_crossentropy", "logits",
     lambda t, z: ops.binary_crossentropy(t, z, from_logits=True), _R.uniform(0, 1, (5,)), randn(5))
case("categorical_crossentropy", "probs", ops.categorical_crossentropy, probs(3, 4), probs(3, 4))
case("categorical_crossentropy", "logits",
     lambda t, z: ops.categorical_crossentropy(t, z, from_logits=True), probs(3, 4), randn(3, 4))
case("categorical_crossentropy", "logits-axis0",
     lambda t, z: ops.categorical_crossentropy(t, z, from_logits=True, axis=0), probs(4, 3),
     randn(4, 3))
case("sparse_categorical_crossentropy", "probs",
     lambda z: ops.sparse_categorical_crossentropy(np.array([0, 2, 1]), z), probs(3, 4))
case("sparse_categorical_crossentropy", "logits",
     lambda z: ops.sparse_categorical_crossentropy(np.array([[0], [3], [1]]), z, from_logits=True),
     randn(3, 4))
case("sparse_categorical_crossentropy", "logits-axis1",
     lambda z: ops.sparse_categorical_crossentropy(np.array([[0, 2], [1, 1]]), z,
                                                   from_logits=True, axis=1), randn(2, 3, 2))
case("psnr", "max1", lambda a, b: ops.psnr(a, b, 1.0), _R.uniform(0, 1, (2, 4)),
     _R.uniform(0, 1, (2, 4)))

# -- statistics and normalizations -------------------------------------------------------
case("moments", "axis0", lambda x: ops.moments(x, axes=[0])[0] + 2.0 * ops.moments(x, axes=[0])[1], randn(4, 3))
case("moments", "axes-keepdims", lambda x: ops.moments(x, axes=(0, 2), keepdims=True)[1],
     randn(3, 2, 4))
case("batch_normalization", "full",
     lambda x, m, v, o, s: ops.batch_normalization(x, m, v, axis=-1, offset=o, scale=s),
     randn(4, 3), randn(3), _R.uniform(0.5, 2, 3), randn(3), randn(3))
case("batch_normalization", "axis1",
     lambda x, m, v: ops.batch_normalization(x, m, v, axis=1, epsilon=0.01),
     randn(2, 3, 4), randn(3), _R.uniform(0.5, 2, 3))
case("normalize", "l2", ops.normalize, randn(3, 4))
case("normalize", "l1-axis0", lambda x: ops.normalize(x, axis=0, order=1), avoiding(3, 4))
case("normalize", "l3", lambda x: ops.normalize(x, order=3), avoiding(2, 5))
case("rms_normalization", "scale", lambda x, s: ops.rms_normalization(x, scale=s), randn(3, 4),
     randn(4))
case("rms_normalization", "axes", lambda x: ops.rms_normalization(x, axis=(1, 2)), randn(2, 3, 4))
case("layer_normalization", "gamma-beta",
     lambda x, g, b: ops.layer_normalization(x, gamma=g, beta=b), randn(3, 5), randn(5), randn(5))
case("layer_normalization", "axis1", lambda x, g: ops.layer_normalization(x, gamma=g, axis=1),
     randn(2, 3, 4), randn(3))

# -- attention and pixel shuffle ----------------------------------------------------------
case("dot_product_attention", "plain", ops.dot_product_attention, randn(2, 3, 2, 4),
     randn(2, 5, 2, 4), randn(2, 5, 2, 3))
case("dot_product_attention", "causal-scale",
     lambda q, k, v: ops.dot_product_attention(q, k, v, is_causal=True, scale=0.3),
     randn(1, 4, 2, 3), randn(1, 4, 2, 3), randn(1, 4, 2, 3))
case("dot_product_attention", "mask-bias",
     lambda q, k, v, b: ops.dot_product_attention(q, k, v, bias=b,
                                                  mask=np.array([[True, False, True]])),
     randn(1, 2, 2, 3), randn(1, 3, 2, 3), randn(1, 3, 2, 3), randn(1, 2, 2, 3))
case("dot_product_attention", "grouped-heads", ops.dot_product_attention, randn(1, 2, 4, 3),
     randn(1, 3, 2, 3), randn(1, 3, 2, 2))
case("depth_to_space", "nhwc", lambda x: ops.depth_to_space(x, 2), randn(1, 2, 3, 8))
case("depth_to_space", "nchw", lambda x: ops.depth_to_space(x, 2, "channels_first"),
     randn(1, 8, 2, 3))
case("space_to_depth", "nhwc", lambda x: ops.space_to_depth(x, 2), randn(1, 4, 2, 3))
case("space_to_depth", "nchw", lambda x: ops.space_to_depth(x, 2, "channels_first"),
     randn(1, 3, 4, 2))


# -- the tests: the shared harness (op_harness.py) over this module's CASES --------------
(test_gradcheck, test_float32_gradients_keep_dtype_and_match_float64,
 test_ops_change_neither_inputs_nor_gradients_nor_saved_values) = harness_tests(CASES)
