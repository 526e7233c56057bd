"""shenjing/tf/nn_conv.py: TensorFlow's conv/pool names over shenjing.ops.nn_conv."""

import numpy as np
import pytest

from shenjing.ops import nn_conv
from shenjing.tf import nn_conv as tfnn


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("size, strides", [((7, 6), 2), ((8, 8), 2), ((9, 5), 3), ((5, 5), 1)])
def test_conv2d_transpose_is_the_adjoint_of_conv2d(size, strides, padding):
    """<conv2d(z, K), y> = <z, conv2d_transpose(y, K, z.shape)>: TF's definition of the op."""
    r = np.random.default_rng(0)
    z, k = r.standard_normal((2, *size, 3)), r.standard_normal((3, 3, 3, 4))
    cz = tfnn.conv2d(z, k, strides, padding).numpy()
    y = r.standard_normal(cz.shape)
    ty = tfnn.conv2d_transpose(y, k, z.shape, strides, padding).numpy()
    assert ty.shape == z.shape
    np.testing.assert_allclose((cz * y).sum(), (z * ty).sum(), rtol=1e-10)


def test_nchw_and_four_entry_strides():
    r = np.random.default_rng(1)
    x, k = r.standard_normal((2, 3, 6, 5)), r.standard_normal((3, 3, 3, 2))
    ours = tfnn.conv2d(x, k, [1, 1, 2, 2], "SAME", data_format="NCHW").numpy()
    expected = nn_conv.conv(x, k, 2, "same", data_format="channels_first").numpy()
    np.testing.assert_allclose(ours, expected)
    with pytest.raises(ValueError, match="batch and channel"):
        tfnn.conv2d(x, k, [2, 1, 2, 2], "SAME", data_format="NCHW")
    with pytest.raises(ValueError, match="explicit paddings"):
        tfnn.conv2d(x, k, 1, [[0, 0], [1, 1], [1, 1], [0, 0]])
    with pytest.raises(ValueError, match="does not match"):
        tfnn.conv2d_transpose(r.standard_normal((1, 3, 3, 2)), k, (1, 9, 9, 3), 2, "SAME")


def test_pools_and_conv1d_are_the_ops():
    r = np.random.default_rng(2)
    x = r.standard_normal((2, 7, 6, 3))
    np.testing.assert_allclose(tfnn.max_pool2d(x, 3, 2, "SAME").numpy(), nn_conv.max_pool(x, 3, 2, "same").numpy())
    np.testing.assert_allclose(tfnn.avg_pool2d(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID").numpy(),
                               nn_conv.average_pool(x, 2, 2).numpy())
    s, k = r.standard_normal((2, 9, 3)), r.standard_normal((3, 3, 4))
    np.testing.assert_allclose(tfnn.conv1d(s, k, 2, "VALID").numpy(), nn_conv.conv(s, k, 2).numpy())
