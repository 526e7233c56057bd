"""A Sequential whose first layers are a built Sequential and a functional model, against
Keras 3 (JAX): built at once with Keras's counts and shapes; .keras files both ways."""

import numpy as np
import pytest

import shenjing as sj

keras = pytest.importorskip("keras")


def _model(K):
    lay = K.layers
    inputs = K.Input((8, 8, 3))
    inner = K.Model(inputs, lay.Conv2D(2, 3, padding="same")(inputs), name="fun")
    scale = K.Sequential([lay.Rescaling(0.5, input_shape=(8, 8, 3))], name="scale")
    return K.Sequential([scale, inner, lay.Flatten(), lay.Dense(2)], name="outer")


def _x():
    return np.random.default_rng(0).random((2, 8, 8, 3)).astype(np.float32)


def test_nested_first_layer_builds_as_in_keras():
    ours, theirs = _model(sj.keras), _model(keras)
    assert ours.built and theirs.built
    assert ours.count_params() == theirs.count_params() == 314
    assert ours.input_shape == tuple(theirs.input_shape)
    assert [tuple(l.output.shape) for l in ours.layers] == [
        tuple(l.output.shape) for l in theirs.layers]


def test_nested_first_layer_keras_file_from_shenjing_loads_in_keras(tmp_path):
    ours = _model(sj.keras)
    ours.save(tmp_path / "ours.keras")
    theirs = keras.saving.load_model(tmp_path / "ours.keras")
    assert theirs.built and theirs.count_params() == 314
    np.testing.assert_allclose(np.asarray(theirs(_x())), ours(_x()).numpy(), rtol=1e-5, atol=1e-6)


def test_nested_first_layer_keras_file_from_keras_loads_in_shenjing(tmp_path):
    theirs = _model(keras)
    theirs.save(tmp_path / "theirs.keras")
    ours = sj.keras.saving.load_model(tmp_path / "theirs.keras")
    assert ours.built and ours.count_params() == 314
    np.testing.assert_allclose(ours(_x()).numpy(), np.asarray(theirs(_x())), rtol=1e-5, atol=1e-6)
