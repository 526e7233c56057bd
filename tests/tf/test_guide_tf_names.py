"""tf names that the Keras/TF guides call and shenjing lacked: tf.one_hot (the tf.keras "training
with built-in methods" guide passes float32 labels), tf.clip_by_norm / clip_by_global_norm,
format specs on scalar tensors (the TF tutorial prints ``"{:4.1f}".format(100*p)``) and
tf.keras 2's keras.backend.std/mean/var."""

import numpy as np
import pytest

import shenjing as tf
from shenjing import keras


def test_one_hot_accepts_whole_floats_and_zeroes_out_of_range():
    y = np.array([0.0, 2.0, 1.0], "float32")
    out = tf.one_hot(y, depth=3)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), np.eye(3, dtype="float32")[[0, 2, 1]])
    out = tf.one_hot(np.array([0, 3, -1]), 3)  # outside [0, depth): a row of zeros, as in TF
    np.testing.assert_array_equal(out.numpy(), [[1, 0, 0], [0, 0, 0], [0, 0, 0]])


def test_one_hot_on_off_values_axis_and_dtype():
    out = tf.one_hot([1, 0], 3, on_value=5, off_value=-1)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out.numpy(), [[-1, 5, -1], [5, -1, -1]])
    out = tf.one_hot([1, 0], 3, axis=0, dtype=tf.int32)
    np.testing.assert_array_equal(out.numpy(), [[0, 1], [1, 0], [0, 0]])


def test_one_hot_rejects_fractional_labels():
    with pytest.raises(ValueError, match="integer indices"):
        tf.one_hot(np.array([0.5]), 2)


def test_clip_by_norm_values_and_axes():
    np.testing.assert_allclose(tf.clip_by_norm([3.0, 4.0], 1.0).numpy(), [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(tf.clip_by_norm([0.3, 0.4], 1.0).numpy(), [0.3, 0.4], rtol=1e-6)
    out = tf.clip_by_norm([[3.0, 4.0], [0.1, 0.0]], 1.0, axes=1)
    np.testing.assert_allclose(out.numpy(), [[0.6, 0.8], [0.1, 0.0]], rtol=1e-6)


def test_clip_by_global_norm_matches_formula_keeps_none_and_is_differentiable():
    a = tf.Variable(np.array([3.0, 4.0], "float32"))
    b = tf.Variable(np.array([12.0], "float32"))
    with tf.GradientTape() as tape:
        (ca, none, cb), norm = tf.clip_by_global_norm([a, None, b], 6.5)
        loss = tf.reduce_sum(ca) + tf.reduce_sum(cb)
    assert none is None
    np.testing.assert_allclose(float(norm), 13.0, rtol=1e-6)
    np.testing.assert_allclose(ca.numpy(), [1.5, 2.0], rtol=1e-6)
    np.testing.assert_allclose(cb.numpy(), [6.0], rtol=1e-6)
    ga, gb = tape.gradient(loss, [a, b])
    # d/dv of sum(v * c / g) with g = ||[a, b]||: c/g - c * S * v / g^3, S = sum of all entries
    v = np.array([3.0, 4.0, 12.0])
    expected = 6.5 / 13 - 6.5 * v.sum() * v / 13 ** 3
    np.testing.assert_allclose(np.concatenate([ga.numpy(), gb.numpy()]), expected, rtol=1e-5)
    with pytest.raises(TypeError, match="t_list"):
        tf.clip_by_global_norm(tf.constant([1.0]), 1.0)


def test_scalar_tensor_takes_a_format_spec():
    p = tf.constant(0.4851)
    assert "{:4.1f}".format(100 * p) == "48.5"
    assert f"{tf.constant(3):d}" == "3"
    assert f"{tf.constant([1.0])}" == str(tf.constant([1.0]))
    with pytest.raises(TypeError):
        f"{tf.constant([1.0, 2.0]):.2f}"


def test_tf_keras2_backend_std_mean_var():
    x = np.array([[1.0, 2.0], [3.0, 5.0]], "float32")
    np.testing.assert_allclose(float(keras.backend.std(x)), np.std(x), rtol=1e-6)
    np.testing.assert_allclose(keras.backend.mean(x, axis=1).numpy(), x.mean(1), rtol=1e-6)
    np.testing.assert_allclose(keras.backend.var(x, axis=0, keepdims=True).numpy(),
                               x.var(0, keepdims=True), rtol=1e-6)
