"""Differential tests against real Keras 3 (torch backend): files move both ways.

Skipped where Keras is not installed (CI); the fixtures test the Keras -> shenjing
direction without it.
"""

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
try:
    import torch  # noqa: F401  (the backend Keras runs on here)
    import keras
except ImportError as error:
    pytest.skip(f"Keras 3 with the torch backend is not installed ({error})", allow_module_level=True)

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore:Skipping variable loading:UserWarning")]

from shenjing import saving  # noqa: E402

from saving_helpers import (Net, mlp, mlp_data, nested_shared_merged,  # noqa: E402
                            nested_shared_merged_data, two_heads, two_heads_data)


@keras.saving.register_keras_serializable(package="SavingTests", name="Net")
class KerasNet(keras.Model):
    """The same model as saving_helpers.Net, in Keras, under the same registered name."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.blocks = [keras.layers.Dense(8), keras.layers.BatchNormalization()]
        self.out = keras.layers.Dense(units)

    def call(self, x, training=None):
        x = self.hidden(x)
        for block in self.blocks:
            x = block(x, training=training)
        return self.out(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_shenjing_functional_loads_in_keras_with_optimizer_state(tmp_path):
    model = two_heads()
    model.compile(optimizer="adam", loss=["sparse_categorical_crossentropy", "mse"])
    x, y = two_heads_data()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.save(tmp_path / "fn.keras")
    loaded = keras.saving.load_model(tmp_path / "fn.keras")
    for ours, theirs in zip(model.predict(x, verbose=0), loaded.predict(x, verbose=0)):
        np.testing.assert_allclose(theirs, ours, atol=1e-5)
    assert int(loaded.optimizer.iterations) == model.optimizer.iterations
    ours = {}
    for variable in model.optimizer._vars:
        for (kind, _), array in zip(model.optimizer._slot_kinds(), model.optimizer._slots[id(variable)]):
            ours[f"{variable.path.replace('/', '_')}_{kind}"] = array
    theirs = {v.path.split("/", 1)[1]: np.asarray(v.numpy()) for v in loaded.optimizer.variables[2:]}
    assert sorted(theirs) == sorted(ours)
    for key, array in ours.items():
        np.testing.assert_allclose(theirs[key], array, atol=1e-7)


def test_shenjing_sequential_and_weights_file_load_in_keras(tmp_path):
    model = mlp()
    x, y = mlp_data()
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "mlp.keras")
    model.save_weights(tmp_path / "mlp.weights.h5")
    np.testing.assert_allclose(keras.saving.load_model(tmp_path / "mlp.keras").predict(x, verbose=0),
                               model.predict(x, verbose=0), atol=1e-6)
    twin = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dropout(0.2), keras.layers.Dense(4, activation="softmax")])
    twin.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    twin.load_weights(tmp_path / "mlp.weights.h5")
    np.testing.assert_allclose(twin.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_shenjing_subclassed_model_loads_in_keras(tmp_path):
    model = Net(units=3, name="net")
    x = np.random.default_rng(0).random((16, 5)).astype("float32")
    model.compile("rmsprop", "mse")
    model.fit(x, np.zeros((16, 3), "float32"), epochs=1, verbose=0)
    model.save(tmp_path / "net.keras")
    loaded = keras.saving.load_model(tmp_path / "net.keras")
    assert isinstance(loaded, KerasNet)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


@pytest.mark.parametrize("stack", ["conv1d_layernorm", "activations", "pooling"])
def test_keras_models_load_in_shenjing_and_back(tmp_path, stack):
    K = keras.layers
    stacks = {
        "conv1d_layernorm": [keras.Input((10, 3)), K.Conv1D(4, 3, padding="same"),
                             K.LayerNormalization(), K.GlobalAveragePooling1D(), K.Dense(2)],
        "activations": [keras.Input((6,)), K.Dense(5), K.PReLU(), K.Dense(5), K.LeakyReLU(),
                        K.ELU(), K.Softmax()],
        "pooling": [keras.Input((8, 8, 2)), K.Conv2D(3, 3, strides=2, padding="same", use_bias=False),
                    K.AveragePooling2D(2), K.GlobalMaxPooling2D(), K.Reshape((3, 1)), K.Flatten()],
    }
    original = keras.Sequential(stacks[stack])
    x = np.random.default_rng(0).random((3,) + tuple(original.input_shape[1:])).astype("float32")
    original.save(tmp_path / "k.keras")
    ours = saving.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(ours.predict(x, verbose=0), original.predict(x, verbose=0), atol=1e-5)
    ours.save(tmp_path / "back.keras")
    back = keras.saving.load_model(tmp_path / "back.keras")
    np.testing.assert_allclose(back.predict(x, verbose=0), original.predict(x, verbose=0), atol=1e-6)


def test_nested_functional_shared_and_merged_both_ways(tmp_path):
    model = nested_shared_merged()
    x = nested_shared_merged_data()
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "merged.keras")
    theirs = keras.saving.load_model(tmp_path / "merged.keras")
    np.testing.assert_allclose(theirs.predict(x, verbose=0), expected, atol=1e-6)
    theirs.save(tmp_path / "merged_by_keras.keras")
    back = saving.load_model(tmp_path / "merged_by_keras.keras")
    np.testing.assert_allclose(back.predict(x, verbose=0), expected, atol=1e-6)
