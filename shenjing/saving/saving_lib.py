"""The ``.keras`` file: a zip of ``metadata.json``, ``config.json`` and ``model.weights.h5``.

The same layout Keras 3 writes (``keras/src/saving/saving_lib.py``), so a model moves
between shenjing and Keras in both directions. Saving writes to a temporary file in
the target's directory and renames it into place, so a failed save leaves any earlier
file untouched. Loading reads zip entries by exact name into memory (nothing is
extracted to disk), refuses oversized entries, and builds the model from data alone.
"""

import datetime
import io
import json
import os
import warnings
import zipfile

from ..serialization import deserialize_keras_object, serialize_keras_object
from ..utils.file_utils import atomic_write
from .formats import (WEIGHTS_FILENAME, open_zip, read_entry, read_keras_weights_entry,
                      weights_format)
from .h5_store import write_h5
from .state import collect_state, load_state

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
# The Keras 3 file format written (checked against Keras 3.15.1).
KERAS_VERSION = "3.15.1"
MAX_CONFIG_BYTES = 64 * 1024 * 1024


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
    config_json = json.dumps(serialize_keras_object(model))
    metadata_json = json.dumps({
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    })
    weights = write_h5(collect_state(model))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA_FILENAME, metadata_json)
        zf.writestr(CONFIG_FILENAME, config_json)
        zf.writestr(WEIGHTS_FILENAME, weights)
    atomic_write(filepath, buffer.getvalue())


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
    try:
        config = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ValueError(f"'{filepath}': config.json is not valid JSON: {error}") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"'{filepath}': config.json does not describe a model (expected an "
                         "object with 'class_name' and 'config')")
    return config


def _check_load_path(filepath):
    if not os.path.exists(filepath):
        raise ValueError(f"File not found: filepath={filepath}. Please ensure the file is an "
                         "accessible `.keras` zip file.")


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model saved in a ``.keras`` file (by shenjing or Keras 3), compiled as it was saved
    unless ``compile=False``. Nothing in the file is executed."""
    filepath = os.fspath(filepath)
    _check_load_path(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError(
            f"File format not supported: filepath={filepath}. shenjing loads Keras 3 `.keras` "
            "files (legacy `.h5` model files and SavedModel directories are not supported).")
    with open_zip(filepath) as archive:
        config = _parse_config(read_entry(archive, filepath, CONFIG_FILENAME,
                                           limit=MAX_CONFIG_BYTES), filepath)
        weights = read_entry(archive, filepath, WEIGHTS_FILENAME)
    if not compile:
        config["compile_config"] = None
    try:
        model = deserialize_keras_object(config, custom_objects=custom_objects,
                                         safe_mode=safe_mode)
    except (ValueError, TypeError) as error:
        raise type(error)(f"Cannot load the model in '{filepath}': {error}") from error
    except (KeyError, IndexError, AttributeError, RecursionError) as error:
        raise ValueError(f"Cannot load the model in '{filepath}': its config.json is invalid "
                         f"({type(error).__name__}: {error})") from error
    load_state(model, *read_keras_weights_entry(weights, filepath))
    return model


def model_from_json(json_string, custom_objects=None):
    """The model (not compiled, fresh weights) that ``model.to_json()`` describes."""
    if len(json_string) > MAX_CONFIG_BYTES:
        raise ValueError(f"The JSON string is {len(json_string)} characters long, more than the "
                         f"limit of {MAX_CONFIG_BYTES}")
    try:
        config = json.loads(json_string)
    except ValueError as error:
        raise ValueError(f"model_from_json: the string is not valid JSON: {error}") from None
    if isinstance(config, dict):
        config["compile_config"] = None
    return deserialize_keras_object(config, custom_objects=custom_objects)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Read weights from ``.weights.h5``, ``.safetensors`` or ``.keras``; everything is checked
    (names, counts, shapes) before anything is assigned."""
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    filepath = os.fspath(filepath)
    fmt = weights_format(filepath, "load")
    if not os.path.exists(filepath):
        raise ValueError(f"File not found: filepath={filepath}.")
    _check_built(model, "loading weights into")
    groups, label = fmt.read(filepath)
    load_state(model, groups, label, skip_mismatch=skip_mismatch)
