"""keras.backend.get_value/set_value and optimizer.lr (keras.io's writing-callbacks guide)."""

import numpy as np
import pytest

import shenjing as tf
from shenjing import keras


def test_set_value_on_the_learning_rate_changes_the_optimizer():
    opt = keras.optimizers.SGD(learning_rate=0.1)
    assert float(keras.backend.get_value(opt.learning_rate)) == pytest.approx(0.1)
    keras.backend.set_value(opt.lr, 0.05)
    assert opt.learning_rate == pytest.approx(0.05)
    assert opt.get_config()["learning_rate"] == pytest.approx(0.05)
    var = tf.Variable(1.0)
    x = np.ones((1,), "float32")
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(var * x)
    opt.apply_gradients([(tape.gradient(loss, var), var)])
    assert float(var) == pytest.approx(0.95)  # the step used the new rate


def test_set_value_on_a_variable_and_errors():
    v = tf.Variable([1.0, 2.0])
    keras.backend.set_value(v, [3.0, 4.0])
    np.testing.assert_array_equal(keras.backend.get_value(v), [3.0, 4.0])
    assert keras.backend.get_value(2.5) == 2.5
    with pytest.raises(TypeError, match="Expected a Variable"):
        keras.backend.set_value(0.1, 0.2)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    opt = keras.optimizers.SGD(learning_rate=schedule)
    with pytest.raises(TypeError, match="not settable"):
        keras.backend.set_value(opt.learning_rate, 0.2)
