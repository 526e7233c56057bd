"""Files written by Keras 3.15 (JAX backend; see fixtures/make_keras_rnn_wrapper_fixtures.py)
holding Bidirectional LSTMs, TimeDistributed layers and ConvLSTM2D layers load in shenjing and
predict what Keras predicted; saved again by shenjing they keep Keras's weight layout (the
h5 groups and shapes) and, where Keras is installed, load in Keras with the same predictions."""

import io
import json
import os
import zipfile

import numpy as np
import pytest

import shenjing  # noqa: F401
from shenjing import models, saving  # noqa: F401  (models registers Functional)

from saving_helpers import FIXTURES

NAMES = ["keras_bidirectional", "keras_time_distributed", "keras_conv_lstm"]


def fixture(name):
    return np.load(FIXTURES / name, allow_pickle=False)


def _weight_groups(path):
    h5py = pytest.importorskip("h5py")
    with zipfile.ZipFile(path) as archive:
        data = archive.read("model.weights.h5")
    found = {}
    with h5py.File(io.BytesIO(data), "r") as f:
        f["layers"].visititems(lambda key, item: found.__setitem__(key, item.shape)
                               if hasattr(item, "shape") else None)
    return found


@pytest.mark.parametrize("name", NAMES)
def test_keras_file_predicts_as_keras(name):
    model = saving.load_model(FIXTURES / f"{name}.keras")
    pred = model.predict(fixture(f"{name}_x.npy"), verbose=0)
    np.testing.assert_allclose(pred, fixture(f"{name}_pred.npy"), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_saved_again_keeps_keras_layout(name, tmp_path):
    model = saving.load_model(FIXTURES / f"{name}.keras")
    model.save(tmp_path / "again.keras")
    assert _weight_groups(tmp_path / "again.keras") == _weight_groups(FIXTURES / f"{name}.keras")
    read = lambda path: json.loads(zipfile.ZipFile(path).read("config.json"))["config"]["layers"]
    assert [e["class_name"] for e in read(tmp_path / "again.keras")] == \
        [e["class_name"] for e in read(FIXTURES / f"{name}.keras")]
    again = saving.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(fixture(f"{name}_x.npy"), verbose=0),
                               fixture(f"{name}_pred.npy"), rtol=1e-4, atol=1e-5)


def _zeros_initializers(config):
    """The config with every initializer "zeros": Keras builds each layer it loads with its
    initializers (orthogonal's QR took seconds a layer under JAX) before reading the weights."""
    if isinstance(config, dict):
        return {k: ({"module": "keras.initializers", "class_name": "Zeros", "config": {},
                     "registered_name": None} if k.endswith("initializer") and v is not None
                    else _zeros_initializers(v)) for k, v in config.items()}
    if isinstance(config, list):
        return [_zeros_initializers(v) for v in config]
    return config


@pytest.mark.parametrize("name", NAMES)
def test_shenjing_file_loads_in_keras(name, tmp_path):
    """Ours (the fixture's model, trained a step so that the weights are no longer Keras's),
    saved and read by Keras, predicts what ours predicts."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    loaded = saving.load_model(FIXTURES / f"{name}.keras")
    model = models.Model.from_config(_zeros_initializers(loaded.get_config()))
    model.set_weights(loaded.get_weights())
    x = fixture(f"{name}_x.npy")
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.ones_like(fixture(f"{name}_pred.npy")), epochs=1, batch_size=8, verbose=0)
    ours = model.predict(x, verbose=0)
    assert not np.allclose(ours, fixture(f"{name}_pred.npy"), atol=1e-4)
    model.save(tmp_path / "ours.keras")
    theirs = keras.saving.load_model(tmp_path / "ours.keras")
    np.testing.assert_allclose(theirs.predict(x, verbose=0), ours, rtol=1e-4, atol=1e-5)
