"""The file formats, chosen from one table by suffix.

``FORMATS`` maps a suffix to a ``WeightsFormat``: how to open a file of that kind as
groups (``{"layers/dense/vars": {"0": array, ...}}``, each array read when asked for)
and how to write the saver's entries (``[(group path, object name, [arrays])]``) as
bytes. ``.keras`` (the zip of Keras 3: config, metadata and ``model.weights.h5``) is
read here for its weights; the whole model is written by ``saving_lib.save_model``. A
new format is one more row. Every reader refuses what it cannot read safely (a
``FormatError`` naming the file); nothing is unpickled or executed, and every byte
materialized is charged to the load's budget first.

Zip entries: a name given twice (or twice but for case) is refused, since readers
disagree on which one counts; an entry's declared size is charged before it is
decompressed (twice: the read's peak), may be at most ``max_expansion`` times its
compressed size (above ``safety.limits.RATIO_FLOOR_BYTES``), and is read with a bounded read.
"""

import contextlib
import io
import zipfile

from ..safety import FormatError, charge, check_regular_file, load_budget
from ..safety.limits import check_expansion, check_limit
from ..safety.zips import ZIP_ERRORS, refuse_duplicate_members
from .h5_store import open_h5, write_h5
from .safetensors_store import open_safetensors, write_safetensors

WEIGHTS_FILENAME = "model.weights.h5"


def open_zip(filepath, label=None):
    """The ``ZipFile`` at ``filepath`` (a path or a binary file object, named ``label`` in
    errors), after refusing duplicate member names."""
    if isinstance(filepath, str) or hasattr(filepath, "__fspath__"):
        check_regular_file(filepath, "a .keras file")  # not a FIFO or a device: no hang
    label = filepath if label is None else label
    try:
        archive = zipfile.ZipFile(filepath, "r")
    except FormatError:
        raise
    except ZIP_ERRORS as error:
        raise FormatError(label, f"not a valid .keras file: it is not a zip archive, or it "
                                 f"is truncated or corrupted ({error})") from None
    try:
        refuse_duplicate_members(archive, label)
    except BaseException:
        archive.close()
        raise
    return archive


def read_entry(archive, filepath, name, limit=None):
    """The bytes of zip entry ``name``: its declared size checked (against ``limit``, the
    limit's name, when given; against ``max_expansion`` x its compressed size) and charged
    before anything is decompressed."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise FormatError(filepath, f"not a valid .keras file: it has no '{name}' "
                                    f"(entries: {sorted(archive.namelist())[:20]})") from None
    declared, compressed = info.file_size, info.compress_size
    if limit is not None:
        check_limit(limit, declared, f"the size in bytes of '{name}'", filepath)
    check_expansion(declared, compressed, f"zip entry '{name}'", filepath)
    # zipfile's bounded read grows its result by concatenation: twice the entry at its peak
    charge(2 * declared, f"zip entry '{name}' ({declared} bytes, read)")
    try:
        with archive.open(info, "r") as f:
            data = f.read(declared + 1)
    except ZIP_ERRORS as error:
        raise FormatError(filepath, f"cannot read '{name}' (truncated or corrupted archive): "
                                    f"{type(error).__name__}: {error}") from None
    if len(data) != declared:
        raise FormatError(filepath, f"'{name}' does not have the size its header declares "
                                    f"({declared} bytes)")
    return data


def keras_weights_label(filepath):
    return f"{filepath}:{WEIGHTS_FILENAME}"


def open_keras_weights_entry(data, filepath):
    """``H5Weights`` over the bytes of a ``.keras`` file's ``model.weights.h5``."""
    return open_h5(io.BytesIO(data), keras_weights_label(filepath))


@contextlib.contextmanager
def _open_h5_file(filepath):
    with load_budget(filepath), open_h5(filepath, filepath) as groups:
        yield groups, filepath


@contextlib.contextmanager
def _open_safetensors_file(filepath):
    with load_budget(filepath), open_safetensors(filepath) as groups:
        yield groups, filepath


@contextlib.contextmanager
def _open_keras_weights(filepath):
    with load_budget(filepath):
        with open_zip(filepath) as archive:
            data = read_entry(archive, filepath, WEIGHTS_FILENAME)
        with open_keras_weights_entry(data, filepath) as groups:
            yield groups, keras_weights_label(filepath)


class WeightsFormat:
    """One row of the table: ``open(filepath)``, a context manager giving ``(groups, label)``
    with the file open (arrays read lazily) inside its load budget; ``write(entries) ->
    bytes`` (None when weights alone are not written in this format)."""

    def __init__(self, suffix, description, open, write=None):
        self.suffix = suffix
        self.description = description
        self.open = open
        self.write = write

    def __repr__(self):
        return f"<WeightsFormat {self.suffix}: {self.description}>"


FORMATS = {
    ".weights.h5": WeightsFormat(".weights.h5", "Keras 3 HDF5 weights", _open_h5_file, write_h5),
    ".safetensors": WeightsFormat(".safetensors", "safetensors, the group paths as keys",
                                  _open_safetensors_file, write_safetensors),
    ".keras": WeightsFormat(".keras", "Keras 3 model zip (its model.weights.h5)",
                            _open_keras_weights),
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
