"""``layer(x, True)``: a positional ``training`` counts as an explicit one."""

import numpy as np
import pytest

import shenjing.keras as keras


def test_positional_training_is_explicit():
    x = np.ones((4, 8), "float32")
    dropout = keras.layers.Dropout(0.5, seed=1)
    assert (np.asarray(dropout(x, True)) == 0).any()
    np.testing.assert_array_equal(np.asarray(dropout(x, False)), x)


def test_positional_training_inside_an_outer_call():
    x = np.ones((4, 8), "float32")

    class Outer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = keras.layers.Dropout(0.5, seed=2)

        def call(self, inputs, training=None):
            return self.inner(inputs, False)

    np.testing.assert_array_equal(np.asarray(Outer()(x, training=True)), x)


def test_training_given_twice_is_refused():
    with pytest.raises(TypeError, match="twice"):
        keras.layers.Dropout(0.5)(np.ones((2, 2), "float32"), True, training=False)
