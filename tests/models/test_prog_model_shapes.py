"""model.output_shape / input_shape (TF's DCGAN tutorial asserts the generator's output shape)."""

import pytest

from shenjing import keras


def test_sequential_shapes_once_built():
    model = keras.Sequential([keras.layers.Dense(7, input_shape=(3,)), keras.layers.Reshape((7, 1))])
    assert model.input_shape == (None, 3)
    assert model.output_shape == (None, 7, 1)
    model.add(keras.layers.Flatten())
    assert model.output_shape == (None, 7)
    unbuilt = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(AttributeError, match="no defined output shape yet"):
        unbuilt.output_shape
    with pytest.raises(AttributeError, match="no defined input shape yet"):
        unbuilt.input_shape


def test_functional_shapes():
    a, b = keras.Input((4,)), keras.Input((2, 3))
    model = keras.Model([a, b], [keras.layers.Dense(5)(a), keras.layers.Flatten()(b)])
    assert model.input_shape == [(None, 4), (None, 2, 3)]
    assert model.output_shape == [(None, 5), (None, 6)]
    single = keras.Model(a, keras.layers.Dense(1)(a))
    assert single.output_shape == (None, 1)


def test_subclassed_model_has_no_io_shape():
    class Net(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(AttributeError, match="no defined output shape"):
        Net().output_shape
