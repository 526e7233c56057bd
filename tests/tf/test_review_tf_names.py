"""Review regressions of the TensorFlow face: tf.gather's batch_dims."""

import numpy as np
import pytest

import shenjing as tf


def _reference_gather(x, idx, axis, batch_dims):
    """TF's definition, one batch entry at a time."""
    parts = [np.take(x[b], idx[b], axis=axis - batch_dims) for b in np.ndindex(*x.shape[:batch_dims])]
    return np.stack(parts).reshape(x.shape[:batch_dims] + parts[0].shape)


@pytest.mark.parametrize("x_shape, idx_shape, axis, batch_dims", [
    ((2, 5, 3), (2, 4), 1, 1),
    ((2, 3, 5, 4), (2, 3, 6), 2, 2),
    ((2, 3, 5, 4), (2, 7), 2, 1),
    ((2, 3, 5, 4), (2, 7), 3, 1),
    ((2, 3, 5), (2, 3, 2, 2), 2, 2),
    ((2, 5), (2,), 1, 1),
])
def test_gather_batch_dims_matches_tf_and_routes_gradients(x_shape, idx_shape, axis, batch_dims):
    rng = np.random.default_rng(1)
    x = rng.normal(size=x_shape).astype("float32")
    idx = rng.integers(0, x_shape[axis], idx_shape)
    got = tf.gather(x, idx, axis=axis, batch_dims=batch_dims)
    np.testing.assert_array_equal(got.numpy(), _reference_gather(x, idx, axis, batch_dims))
    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, idx, axis=axis, batch_dims=batch_dims))
    counts = np.zeros_like(x)
    for b in np.ndindex(*x_shape[:batch_dims]):
        moved = np.moveaxis(counts[b], axis - batch_dims, 0)
        np.add.at(moved, idx[b].reshape(-1), 1.0)
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), counts)


def test_gather_negative_batch_dims_is_counted_from_the_indices_rank():
    # batch_dims=-1 with 2-D indices is batch_dims=1, and the default axis is that batch_dims.
    out = tf.gather(np.arange(6).reshape(2, 3), np.array([[2], [0]]), batch_dims=-1)
    np.testing.assert_array_equal(out.numpy(), [[2], [3]])


def test_gather_batch_dims_mismatch_is_a_clear_error():
    with pytest.raises(ValueError, match="batch_dims"):
        tf.gather(np.zeros((2, 3)), np.zeros((3, 1), "int32"), axis=1, batch_dims=1)


def test_unstack_is_ops_unstack():
    parts = tf.unstack(np.arange(6).reshape(2, 3), axis=-1)
    assert [p.numpy().tolist() for p in parts] == [[0, 3], [1, 4], [2, 5]]
    with pytest.raises(ValueError, match="num=3"):
        tf.unstack(np.arange(6).reshape(2, 3), num=3)


def test_argsort_descending_is_right_for_unsigned_bool_and_the_minimum_int():
    """Descending argsort used to negate the input: uint8 wrapped round, INT_MIN stayed smallest,
    bool raised. Equal values keep their original order."""
    import numpy as np

    import shenjing as tf

    cases = [(np.array([3, 1, 2, 3], np.uint8), [0, 3, 2, 1]),
             (np.array([np.iinfo(np.int32).min, 5, 0], np.int32), [1, 2, 0]),
             (np.array([0.5, -1.0, 2.0, 0.5]), [2, 0, 3, 1]),
             (np.array([[True, False, True]]), [[0, 2, 1]])]
    for values, expected in cases:
        out = tf.argsort(values, direction="DESCENDING")
        assert out.dtype == np.int32
        np.testing.assert_array_equal(out.numpy(), expected)
    np.testing.assert_array_equal(
        tf.argsort(np.array([[1, 3], [4, 2]]), axis=0, direction="DESCENDING").numpy(), [[1, 0], [0, 1]])
