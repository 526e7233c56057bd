"""A .keras file written by Keras 3.15 (JAX; fixtures/make_keras_attention_fixtures.py) with
two MultiHeadAttention layers (causal self-attention; cross-attention with value_dim !=
key_dim, output_shape and dropout), LayerNormalization and an EinsumDense loads in shenjing,
predicts what Keras predicted and keeps training; saved again by shenjing, it loads in real
Keras 3 and predicts the same (skipped where Keras is not installed)."""

import json
import os
import zipfile

import numpy as np
import pytest

import shenjing  # noqa: F401
from shenjing import models, saving  # noqa: F401  (models registers Functional)

from saving_helpers import FIXTURES

PATH = FIXTURES / "keras_attention.keras"


def _data():
    return [np.load(FIXTURES / f"keras_attention_{name}.npy") for name in ("tokens", "memory")]


def _expected():
    return np.load(FIXTURES / "keras_attention_pred.npy")


def test_keras_attention_file_predicts_as_keras():
    model = saving.load_model(PATH)
    np.testing.assert_allclose(model.predict(_data(), verbose=0), _expected(), rtol=1e-5, atol=1e-5)
    cross = model.get_layer("cross_attention")
    assert cross.value_dim == 3 and cross.dropout == 0.1 and cross.output_dense.kernel.shape == (3, 3, 8)
    assert model.optimizer is not None and int(model.optimizer.iterations) == 4
    model.fit(_data(), np.zeros((16, 2), "float32"), epochs=1, batch_size=8, verbose=0)


def test_saved_again_it_keeps_keras_layout(tmp_path):
    model = saving.load_model(PATH)
    model.save(tmp_path / "again.keras")
    names = lambda path: sorted(n for n in zipfile.ZipFile(path).namelist())  # noqa: E731
    assert names(tmp_path / "again.keras") == names(PATH)
    config = json.loads(zipfile.ZipFile(tmp_path / "again.keras").read("config.json"))
    mha = next(e for e in config["config"]["layers"] if e["name"] == "self_attention")
    assert mha["build_config"] == {"shapes_dict": {"query_shape": [None, 6, 8],
                                                   "value_shape": [None, 6, 8]}}
    again = saving.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(_data(), verbose=0), _expected(), rtol=1e-5, atol=1e-5)


def test_shenjing_attention_file_loads_in_keras(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    model = saving.load_model(PATH)
    model.fit(_data(), np.ones((16, 2), "float32"), epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "trained.keras")
    theirs = keras.saving.load_model(tmp_path / "trained.keras")
    np.testing.assert_allclose(theirs.predict(_data(), verbose=0), model.predict(_data(), verbose=0),
                               rtol=1e-5, atol=1e-5)
    assert int(theirs.optimizer.iterations) == int(model.optimizer.iterations)
