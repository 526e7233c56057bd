"""A Sequential whose first layer knows its input shape (a built Sequential, a functional
model) is built at once, as Keras 3's ``Sequential._maybe_rebuild`` does."""

import numpy as np

from shenjing import keras

L = keras.layers


def _augmentation():
    return keras.Sequential([L.RandomFlip("horizontal", input_shape=(32, 32, 3))])


def test_sequential_after_a_built_sequential_is_built_with_keras_counts():
    model = keras.Sequential([_augmentation(), L.Conv2D(4, 3), L.Flatten(), L.Dense(2)])
    assert model.built
    assert model.count_params() == 7314          # Keras 3: 112 + 7202
    assert model.input_shape == (None, 32, 32, 3)
    assert model.output_shape == (None, 2)
    lines = []
    model.summary(print_fn=lines.append)
    assert "(None, 30, 30, 4)" in "\n".join(lines)


def test_sequential_after_a_functional_model_is_built_on_creation_and_on_add():
    inputs = keras.Input((8,))
    inner = keras.Model(inputs, L.Dense(3)(inputs))
    assert keras.Sequential([inner, L.Dense(2)]).count_params() == 35
    model = keras.Sequential()
    model.add(inner)
    assert not model.built                       # one layer: Keras waits for the next
    model.add(L.Dense(2))
    assert model.built and model.output_shape == (None, 2)
    assert model.predict(np.ones((2, 8), np.float32), verbose=0).shape == (2, 2)


def test_sequential_after_an_unbuilt_sequential_waits_for_data():
    model = keras.Sequential([keras.Sequential([L.Dense(3)]), L.Dense(2)])
    assert not model.built
    model(np.ones((1, 5), np.float32))
    assert model.built and model.count_params() == 26
