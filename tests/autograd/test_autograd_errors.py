"""Bad inputs fail early with errors that say what was expected and what was found."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops


def t(*shape):
    return sj.tensor(np.zeros(shape))


def test_matmul_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 5\)"):
        ops.matmul(t(2, 3), t(4, 5))
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\)"):
        ops.matmul(t(3), t(4))
    with pytest.raises(ValueError, match=r"batch dimensions.*\(2, 3, 4\).*\(3, 4, 5\)"):
        ops.matmul(t(2, 3, 4), t(3, 4, 5))
    with pytest.raises(ValueError, match="scalar"):
        ops.matmul(t(), t(3))


def test_dense_shape_mismatch():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 5\)"):
        ops.dense(t(2, 3), np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"rank 2.*\(3,\)"):
        ops.dense(t(2, 3), np.zeros(3))


def test_conv_with_kernel_of_the_wrong_rank():
    with pytest.raises(ValueError, match=r"kernel of rank 4.*\(3, 2, 4\)"):
        ops.conv(t(1, 5, 5, 2), t(3, 2, 4))
    with pytest.raises(ValueError, match=r"rank 3.*\(5, 5\)"):
        ops.conv(t(5, 5), t(3, 5))


def test_conv_channel_mismatch():
    with pytest.raises(ValueError, match=r"input channels 3 and kernel in_channels 2.*\(1, 5, 5, 3\).*\(3, 3, 2, 4\)"):
        ops.conv(t(1, 5, 5, 3), t(3, 3, 2, 4))


def test_conv_input_smaller_than_kernel():
    with pytest.raises(ValueError, match=r"\(1, 2, 5, 1\).*smaller than the window \(3, 3\)"):
        ops.conv(t(1, 2, 5, 1), t(3, 3, 1, 1))
    with pytest.raises(ValueError, match=r"\(1, 4, 1\).*smaller"):
        ops.conv(t(1, 4, 1), t(3, 1, 1), dilation_rate=2)
    # With 'same' padding any input size works.
    assert ops.conv(t(1, 2, 2, 1), t(3, 3, 1, 1), padding="same").shape == (1, 2, 2, 1)


@pytest.mark.parametrize("fn", [
    lambda p: ops.conv(t(1, 5, 5, 1), t(3, 3, 1, 1), padding=p),
    lambda p: ops.max_pool(t(1, 5, 5, 1), 2, padding=p),
    lambda p: ops.average_pool(t(1, 5, 1), 2, padding=p),
])
def test_unknown_padding(fn):
    with pytest.raises(ValueError, match="padding.*'foo'"):
        fn("foo")
    fn("SAME")  # case does not matter, as in Keras


def test_bad_strides_and_data_format():
    with pytest.raises(ValueError, match="strides"):
        ops.conv(t(1, 5, 5, 1), t(3, 3, 1, 1), strides=0)
    with pytest.raises(ValueError, match="strides"):
        ops.conv(t(1, 5, 5, 1), t(3, 3, 1, 1), strides=(1, 1, 1))
    with pytest.raises(ValueError, match="data_format.*channels_middle"):
        ops.conv(t(1, 5, 5, 1), t(3, 3, 1, 1), data_format="channels_middle")
    with pytest.raises(ValueError, match="divisible by the 5 groups"):  # channels_first: C = 5
        ops.conv(t(1, 5, 1, 5), t(3, 3, 1, 1), data_format="channels_first")
    with pytest.raises(ValueError, match="pool_size"):
        ops.max_pool(t(1, 5, 5, 1), 0)


def test_pool_input_too_small_and_wrong_rank():
    with pytest.raises(ValueError, match=r"\(1, 2, 2, 1\).*smaller"):
        ops.max_pool(t(1, 2, 2, 1), 3)
    with pytest.raises(ValueError, match=r"rank 3.*\(4, 4\)"):
        ops.average_pool(t(4, 4), 2)


def test_reshape_to_incompatible_size_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 2\)"):
        ops.reshape(t(2, 3), (4, 2))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, -1\)"):
        t(2, 3).reshape(4, -1)


def test_take_out_of_range_index():
    with pytest.raises(IndexError, match=r"index 5.*axis 0 of size 5.*\(5, 3\)"):
        ops.take(t(5, 3), [0, 5], axis=0)
    with pytest.raises(IndexError, match=r"index -7.*size 6"):
        ops.take(t(2, 3), [-7])
    with pytest.raises(TypeError, match="integers"):
        ops.take(t(5, 3), np.array([0.5]), axis=0)


def test_concatenate_mismatched_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)"):
        ops.concatenate([t(2, 3), t(2, 4)], axis=0)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 3, 1\)"):
        ops.concatenate([t(2, 3), t(2, 3, 1)])
    with pytest.raises(ValueError, match="empty"):
        ops.concatenate([])
    with pytest.raises(ValueError, match=r"axis 2.*rank 2"):
        ops.concatenate([t(2, 3), t(2, 3)], axis=2)


def test_split_into_unequal_sections():
    with pytest.raises(ValueError, match="length 5.*2 equal sections"):
        ops.split(t(5, 2), 2)


def test_transpose_with_bad_axes():
    with pytest.raises(ValueError, match="permutation"):
        ops.transpose(t(2, 3), (0, 0))
    with pytest.raises(ValueError, match="permutation"):
        ops.transpose(t(2, 3, 4), (0, 1, 5))


def test_reduction_axis_out_of_range():
    with pytest.raises(ValueError, match="axis 2.*rank 2"):
        ops.sum(t(2, 3), axis=2)
    with pytest.raises(ValueError, match="axis -3"):
        ops.mean(t(2, 3), axis=(0, -3))


def test_reduction_accepts_numpy_integer_axes():
    x = sj.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(ops.sum(x, axis=np.int64(1)).numpy(), [3.0, 12.0])


def test_dropout_rate_out_of_range():
    for rate in (1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match=f"rate={rate}"):
            ops.dropout(t(3), rate)


def test_pad_mode_other_than_constant():
    with pytest.raises(ValueError, match="reflect"):
        ops.pad(t(3), 1, mode="reflect")
