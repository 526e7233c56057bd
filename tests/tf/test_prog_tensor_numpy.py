"""Tensors meet NumPy and f-strings as TensorFlow's eager tensors do (TF tutorials: customization
basics, the keras.io custom training loop)."""

import numpy as np
import pytest

import shenjing as tf


def test_numpy_function_on_a_tensor_returns_numpy():
    t = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    out = np.add(t, 1)
    assert type(out) is np.ndarray
    np.testing.assert_allclose(out, [[2.0, 3.0], [4.0, 5.0]])
    assert type(np.exp(t)) is np.ndarray
    assert float(np.sum(t)) == 10.0  # NumPy's reductions call the Tensor's methods with out=None
    np.testing.assert_allclose(np.mean(t, axis=0), [2.0, 3.0])
    assert int(np.argmax(t)) == 3 and float(np.max(t)) == 4.0


def test_array_operator_tensor_stays_a_differentiable_tensor():
    x = tf.Variable([1.0, 2.0])
    a = np.array([3.0, 4.0], dtype=np.float32)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(a * x + a - x)
    assert isinstance(a + x, tf.Tensor) and isinstance(a < x, tf.Tensor)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 3.0])
    np.testing.assert_array_equal((a > x).numpy(), [True, True])


def test_format_spec_formats_the_value():
    loss = tf.reduce_mean(tf.constant([1.0, 2.5]))
    assert f"{loss:.2f}" == "1.75"
    assert f"{tf.constant(7):>3d}" == "  7"
    assert f"{loss}" == str(loss)
    with pytest.raises(TypeError):
        f"{tf.constant([1.0, 2.0]):.2f}"  # NumPy refuses a spec for a non-scalar array, as TF


def test_numpy_of_a_scalar_is_a_numpy_scalar():
    # TF's autoencoder tutorial: layers.Dense(tf.math.reduce_prod(shape).numpy())
    n = tf.math.reduce_prod(tf.constant([28, 28])).numpy()
    assert isinstance(n, np.integer) and n == 784
    assert tf.keras.layers.Dense(n).units == 784
    assert isinstance(tf.constant(1.5).numpy(), np.floating)
    assert tf.constant([1.0]).numpy().shape == (1,)


def test_top_level_elementwise_names():
    x = tf.constant([0.0, 1.0])
    np.testing.assert_allclose(tf.sigmoid(x).numpy(), [0.5, 1 / (1 + np.exp(-1))], rtol=1e-6)
    np.testing.assert_allclose(tf.math.sigmoid(x).numpy(), tf.nn.sigmoid(x).numpy())
    np.testing.assert_allclose(tf.tanh(x).numpy(), np.tanh([0.0, 1.0]), rtol=1e-6)
    np.testing.assert_allclose(tf.negative(x).numpy(), [0.0, -1.0])
    np.testing.assert_allclose(tf.sin(x).numpy(), np.sin([0.0, 1.0]), rtol=1e-6)


def test_integer_scalar_tensor_is_an_index():
    # TF's image classification tutorial: class_names[np.argmax(score)]
    score = tf.nn.softmax(tf.constant([1.0, 3.0, 2.0]))
    assert ["a", "b", "c"][np.argmax(score)] == "b"
    assert list(range(tf.reduce_max(tf.constant([1, 3])))) == [0, 1, 2]
    n = tf.constant(2)
    assert [0, 1, 2, 3][n:] == [2, 3] and "abcd"[:n] == "ab"
    np.testing.assert_array_equal(np.arange(5)[n:], [2, 3, 4])
    np.testing.assert_array_equal(tf.range(5)[n:].numpy(), [2, 3, 4])
    np.testing.assert_array_equal(tf.constant([[1, 2], [3, 4], [5, 6]])[:n, 1].numpy(), [2, 4])
    assert hex(tf.constant(255, dtype="uint8")) == "0xff"


@pytest.mark.parametrize("value", [tf.constant(1.0), tf.constant(True), tf.constant([1])])
def test_only_integer_scalar_tensors_are_indexes(value):
    # As NumPy's own scalars and arrays (and so TF's eager tensors): float, bool, non-scalar refused.
    with pytest.raises(TypeError, match="Only integer scalar tensors"):
        [0, 1][value]
    with pytest.raises(TypeError):
        range(value)


def test_numpy_any_and_all_on_tensors():
    t = tf.constant([[0.0, 2.0], [0.0, 0.0]])
    assert np.any(t) is True and np.all(t) is False
    assert ("some" if np.any(t) else "none") == "some"   # TF programs: `if np.any(...):`
    np.testing.assert_array_equal(np.any(t, axis=1).numpy(), [True, False])
    np.testing.assert_array_equal(np.all(t == 0, axis=0).numpy(), [True, False])
    assert np.any(t, keepdims=True).shape == (1, 1)
    assert t.any() is True and (t > 1).all(axis=-1).dtype == np.bool_
    with pytest.raises(TypeError, match="cannot write into `out`"):
        np.any(t, out=np.zeros(()))


def test_numpy_argmax_keepdims_and_axis_on_tensors():
    t = tf.constant([[1.0, 5.0], [7.0, 2.0]])
    np.testing.assert_array_equal(np.argmax(t, axis=1).numpy(), [1, 0])
    assert np.argmax(t, axis=0, keepdims=True).shape == (1, 2)
