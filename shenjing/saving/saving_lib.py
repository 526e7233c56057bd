"""The ``.keras`` file: a zip of ``metadata.json``, ``config.json``, ``model.weights.h5`` and
``assets/`` (files such as a lookup layer's ``vocabulary.txt``; see ``assets.py``).

The same layout Keras 3 writes (``keras/src/saving/saving_lib.py``), so a model moves
between shenjing and Keras in both directions. Saving writes to a temporary file in
the target's directory and renames it into place, so a failed save leaves any earlier
file untouched. Loading reads zip entries by exact name into memory (nothing is
extracted to disk), refuses duplicate and oversized entries, charges what it
materializes to the file's load budget, and builds the model from data alone.
The same bytes, in memory, are what a pickled model carries (``model_to_bytes`` /
``model_from_bytes``; ``Model.__reduce__``), read by the same reader in safe mode.
"""

import datetime
import io
import json
import os
import warnings
import zipfile

from ..safety import FormatError, load_budget
from ..safety.limits import check_limit
from ..serialization import deserialize_keras_object, serialize_keras_object
from ..utils.file_utils import atomic_write
from .assets import collect_assets, load_assets
from .formats import (WEIGHTS_FILENAME, keras_weights_label, open_keras_weights_entry, open_zip,
                      read_entry, weights_format)
from .h5_store import write_h5
from .json_reader import parse_json
from .state import collect_state, load_state

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
# The Keras 3 file format written (checked against Keras 3.15.1).
KERAS_VERSION = "3.15.1"


# -- writing -------------------------------------------------------------------------
def _check_overwrite(filepath, overwrite):
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"File already exists: filepath={filepath}. Pass overwrite=True "
                              "to replace it.")


def _warn_unbuilt(model):
    unbuilt = [layer.name for layer in model._flatten_layers(include_self=False) if not layer.built]
    if unbuilt:
        warnings.warn(f"You are saving model '{model.name}', whose layer(s) {unbuilt} are not "
                      "built yet: they have no weights to save. Consider building the model "
                      "first by calling it on some data.", stacklevel=3)


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Write ``model`` (architecture, weights, optimizer state) as a Keras 3 ``.keras`` file."""
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs)}")
    if zipped is False:
        raise ValueError("zipped=False (a directory) is not supported; save to a `.keras` file.")
    filepath = os.fspath(filepath)
    if not str(filepath).endswith(".keras"):
        raise ValueError(
            "Invalid filepath extension for saving. Please add a `.keras` extension for the "
            "native Keras format (save only the weights with `.weights.h5` or `.safetensors` "
            f"through model.save_weights). Received: filepath={filepath}.")
    _check_overwrite(filepath, overwrite)
    _warn_unbuilt(model)
    atomic_write(filepath, model_to_bytes(model))


def model_to_bytes(model):
    """The bytes of ``model``'s ``.keras`` file (what ``save_model`` writes, built in memory)."""
    config_json = json.dumps(serialize_keras_object(model))
    metadata_json = json.dumps({
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    })
    weights = write_h5(collect_state(model))
    assets = collect_assets(model)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA_FILENAME, metadata_json)
        zf.writestr(CONFIG_FILENAME, config_json)
        zf.writestr(WEIGHTS_FILENAME, weights)
        for name, data in assets:
            zf.writestr(name, data)
    return buffer.getvalue()


def _check_built(model, action):
    if not model.built and not model.weights:
        raise ValueError(
            f"You are {action} a model that has not yet been built. Try building the model "
            "first by calling it on some data or by using `build()`.")


def save_weights(model, filepath, overwrite=True):
    """Write the weights (and optimizer state) as ``.weights.h5`` (Keras 3 layout) or
    ``.safetensors`` (the same paths as keys)."""
    filepath = os.fspath(filepath)
    fmt = weights_format(filepath, "save")
    _check_built(model, "saving")
    _check_overwrite(filepath, overwrite)
    atomic_write(filepath, fmt.write(collect_state(model)))


# -- reading -------------------------------------------------------------------------
def _parse_config(data, filepath):
    config = parse_json(data, filepath, "config.json")
    if not isinstance(config, dict) or "class_name" not in config:
        raise FormatError(filepath, "config.json does not describe a model (expected an object "
                                    "with 'class_name' and 'config')")
    return config


def _check_load_path(filepath):
    if not os.path.exists(filepath):
        raise ValueError(f"File not found: filepath={filepath}. Please ensure the file is an "
                         "accessible `.keras` zip file.")
    if os.path.isdir(filepath):
        raise ValueError(f"Expected a `.keras` file, but filepath={filepath} is a directory.")


def _build_model(config, filepath, custom_objects, safe_mode):
    """The model ``config`` describes; any failure of a config (a wrong argument's TypeError,
    a missing key) is a FormatError naming ``filepath``."""
    try:
        return deserialize_keras_object(config, custom_objects=custom_objects,
                                        safe_mode=safe_mode)
    except FormatError:
        raise
    except RecursionError:
        raise FormatError(filepath, "cannot build the model: config.json is nested too "
                                    "deeply") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as error:
        raise FormatError(filepath, f"cannot build the model from its config.json "
                                    f"({type(error).__name__}: {error})") from error


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model saved in a ``.keras`` file (by shenjing or Keras 3), compiled as it was saved
    unless ``compile=False``. Nothing in the file is executed; everything the file makes
    shenjing allocate is charged to its load budget (``shenjing.safety``); a malformed or
    hostile file raises ``FormatError`` (``ResourceLimitError`` past a limit)."""
    filepath = os.fspath(filepath)
    _check_load_path(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError(
            f"File format not supported: filepath={filepath}. shenjing loads Keras 3 `.keras` "
            "files (legacy `.h5` model files and SavedModel directories are not supported).")
    with load_budget(filepath), open_zip(filepath) as archive:
        return _load_from_archive(archive, filepath, custom_objects, compile, safe_mode)


PICKLE_LABEL = "<pickled model>"


def model_from_bytes(data, custom_objects=None, compile=True, safe_mode=True, label=PICKLE_LABEL):
    """The model whose ``.keras`` file bytes are ``data`` (what ``model_to_bytes`` gives), read
    by the same checked reader as ``load_model`` with a budget sized from ``len(data)``;
    ``label`` names the source in errors. Unpickling a model calls this, in safe mode."""
    if isinstance(data, io.BytesIO):   # Keras 3's pickles carry a BytesIO
        data = data.getvalue()
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise FormatError(label, f"expected the bytes of a .keras file, received "
                                 f"{type(data).__name__}")
    data = bytes(data)
    with load_budget(label, file_bytes=len(data)), open_zip(io.BytesIO(data), label) as archive:
        return _load_from_archive(archive, label, custom_objects, compile, safe_mode)


def _load_from_archive(archive, filepath, custom_objects, compile, safe_mode):
    config = _parse_config(read_entry(archive, filepath, CONFIG_FILENAME,
                                      limit="max_config_bytes"), filepath)
    weights = read_entry(archive, filepath, WEIGHTS_FILENAME)
    if not compile:
        config["compile_config"] = None
    model = _build_model(config, filepath, custom_objects, safe_mode)
    with open_keras_weights_entry(weights, filepath) as groups:
        del weights   # h5py reads from its own reference; let the bytes go with it
        load_state(model, groups, keras_weights_label(filepath))
    # After the variables, as Keras does; from the same open archive (one file, one view).
    load_assets(model, archive, filepath)
    return model


def model_from_json(json_string, custom_objects=None):
    """The model (not compiled, fresh weights) that ``model.to_json()`` describes. A string
    that is not a model's JSON raises FormatError (a ValueError)."""
    if isinstance(json_string, bytes):
        json_string = json_string.decode("utf-8", errors="replace")
    if not isinstance(json_string, str):
        raise TypeError(f"model_from_json expects a JSON string. Received: "
                        f"json_string={type(json_string).__name__}")
    check_limit("max_config_bytes", len(json_string), "the length of the JSON string")
    config = parse_json(json_string.encode("utf-8", errors="replace"), None,
                        "model_from_json: the string")
    if not isinstance(config, dict) or "class_name" not in config:
        raise FormatError(None, "model_from_json: the string does not describe a model "
                                "(expected an object with 'class_name' and 'config')")
    config["compile_config"] = None
    return _build_model(config, None, custom_objects, True)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Read weights from ``.weights.h5``, ``.safetensors`` or ``.keras``; everything is checked
    (names, counts, shapes) before anything is assigned, and only the arrays the model's
    objects ask for are read."""
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    filepath = os.fspath(filepath)
    fmt = weights_format(filepath, "load")
    if not os.path.exists(filepath):
        raise ValueError(f"File not found: filepath={filepath}.")
    if os.path.isdir(filepath):
        raise ValueError(f"Expected a weights file, but filepath={filepath} is a directory.")
    _check_built(model, "loading weights into")
    with load_budget(filepath), fmt.open(filepath) as (groups, label):
        load_state(model, groups, label, skip_mismatch=skip_mismatch)
