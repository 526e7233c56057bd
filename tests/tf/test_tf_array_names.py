"""The TensorFlow top-level array names and ``tf.math`` on shenjing (``import shenjing as tf``):
values against NumPy, TensorFlow's argument names and semantics, gradients through them."""

import numpy as np
import pytest

import shenjing as tf
from shenjing.tf import array_names, math as tf_math

_R = np.random.default_rng(5)
X = _R.standard_normal((2, 3)).astype("float32")


def test_every_listed_name_is_reachable_from_shenjing():
    for name in array_names.__all__:
        assert hasattr(tf, name), name
    for name in tf_math.__all__:
        assert hasattr(tf.math, name), name
    assert tf.newaxis is None
    assert tf.reduce_sum is tf.math.reduce_sum


def test_creation():
    assert tf.zeros((2, 3)).dtype == np.float32 and tf.ones([2], dtype="int32").dtype == np.int32
    np.testing.assert_array_equal(tf.fill([2, 2], 7), np.full((2, 2), 7))
    assert tf.fill([2], 7).dtype == np.int32 and tf.fill([2], 1.5).dtype == np.float32
    np.testing.assert_array_equal(tf.range(5), np.arange(5))
    assert tf.range(5).dtype == np.int32 and tf.range(0.0, 1.0, 0.25).dtype == np.float32
    np.testing.assert_array_equal(tf.range(2, 10, 3), [2, 5, 8])
    assert tf.eye(3, batch_shape=[2]).shape == (2, 3, 3)
    np.testing.assert_allclose(tf.linspace(0.0, 1.0, 5), np.linspace(0, 1, 5))
    assert tf.zeros_like(X).shape == X.shape and tf.ones_like(X, dtype="int32").dtype == np.int32


def test_shape_rank_size_are_int32_tensors():
    assert tf.shape(X).dtype == np.int32 and tf.shape(X).tolist() == [2, 3]
    assert int(tf.size(X)) == 6 and int(tf.rank(X)) == 2


def test_shape_functions():
    assert tf.reshape(X, [3, -1]).shape == (3, 2)
    assert tf.expand_dims(X, -1).shape == (2, 3, 1)
    assert tf.squeeze(tf.expand_dims(X, 0)).shape == (2, 3)
    np.testing.assert_array_equal(tf.transpose(X), X.T)
    np.testing.assert_array_equal(tf.concat([X, X], axis=-1), np.concatenate([X, X], -1))
    assert tf.stack([X, X], axis=1).shape == (2, 2, 3)
    parts = tf.unstack(X, axis=1)
    assert len(parts) == 3 and parts[0].shape == (2,)
    a, b = tf.split(X, [1, -1], axis=1)
    assert a.shape == (2, 1) and b.shape == (2, 2)
    assert [p.shape for p in tf.split(X, 3, axis=1)] == [(2, 1)] * 3
    np.testing.assert_array_equal(tf.tile(X, [2, 1]), np.tile(X, (2, 1)))
    np.testing.assert_array_equal(tf.reverse(X, [1]), X[:, ::-1])
    np.testing.assert_array_equal(tf.pad(X, [[1, 0], [0, 2]]), np.pad(X, ((1, 0), (0, 2))))
    with pytest.raises(ValueError, match="sum to 3"):
        tf.split(X, [1, 1], axis=1)
    with pytest.raises(ValueError, match="CONSTANT"):
        tf.pad(X, [[1, 0], [0, 2]], mode="REFLECT")


def test_gathering():
    np.testing.assert_array_equal(tf.gather(X, [2, 0], axis=1), X[:, [2, 0]])
    np.testing.assert_array_equal(tf.gather(X, [1, 1]), X[[1, 1]])
    idx = np.array([[2, 0], [1, 1]])
    np.testing.assert_array_equal(tf.gather(X, idx, axis=1, batch_dims=1), np.take_along_axis(X, idx, 1))
    np.testing.assert_array_equal(tf.gather_nd(X, [[0, 1], [1, 2]]), [X[0, 1], X[1, 2]])
    np.testing.assert_array_equal(tf.gather_nd(X, [[1]]), X[[1]])
    np.testing.assert_array_equal(tf.boolean_mask(X, X > 0), X[X > 0])
    np.testing.assert_array_equal(tf.boolean_mask(X, [True, False]), X[:1])
    coords = tf.where(X > 0)
    assert coords.dtype == np.int64 and coords.tolist() == np.argwhere(X > 0).tolist()
    np.testing.assert_array_equal(tf.where(X > 0, X, 0.0), np.where(X > 0, X, 0))


def test_sorting_and_top_k():
    np.testing.assert_array_equal(tf.sort(X, direction="DESCENDING"), -np.sort(-X, -1))
    np.testing.assert_array_equal(tf.argsort(X), np.argsort(X, -1))
    np.testing.assert_array_equal(tf.argsort(X, direction="DESCENDING"), np.argsort(-X, -1))
    values, indices = tf.math.top_k(X, k=2)
    np.testing.assert_array_equal(values, -np.sort(-X, -1)[:, :2])
    np.testing.assert_array_equal(indices, np.argsort(-X, -1)[:, :2])


def test_reductions_follow_tensorflow():
    np.testing.assert_allclose(tf.reduce_mean(X, axis=1), X.mean(1), rtol=1e-6)
    np.testing.assert_allclose(tf.reduce_sum(X, 0, keepdims=True), X.sum(0, keepdims=True), rtol=1e-6)
    ints = np.array([1, 2, 4])
    assert tf.reduce_mean(ints).dtype == ints.dtype and int(tf.reduce_mean(ints)) == 2
    np.testing.assert_allclose(tf.reduce_logsumexp(X, 1), np.log(np.exp(X).sum(1)), rtol=1e-5)
    assert tf.argmax(X).dtype == np.int64 and tf.argmax(X).tolist() == np.argmax(X, 0).tolist()
    assert tf.argmax(X, axis=1, output_type="int32").dtype == np.int32
    assert bool(tf.reduce_any(X > 1.5)) == bool((X > 1.5).any())
    np.testing.assert_allclose(tf.cumsum(X, axis=1), np.cumsum(X, 1), rtol=1e-6)
    np.testing.assert_allclose(tf.cumsum(X, axis=1, exclusive=True), np.cumsum(X, 1) - X, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tf.math.cumsum([1.0, 2.0, 3.0], reverse=True), [6, 5, 3])
    assert int(tf.math.count_nonzero([0, 1, 2])) == 2


def test_elementwise_math():
    np.testing.assert_allclose(tf.math.rsqrt(np.abs(X) + 1), 1 / np.sqrt(np.abs(X) + 1), rtol=1e-6)
    np.testing.assert_allclose(tf.math.squared_difference(X, 1.0), (X - 1) ** 2, rtol=1e-6)
    np.testing.assert_array_equal(tf.math.divide_no_nan(X, np.zeros_like(X)), np.zeros_like(X))
    np.testing.assert_allclose(tf.pow(np.abs(X), 2.0), np.abs(X) ** 2, rtol=1e-6)
    np.testing.assert_array_equal(tf.round(np.array([0.5, 1.5, -0.5])), [0.0, 2.0, -0.0])
    np.testing.assert_array_equal(tf.clip_by_value(X, -0.5, 0.5), np.clip(X, -0.5, 0.5))
    np.testing.assert_array_equal(tf.math.logical_and([True, False], [True, True]), [True, False])
    np.testing.assert_array_equal(tf.math.is_nan([np.nan, 1.0]), [True, False])
    np.testing.assert_allclose(tf.math.segment_sum(X, [0, 0]), X.sum(0, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(tf.add_n([X, X, X]), 3 * X, rtol=1e-6)


def test_products_and_norm():
    np.testing.assert_allclose(tf.matmul(X, X, transpose_b=True), X @ X.T, rtol=1e-5)
    np.testing.assert_allclose(tf.tensordot(X, X, [[1], [1]]), X @ X.T, rtol=1e-5)
    np.testing.assert_allclose(tf.einsum("ij,kj->ik", X, X), X @ X.T, rtol=1e-5)
    np.testing.assert_allclose(tf.norm(X), np.linalg.norm(X), rtol=1e-6)
    np.testing.assert_allclose(tf.norm(X, ord=1, axis=1), np.abs(X).sum(1), rtol=1e-6)


def test_gradients_flow_through_tf_names():
    x = tf.Variable(X) if hasattr(tf, "Variable") else tf.tensor(X, requires_grad=True)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(tf.concat([x, x * 2.0], axis=1), [0, 4], axis=1))
    grad = tape.gradient(y, x)
    expected = np.zeros_like(X)
    expected[:, 0] = 1
    expected[:, 1] = 2
    np.testing.assert_allclose(grad, expected)
