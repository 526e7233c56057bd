"""Pickle payloads between Keras 3 and shenjing: both reduce a model to its ``.keras`` file
bytes (Keras: ``KerasSaveable.__reduce__`` -> a BytesIO; shenjing: ``Model.__reduce__`` ->
bytes), so either side's payload loads on the other with the same predictions and optimizer
step count. The pickles themselves name each library's own loader, so they are not swapped."""

import io
import pickle

import numpy as np

from shenjing import layers, models
from shenjing.saving.saving_lib import model_from_bytes


def _data():
    rng = np.random.default_rng(0)
    return rng.random((24, 6)).astype("float32"), rng.random((24, 2)).astype("float32")


def test_keras_pickle_payload_loads_in_shenjing(keras_module):
    keras = keras_module
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, activation="tanh"),
                              keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    _, (buffer,) = model.__reduce__()
    assert isinstance(buffer, io.BytesIO)
    ours = model_from_bytes(buffer)          # what a Keras pickle carries, read safely
    np.testing.assert_allclose(ours.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    assert int(np.asarray(ours.optimizer.iterations)) == 3
    again = pickle.loads(pickle.dumps(ours))
    np.testing.assert_array_equal(again.predict(x, verbose=0), ours.predict(x, verbose=0))


def test_shenjing_pickle_payload_loads_in_keras(keras_module):
    from keras.src.saving.saving_lib import _load_model_from_fileobj

    model = models.Sequential([layers.Input((6,)), layers.Dense(5, activation="tanh"),
                               layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    x, y = _data()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    _, (data,) = model.__reduce__()
    theirs = _load_model_from_fileobj(io.BytesIO(data), custom_objects=None, compile=True,
                                      safe_mode=True)
    np.testing.assert_allclose(np.asarray(theirs.predict(x, verbose=0)),
                               model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    assert int(np.asarray(theirs.optimizer.iterations)) == 3
