"""Review regression: Sequential keeps the batch size it is built with (Keras 3), so a stateful
RNN without an Input layer builds, and other batch sizes still run."""

import numpy as np

import shenjing as sj
from shenjing import layers as L


def test_build_with_a_batch_size_builds_a_stateful_rnn():
    model = sj.keras.Sequential([L.LSTM(4, stateful=True), L.Dense(1)])
    model.build((2, 5, 3))
    assert model.predict(np.ones((2, 5, 3), "float32"), batch_size=2, verbose=0).shape == (2, 1)
    assert model.get_config()["layers"][0]["config"]["batch_shape"] == [2, 5, 3]


def test_deferred_build_on_a_call_keeps_the_batch_size():
    model = sj.keras.Sequential([L.GRU(4, stateful=True)])
    assert tuple(model(np.ones((2, 5, 3), "float32")).shape) == (2, 4)
    assert tuple(model.layers[0].states[0].shape) == (2, 4)


def test_other_batch_sizes_still_run():
    model = sj.keras.Sequential([L.Dense(4)])
    model.build((7, 3))
    assert model.predict(np.ones((5, 3), "float32"), verbose=0).shape == (5, 4)
    assert tuple(model(np.ones((9, 3), "float32")).shape) == (9, 4)
    model.compile("sgd", "mse")
    model.fit(np.ones((10, 3), "float32"), np.ones((10, 4), "float32"), batch_size=4, verbose=0)
