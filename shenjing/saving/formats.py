"""The file formats, chosen from one table by suffix.

``FORMATS`` maps a suffix to a ``WeightsFormat``: how to read a file of that kind
into groups (``{"layers/dense/vars": {"0": array, ...}}``) and how to write the
saver's entries (``[(group path, object name, [arrays])]``) as bytes. ``.keras``
(the zip of Keras 3: config, metadata and ``model.weights.h5``) is read here for
its weights; the whole model is written by ``saving_lib.save_model``. A new format
is one more row. Every reader refuses what it cannot read safely; nothing is
unpickled or executed.
"""

import io
import zipfile
import zlib

from .h5_store import read_h5, write_h5
from .safetensors_store import read_safetensors, write_safetensors

WEIGHTS_FILENAME = "model.weights.h5"
_BOMB_FLOOR_BYTES = 1 << 32
_MAX_EXPANSION = 100


def open_zip(filepath):
    try:
        return zipfile.ZipFile(filepath, "r")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        raise ValueError(f"'{filepath}' is not a valid .keras file: it is not a zip archive, or "
                         f"it is truncated or corrupted ({error})") from None


def read_entry(archive, filepath, name, limit=None):
    if name not in archive.namelist():
        raise ValueError(f"'{filepath}' is not a valid .keras file: it has no '{name}' "
                         f"(entries: {sorted(archive.namelist())[:20]})")
    info = archive.getinfo(name)
    if limit is not None and info.file_size > limit:
        raise ValueError(f"'{filepath}': '{name}' is {info.file_size} bytes, more than the limit "
                         f"of {limit} bytes; refusing to read it")
    if info.file_size > _BOMB_FLOOR_BYTES and info.file_size > _MAX_EXPANSION * info.compress_size:
        raise ValueError(f"'{filepath}': '{name}' declares {info.file_size} bytes but stores "
                         f"only {info.compress_size}; refusing a possible decompression bomb")
    try:
        with archive.open(info, "r") as f:
            data = f.read(info.file_size + 1)
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError, RuntimeError) as error:
        raise ValueError(f"'{filepath}': cannot read '{name}' (truncated or corrupted "
                         f"archive): {error}") from None
    if len(data) != info.file_size:
        raise ValueError(f"'{filepath}': '{name}' does not have the size its header declares")
    return data


def read_keras_weights_entry(data, filepath):
    """``(groups, label)`` from the bytes of a ``.keras`` file's ``model.weights.h5``."""
    label = f"{filepath}:{WEIGHTS_FILENAME}"
    return read_h5(io.BytesIO(data), label), label


def _read_keras_weights(filepath):
    with open_zip(filepath) as archive:
        weights = read_entry(archive, filepath, WEIGHTS_FILENAME)
    return read_keras_weights_entry(weights, filepath)


class WeightsFormat:
    """One row of the table: ``read(filepath) -> (groups, label)``; ``write(entries) ->
    bytes`` (None when weights alone are not written in this format)."""

    def __init__(self, suffix, description, read, write=None):
        self.suffix = suffix
        self.description = description
        self.read = read
        self.write = write

    def __repr__(self):
        return f"<WeightsFormat {self.suffix}: {self.description}>"


FORMATS = {
    ".weights.h5": WeightsFormat(".weights.h5", "Keras 3 HDF5 weights",
                                 lambda path: (read_h5(path, path), path), write_h5),
    ".safetensors": WeightsFormat(".safetensors", "safetensors, the group paths as keys",
                                  lambda path: (read_safetensors(path), path),
                                  write_safetensors),
    ".keras": WeightsFormat(".keras", "Keras 3 model zip (its model.weights.h5)",
                            _read_keras_weights),
}


def weights_format(filepath, action):
    """The ``FORMATS`` row for ``filepath``'s suffix; ``action`` is "save" or "load".
    Raises ValueError naming the suffixes that the action accepts."""
    name = str(filepath)
    accepted = [fmt for fmt in FORMATS.values() if action == "load" or fmt.write is not None]
    for fmt in accepted:
        if name.endswith(fmt.suffix):
            return fmt
    suffixes = " or ".join(f"`{fmt.suffix}`" for fmt in accepted)
    raise ValueError(f"The filename must end in {suffixes}. Received: filepath={name}")
