"""Loading runs no code and refuses files that do not fit; failures change nothing."""

import json
import os
import zipfile

import h5py
import numpy as np
import pytest

from shenjing import layers, models, saving
from shenjing.safety import override_limits
from shenjing.saving import saving_lib

from saving_helpers import mlp


def write_zip(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def sequential_config(*layer_configs):
    inp = {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
           "config": {"batch_shape": [None, 3], "dtype": "float32", "name": "input_layer"}}
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": "crafted", "layers": [inp, *layer_configs]}}


def keras_file(path, config, weights=None):
    if weights is None:
        with h5py.File(path.with_suffix(".tmp.h5"), "w") as f:
            f.create_group("vars").attrs["name"] = "crafted"
        weights = path.with_suffix(".tmp.h5").read_bytes()
    return write_zip(path, {"metadata.json": "{}", "config.json": json.dumps(config),
                            "model.weights.h5": weights})


def assert_same_weights(model, before):
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


# -- nothing in a file is executed ------------------------------------------------------
def test_lambda_layer_is_refused_naming_the_class(tmp_path):
    lam = {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
           "config": {"name": "sneaky", "function": {"class_name": "__lambda__",
                                                     "config": {"value": ["4wEAAAAA", None, None]}}}}
    path = keras_file(tmp_path / "lambda.keras", sequential_config(lam))
    with pytest.raises(ValueError, match="Lambda.*'sneaky'.*register_keras_serializable"):
        saving.load_model(path)
    with pytest.raises(ValueError, match="Lambda"):
        saving.load_model(path, safe_mode=False)   # never code, whatever safe_mode says


def test_python_lambda_value_is_refused():
    with pytest.raises(ValueError, match="lambda"):
        saving.deserialize_keras_object({"class_name": "__lambda__", "config": {"value": "x"}})
    with pytest.raises(ValueError, match="lambda"):
        saving.serialize_keras_object(lambda x: x)


@pytest.mark.parametrize("module, class_name", [
    ("keras.layers", "FancyLayer"),        # not a shenjing class
    ("os", "system"),                      # never imported
    ("builtins", "eval"),
    (None, "MyThing"),
])
def test_unknown_class_is_refused_with_how_to_register(tmp_path, module, class_name):
    layer = {"module": module, "class_name": class_name, "registered_name": None,
             "config": {"name": "x"}}
    path = keras_file(tmp_path / "unknown.keras", sequential_config(layer))
    with pytest.raises(ValueError, match=f"'{class_name}'.*register_keras_serializable.*custom_objects"):
        saving.load_model(path)


def test_only_numeric_arrays_come_out_of_a_config():
    with pytest.raises(ValueError, match="only numbers"):
        saving.deserialize_keras_object({"class_name": "__numpy__",
                                         "config": {"value": [1], "dtype": "object"}})


# -- damaged .keras files ------------------------------------------------------------
@pytest.fixture
def saved(tmp_path):
    model = mlp(compile=False)
    path = tmp_path / "model.keras"
    model.save(path)
    return model, path


def test_truncated_zip(tmp_path, saved):
    _, path = saved
    data = path.read_bytes()
    bad = tmp_path / "truncated.keras"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated.keras': not a valid .keras file"):
        saving.load_model(bad)


def test_not_a_zip(tmp_path):
    bad = tmp_path / "text.keras"
    bad.write_text("hello")
    with pytest.raises(ValueError, match="not a zip archive"):
        saving.load_model(bad)


def test_zip_without_config(tmp_path):
    path = write_zip(tmp_path / "noconfig.keras", {"metadata.json": "{}"})
    with pytest.raises(ValueError, match="has no 'config.json'"):
        saving.load_model(path)


def test_config_with_bad_json(tmp_path, saved):
    _, path = saved
    with zipfile.ZipFile(path) as archive:
        weights = archive.read("model.weights.h5")
    bad = write_zip(tmp_path / "badjson.keras", {"config.json": "{not json",
                                                 "model.weights.h5": weights})
    with pytest.raises(ValueError, match="badjson.keras': config.json is not valid JSON"):
        saving.load_model(bad)


def test_oversized_config_is_refused(saved):
    _, path = saved
    with override_limits(max_config_bytes=100), pytest.raises(
            saving.ResourceLimitError, match="'config.json' is .*, more than the limit of 100.*"
                                             "SHENJING_MAX_CONFIG_BYTES"):
        saving.load_model(path)


def test_zip_entries_are_read_by_exact_name_only(tmp_path, saved):
    """A path-traversal entry is never looked at, and nothing is extracted."""
    _, path = saved
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["../../evil.txt"] = b"x"
    crafted = write_zip(tmp_path / "traversal.keras", entries)
    before = set(os.listdir(tmp_path))
    saving.load_model(crafted)
    assert set(os.listdir(tmp_path)) == before
    assert not (tmp_path.parent.parent / "evil.txt").exists()


# -- weights that do not fit ---------------------------------------------------------
@pytest.fixture
def weights_file(tmp_path):
    model = mlp(compile=False)
    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    return path


def edit(path, fn):
    with h5py.File(path, "a") as f:
        fn(f)
    return path


def test_wrong_shape_names_path_weight_and_shapes(weights_file):
    def widen(f):
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = np.zeros((8, 17), "float32")

    edit(weights_file, widen)
    model = mlp(compile=False)
    before = model.get_weights()
    with pytest.raises(ValueError) as info:
        model.load_weights(weights_file)
    message = str(info.value)
    for part in ("w.weights.h5", "'layers/dense/vars/0'", "(dense_2/kernel)", "(8, 16)", "(8, 17)",
                 "layer 'dense_2'"):
        assert part in message
    assert_same_weights(model, before)


def test_missing_weight_in_a_layer(weights_file):
    edit(weights_file, lambda f: f.__delitem__("layers/dense_1/vars/1"))
    model = mlp(compile=False)
    before = model.get_weights()
    with pytest.raises(ValueError, match="expects 2 weight.* at 'layers/dense_1/vars', but the file has 1"):
        model.load_weights(weights_file)
    assert_same_weights(model, before)


def test_missing_layer_group(weights_file):
    edit(weights_file, lambda f: f.__delitem__("layers/dense_1"))
    model = mlp(compile=False)
    before = model.get_weights()
    with pytest.raises(ValueError, match="no group 'layers/dense_1/vars' \\(missing weights\\)"):
        model.load_weights(weights_file)
    assert_same_weights(model, before)


def test_extra_weights(weights_file):
    def add(f):
        f["layers/dense/vars/2"] = np.zeros(3, "float32")

    edit(weights_file, add)
    model = mlp(compile=False)
    before = model.get_weights()
    with pytest.raises(ValueError, match="expects 2 weight.* at 'layers/dense/vars', but the file has 3"):
        model.load_weights(weights_file)
    assert_same_weights(model, before)


def test_extra_layer_in_file(weights_file):
    def add(f):
        f["layers/dense_2/vars/0"] = np.zeros(3, "float32")

    edit(weights_file, add)
    model = mlp(compile=False)
    with pytest.raises(ValueError, match="weights that no layer .* takes: 'layers/dense_2/vars'"):
        model.load_weights(weights_file)


def test_skip_mismatch_warns_and_loads_the_rest(weights_file):
    edit(weights_file, lambda f: f.__delitem__("layers/dense_1"))
    model = mlp(compile=False)
    with pytest.warns(UserWarning, match="skipped"):
        model.load_weights(weights_file, skip_mismatch=True)


def test_links_and_non_numeric_datasets_are_refused(weights_file):
    model = mlp(compile=False)
    edit(weights_file, lambda f: f.__setitem__("layers/link", h5py.SoftLink("/layers/dense")))
    with pytest.raises(ValueError, match="refusing the HDF5 SoftLink at 'layers/link'"):
        model.load_weights(weights_file)

    def strings(f):
        del f["layers/link"]
        del f["layers/dense/vars/1"]
        f["layers/dense/vars/1"] = np.array([b"abc"])

    edit(weights_file, strings)
    with pytest.raises(ValueError, match="weights must be numbers"):
        model.load_weights(weights_file)


def test_not_an_h5_file(tmp_path):
    path = tmp_path / "junk.weights.h5"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(ValueError, match="junk.weights.h5': not a readable HDF5 weights file"):
        mlp(compile=False).load_weights(path)


# -- safetensors ----------------------------------------------------------------------
def test_safetensors_oversized_header(tmp_path):
    path = tmp_path / "big.safetensors"
    path.write_bytes((10 ** 12).to_bytes(8, "little") + b"{}")
    model = mlp(compile=False)
    before = model.get_weights()
    with pytest.raises(ValueError, match="oversized header"):
        model.load_weights(path)
    assert_same_weights(model, before)


def test_safetensors_truncated_and_wrong_shape(tmp_path):
    model = mlp(compile=False)
    path = tmp_path / "w.safetensors"
    model.save_weights(path)
    data = path.read_bytes()
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(data[:-10])
    with pytest.raises(ValueError, match="outside the file"):
        model.load_weights(cut)
    from safetensors.numpy import load_file, save_file

    tensors = load_file(str(path))
    tensors["layers/dense/vars/0"] = np.zeros((2, 2), "float32")
    other = tmp_path / "other.safetensors"
    save_file(tensors, str(other))
    before = model.get_weights()
    with pytest.raises(ValueError, match="expected shape \\(8, 16\\), found \\(2, 2\\)"):
        model.load_weights(other)
    assert_same_weights(model, before)


# -- saving fails cleanly --------------------------------------------------------------
class Unsaveable(models.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, x):
        return self.dense(x)


def test_failed_save_leaves_the_old_file_and_no_temp_files(tmp_path, saved):
    _, path = saved
    original = path.read_bytes()
    model = Unsaveable()
    model(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="implement get_config\\(\\).*register_keras_serializable"):
        model.save(path)
    assert path.read_bytes() == original
    assert sorted(os.listdir(tmp_path)) == ["model.keras"]


def test_write_error_leaves_the_old_file_and_no_temp_files(tmp_path, saved, monkeypatch):
    model, path = saved
    original = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(saving_lib.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        model.save(path)
    with pytest.raises(OSError, match="No space left"):
        model.save_weights(tmp_path / "w.weights.h5")
    monkeypatch.undo()
    assert path.read_bytes() == original
    assert sorted(os.listdir(tmp_path)) == ["model.keras"]


def test_filename_checks_use_keras_messages(tmp_path):
    model = mlp(compile=False)
    with pytest.raises(ValueError, match="Invalid filepath extension for saving.*`.keras`"):
        model.save(tmp_path / "model.h5")
    with pytest.raises(ValueError, match="The filename must end in `.weights.h5`"):
        model.save_weights(tmp_path / "model.h5")
    with pytest.raises(ValueError, match="File not found"):
        saving.load_model(tmp_path / "absent.keras")
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)


def test_malformed_functional_config_names_the_file(tmp_path):
    config = {"module": "keras.src.models.functional", "class_name": "Functional",
              "registered_name": "Functional",
              "config": {"name": "f", "layers": [], "input_layers": [["ghost", 0, 0]],
                         "output_layers": [["ghost", 0, 0]]}}
    path = keras_file(tmp_path / "ghost.keras", config)
    with pytest.raises(ValueError, match="ghost.keras.*unknown layer 'ghost'"):
        saving.load_model(path)
