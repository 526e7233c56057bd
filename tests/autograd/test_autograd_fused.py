"""The fused and fast paths: conv with bias inside the op, tiled max pooling."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops


@pytest.mark.parametrize("x_shape, k_shape, strides, padding, dilation", [
    ((2, 6, 6, 3), (3, 3, 3, 4), 1, "valid", 1),
    ((2, 7, 6, 2), (3, 2, 2, 3), 2, "same", 1),
    ((2, 8, 8, 2), (3, 3, 2, 3), 1, "same", 2),
    ((2, 5, 5, 2), (1, 1, 2, 3), 1, "valid", 1),
    ((2, 9, 3), (3, 3, 2), 2, "same", 1),
    # One input channel takes im2col's transposed path.
    ((2, 7, 6, 1), (3, 3, 1, 4), 1, "valid", 1),
    ((2, 7, 6, 1), (3, 2, 1, 2), 2, "same", 2),
    ((2, 9, 1), (3, 1, 2), 2, "same", 1),
])
def test_conv_with_bias_equals_conv_plus_bias_and_passes_gradcheck(x_shape, k_shape, strides, padding, dilation):
    rng = np.random.default_rng(0)
    x, k, b = rng.standard_normal(x_shape), rng.standard_normal(k_shape), rng.standard_normal(k_shape[-1])
    fused = ops.conv(x, k, strides, padding, dilation_rate=dilation, bias=b).numpy()
    plain = ops.conv(x, k, strides, padding, dilation_rate=dilation).numpy() + b
    np.testing.assert_allclose(fused, plain, rtol=1e-12, atol=1e-12)
    sj.gradcheck(lambda x, k, b: ops.conv(x, k, strides, padding, dilation_rate=dilation, bias=b), [x, k, b])


def test_conv_rejects_a_bias_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"bias must have shape \(4,\)"):
        ops.conv(np.ones((1, 5, 5, 3)), np.ones((3, 3, 3, 4)), bias=np.ones(3))


@pytest.mark.parametrize("shape, pool", [((2, 8, 8, 3), 2), ((2, 9, 7, 3), 2), ((2, 9, 9, 2), 3), ((2, 8, 8, 2), (2, 4))])
def test_tiled_max_pool_routes_each_gradient_to_one_value(shape, pool):
    # Ties everywhere (all zeros, as after a ReLU): each window passes its gradient to one input only.
    x = sj.tensor(np.zeros(shape), requires_grad=True)
    y = ops.max_pool(x, pool)
    g = np.random.default_rng(1).standard_normal(y.shape)
    y.backward(g)
    assert np.count_nonzero(x.grad) == g.size
    np.testing.assert_allclose(x.grad.sum(), g.sum())


@pytest.mark.parametrize("strides, padding", [(1, "valid"), (2, "same")])
def test_conv_with_fused_relu_equals_relu_of_conv_and_passes_gradcheck(strides, padding):
    rng = np.random.default_rng(3)
    x, k, b = rng.standard_normal((2, 6, 6, 2)), rng.standard_normal((3, 3, 2, 3)), rng.standard_normal(3)
    fused = ops.conv(x, k, strides, padding, bias=b, activation="relu").numpy()
    plain = ops.relu(ops.conv(x, k, strides, padding, bias=b)).numpy()
    np.testing.assert_array_equal(fused, plain)
    sj.gradcheck(lambda x, k, b: ops.conv(x, k, strides, padding, bias=b, activation="relu"), [x, k, b])
    with pytest.raises(ValueError, match="activation must be None or 'relu'"):
        ops.conv(x, k, activation="tanh")


def test_one_channel_im2col_matches_the_strided_view():
    conv = __import__("importlib").import_module("shenjing.autograd.ops.conv")
    x = np.random.default_rng(4).standard_normal((3, 9, 8, 1))
    for strides, dilation in [((1, 1), (1, 1)), ((2, 1), (1, 2))]:
        out_hw = (conv.output_length(9, 3, strides[0], dilation[0], "valid"),
                  conv.output_length(8, 3, strides[1], dilation[1], "valid"))
        fast = conv.im2col(x, (3, 3), strides, dilation, out_hw)
        plain = conv.windows(x, (3, 3), strides, dilation, out_hw).reshape(fast.shape)
        np.testing.assert_array_equal(fast, plain)
