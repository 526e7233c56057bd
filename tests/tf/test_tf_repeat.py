"""``tf.repeat`` (keras-io's conditional_gan.py spreads one-hot labels over the pixels with it):
NumPy's ``repeat`` values, a list or Tensor of repeats, and the gradient sums the copies back."""

import numpy as np

import shenjing as tf


def test_repeat_values_as_numpy():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(tf.repeat(x, repeats=[4]), np.repeat(x, [4]))
    np.testing.assert_array_equal(tf.repeat(x, 2, axis=1), np.repeat(x, 2, axis=1))
    np.testing.assert_array_equal(tf.repeat(x, tf.constant([1, 3]), axis=0), np.repeat(x, [1, 3], axis=0))


def test_repeat_as_the_conditional_gan_uses_it():
    one_hot = np.eye(10, dtype="float32")[[3, 7]]
    spread = tf.reshape(tf.repeat(one_hot[:, :, None, None], repeats=[28 * 28]), (-1, 28, 28, 10))
    expected = np.repeat(one_hot[:, :, None, None], 28 * 28).reshape(-1, 28, 28, 10)
    assert spread.shape == (2, 28, 28, 10)
    np.testing.assert_array_equal(spread, expected)


def test_repeat_gradient_sums_the_copies():
    x = tf.Variable(np.arange(3, dtype="float32"))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.repeat(x, [1, 2, 3]) * np.arange(6, dtype="float32"))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.0, 1 + 2, 3 + 4 + 5])
