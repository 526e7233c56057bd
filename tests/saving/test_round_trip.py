"""shenjing -> file -> shenjing: architecture, weights and optimizer state come back exactly."""

import io
import json
import zipfile

import h5py
import numpy as np
import pytest

import shenjing
from shenjing import layers, models, optimizers, saving

from saving_helpers import (Net, mlp, mlp_data, nested_shared_merged, nested_shared_merged_data,
                            two_heads, two_heads_data)


def weights_groups(path):
    with zipfile.ZipFile(path) as archive:
        data = archive.read("model.weights.h5")
    found = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            found[name] = obj.shape

    with h5py.File(io.BytesIO(data), "r") as f:
        f.visititems(visit)
    return found


def test_sequential_round_trip_with_keras_layout(tmp_path):
    model = mlp()
    x, y = mlp_data()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    path = tmp_path / "mlp.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
    assert metadata["keras_version"].startswith("3.") and "date_saved" in metadata
    assert (config["module"], config["class_name"]) == ("keras", "Sequential")
    assert config["build_config"] == {"input_shape": [None, 8]}
    inner = config["config"]
    assert [l["class_name"] for l in inner["layers"]] == ["InputLayer", "Dense", "Dropout", "Dense"]
    assert inner["layers"][1]["module"] == "keras.layers"
    assert inner["layers"][1]["build_config"] == {"input_shape": [None, 8]}
    compile_config = config["compile_config"]
    assert compile_config["optimizer"]["class_name"] == "Adam"
    assert compile_config["loss"] == "sparse_categorical_crossentropy"
    assert weights_groups(path) == {
        "layers/dense/vars/0": (8, 16), "layers/dense/vars/1": (16,),
        "layers/dense_1/vars/0": (16, 4), "layers/dense_1/vars/1": (4,),
        "optimizer/vars/0": (), "optimizer/vars/1": (),
        # Keras's order: each weight's momentum then velocity.
        "optimizer/vars/2": (8, 16), "optimizer/vars/3": (8, 16),
        "optimizer/vars/4": (16,), "optimizer/vars/5": (16,),
        "optimizer/vars/6": (16, 4), "optimizer/vars/7": (16, 4),
        "optimizer/vars/8": (4,), "optimizer/vars/9": (4,)}
    loaded = saving.load_model(path)
    assert type(loaded) is models.Sequential and loaded.name == model.name
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.compiled and loaded.optimizer.iterations == model.optimizer.iterations
    for a, b in zip(loaded.optimizer.get_state(), model.optimizer.get_state()):
        np.testing.assert_array_equal(a, b)


def test_functional_two_inputs_two_outputs_batchnorm_embedding(tmp_path):
    model = two_heads()
    model.compile(optimizer="rmsprop", loss=["sparse_categorical_crossentropy", "mse"])
    x, y = two_heads_data()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    bn = model.get_layer("batch_normalization")
    assert not np.allclose(bn.moving_mean.numpy(), 0)   # the moving statistics are saved too
    path = tmp_path / "two_heads.keras"
    model.save(path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    assert (config["class_name"], config["registered_name"]) == ("Functional", "Functional")
    inner = config["config"]
    assert inner["input_layers"] == [["ids", 0, 0], ["num", 0, 0]]
    assert inner["output_layers"] == [["cls", 0, 0], ["reg", 0, 0]]
    # Keras's layer order: by depth from the inputs, then by the walk from the outputs.
    assert [l["name"] for l in inner["layers"]] == [
        "num", "ids", "dense", "embedding", "batch_normalization", "flatten", "activation",
        "cls", "reg"]
    dense = inner["layers"][2]
    assert dense["inbound_nodes"] == [{"args": [{"class_name": "__keras_tensor__", "config": {
        "shape": [None, 6], "dtype": "float32", "keras_history": ["num", 0, 0]}}], "kwargs": {}}]
    groups = weights_groups(path)
    assert groups["layers/batch_normalization/vars/3"] == (8,)
    assert groups["layers/embedding/vars/0"] == (20, 4)
    assert groups["layers/dense_1/vars/0"] == (20, 3)     # "cls": the second Dense in Keras's order
    loaded = saving.load_model(path)
    for a, b in zip(loaded.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.get_layer("batch_normalization").moving_variance.numpy(),
                                  bn.moving_variance.numpy())


def test_subclassed_registered_model_round_trip(tmp_path):
    model = Net(units=3, name="net")
    x = np.random.default_rng(0).random((16, 5)).astype("float32")
    model.compile("adam", "mse")
    model.fit(x, np.zeros((16, 3), "float32"), epochs=1, verbose=0)
    path = tmp_path / "net.keras"
    model.save(path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    assert config["registered_name"] == "SavingTests>Net"
    assert config["config"]["units"] == 3
    assert config["build_config"] == {"input_shape": [None, 5]}
    # Keras's walk of attributes: sorted, a list's items by class name, "layers" before "out".
    assert set(weights_groups(path)) >= {"hidden/vars/0", "blocks/dense/vars/0",
                                         "blocks/batch_normalization/vars/3",
                                         "layers/dense_2/vars/1", "optimizer/vars/0"}
    loaded = saving.load_model(path)
    assert type(loaded) is Net and loaded.units == 3
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_nested_sequential_inside_functional(tmp_path):
    inner = models.Sequential([layers.Input((3,)), layers.Dense(2)], name="inner")
    inp = layers.Input((3,))
    model = models.Model(inp, layers.Dense(1)(inner(inp)))
    path = tmp_path / "nested.keras"
    model.save(path)
    assert "layers/sequential/layers/dense/vars/0" in weights_groups(path)
    loaded = saving.load_model(path)
    x = np.random.default_rng(1).random((4, 3)).astype("float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_cnn_round_trip_and_uncompiled_load(tmp_path):
    model = models.Sequential([layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)),
                               layers.MaxPooling2D(), layers.Flatten(), layers.Dense(3)])
    path = tmp_path / "cnn.keras"
    model.save(path)
    loaded = saving.load_model(path, compile=False)
    assert not loaded.compiled
    x = np.random.default_rng(2).random((2, 8, 8, 1)).astype("float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("suffix", [".weights.h5", ".safetensors"])
def test_weights_round_trip(tmp_path, suffix):
    model = two_heads()
    x, _ = two_heads_data(8)
    path = tmp_path / f"w{suffix}"
    model.save_weights(path)
    shenjing.set_random_seed(99)
    other = two_heads()
    assert not np.allclose(other.get_layer("reg").kernel.numpy(), model.get_layer("reg").kernel.numpy())
    other.load_weights(path)
    for a, b in zip(other.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(a, b)


def test_safetensors_keys_are_keras_paths(tmp_path):
    from safetensors.numpy import load_file

    model = mlp(compile=False)
    model.save_weights(tmp_path / "w.safetensors")
    assert sorted(load_file(str(tmp_path / "w.safetensors"))) == [
        "layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0", "layers/dense_1/vars/1"]


def test_continue_training_equals_uninterrupted(tmp_path):
    x, y = mlp_data(96)

    def train(model, epochs, seed):
        shenjing.set_random_seed(seed)
        model.fit(x, y, epochs=epochs, batch_size=16, verbose=0)

    shenjing.set_random_seed(5)
    resumed = mlp()
    train(resumed, 2, seed=6)
    resumed.save(tmp_path / "ckpt.keras")
    resumed = saving.load_model(tmp_path / "ckpt.keras")
    train(resumed, 1, seed=7)

    shenjing.layers.reset_name_counters()
    shenjing.set_random_seed(5)
    straight = mlp()
    train(straight, 2, seed=6)
    train(straight, 1, seed=7)

    assert resumed.optimizer.iterations == straight.optimizer.iterations == 18
    for a, b in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(resumed.optimizer.get_state(), straight.optimizer.get_state()):
        np.testing.assert_array_equal(a, b)


def test_optimizer_state_with_ema_and_accumulation_round_trips(tmp_path):
    model = mlp(compile=False)
    model.compile(optimizer=optimizers.Adam(use_ema=True, gradient_accumulation_steps=2),
                  loss="sparse_categorical_crossentropy")
    x, y = mlp_data(32)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save_weights(tmp_path / "w.weights.h5")
    shenjing.set_random_seed(3)
    other = mlp(compile=False)
    other.compile(optimizer=optimizers.Adam(use_ema=True, gradient_accumulation_steps=2),
                  loss="sparse_categorical_crossentropy")
    other.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(other.optimizer.get_state(), model.optimizer.get_state()):
        np.testing.assert_array_equal(a, b)


def test_custom_layer_by_registration_and_by_custom_objects(tmp_path):
    class Scale(layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return x * self.w * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    model = models.Sequential([layers.Input((3,)), Scale(3.0, name="scale"), layers.Dense(2)])
    model.get_layer("scale").w.assign(np.array([1.0, 2.0, 3.0], "float32"))
    path = tmp_path / "custom.keras"
    model.save(path)
    with pytest.raises(ValueError, match="Could not locate class 'Scale'.*register_keras_serializable"):
        saving.load_model(path)
    x = np.ones((2, 3), "float32")
    loaded = saving.load_model(path, custom_objects={"Scale": Scale})
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))

    registered = saving.register_keras_serializable(package="Mine")(Scale)
    assert saving.get_registered_name(registered) == "Mine>Scale"
    assert saving.get_registered_object("Mine>Scale") is registered
    model.save(path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    assert config["config"]["layers"][1]["registered_name"] == "Mine>Scale"
    loaded = saving.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_get_config_from_config_and_to_json():
    model = two_heads()
    clone = models.Model.from_config(model.get_config())
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert json.loads(model.to_json())["class_name"] == "Functional"
    seq = mlp(compile=False)
    clone = models.Sequential.from_config(seq.get_config())
    assert clone.count_params() == seq.count_params()


def test_custom_loss_in_compile_config(tmp_path):
    def my_mse(y_true, y_pred):
        return shenjing.ops.mean(shenjing.ops.square(y_pred - y_true), axis=-1)

    model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss=my_mse)
    path = tmp_path / "loss.keras"
    model.save(path)
    with pytest.warns(UserWarning, match="compile\\(\\) was not called"):
        loaded = saving.load_model(path)
    assert not loaded.compiled
    loaded = saving.load_model(path, custom_objects={"my_mse": my_mse})
    assert loaded.compiled and loaded._loss_identifier is my_mse


def test_model_from_json():
    model = two_heads()
    clone = saving.model_from_json(model.to_json())
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert clone.count_params() == model.count_params()


def test_nested_functional_shared_layers_and_merges(tmp_path):
    model = nested_shared_merged()
    x = nested_shared_merged_data()
    model.save(tmp_path / "merged.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "merged.keras").read("config.json"))["config"]
    assert config["input_layers"] == {"a": ["a", 0, 0], "b": ["b", 0, 0]}
    shared = next(l for l in config["layers"] if l["name"] == "shared")
    assert len(shared["inbound_nodes"]) == 2
    add = next(l for l in config["layers"] if l["name"] == "add")
    assert [t["config"]["keras_history"] for t in add["inbound_nodes"][0]["args"][0]] == [
        ["inner", 0, 0], ["inner", 1, 0]]
    loaded = saving.load_model(tmp_path / "merged.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
