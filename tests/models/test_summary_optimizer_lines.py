"""``model.summary()``'s totals as Keras 3 prints them: no optimizer line until the optimizer
is built by a first step, then its state counted in the total; unbuilt layers, functional
models as ``Functional``, a rule between every row."""

import numpy as np

from shenjing import keras

L = keras.layers


def _summary(model):
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


def _model():
    return keras.Sequential([keras.Input((4,)), L.Dense(2)], name="s")


def test_no_optimizer_line_before_the_first_step():
    model = _model()
    model.compile("adam", "mse")
    text = _summary(model)
    assert "Optimizer params" not in text
    assert " Total params: 10 (40.00 B)" in text


def test_total_counts_the_optimizer_state_after_fit():
    model = _model()
    model.compile("adam", "mse")
    model.fit(np.ones((4, 4), np.float32), np.ones((4, 2), np.float32), epochs=1, verbose=0)
    lines = _summary(model).splitlines()
    # Adam: iterations, learning_rate, and a momentum and a velocity per weight (10 each)
    assert " Optimizer params: 22 (92.00 B)" in lines
    assert " Total params: 32 (132.00 B)" in lines
    assert " Trainable params: 10 (40.00 B)" in lines


def test_rows_unbuilt_layers_and_functional_models_as_keras():
    inputs = keras.Input((4,))
    inner = keras.Model(inputs, L.Dense(3)(inputs), name="inner")
    text = _summary(keras.Sequential([inner, L.Dense(1)]))
    assert "inner (Functional)" in text
    assert text.count("├") == 1                       # a rule between the two rows
    assert "0 (unbuilt)" in _summary(keras.Sequential([L.Dense(2)]))
