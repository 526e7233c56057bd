"""Keras 3's HDF5 weights layout, written and read with h5py, as plain arrays only.

A file is groups ``<path>/vars`` (attribute ``name``: the layer's or optimizer's name)
holding datasets ``"0"``, ``"1"``, ... Reading is lazy and bounded:

- ``open_h5`` walks the file once, without reading any data: every link must be a hard
  link to a plain group or a plain numeric dataset (no soft/external links, external or
  virtual datasets, strings or compounds), every object is reached once (a hard link
  back up the tree, a cycle, is refused), and at most ``max_h5_objects`` are walked;
- a dataset is read only when a layer asks for it (``groups[path][key]``), after its
  declared bytes (shape x itemsize, plus one chunk when compressed) were checked against
  what the file stores (at most ``max_expansion`` times, above ``safety.limits.RATIO_FLOOR_BYTES``)
  and charged to the load's budget (as is ``WALK_BYTES_PER_OBJECT`` per object walked).

Every h5py failure while walking or reading (a corrupted file raises RuntimeError,
OSError, KeyError, OverflowError, ...) becomes ``FormatError`` naming the file and
the object.
"""

import io
import math

import numpy as np

from ..safety import FormatError, charge, check_regular_file
from ..safety.limits import check_expansion, check_limit
from .lazy_weights import LazyWeights

# Below this many bytes a dataset may be unallocated or compress well (biases and optimizer
# slots start at zero); above it, it must store at least 1/max_expansion of what it declares.
# What the walk keeps per object (its path, shape and dtype), charged as it goes.
WALK_BYTES_PER_OBJECT = 1024
# What h5py raises on a damaged file (besides our own FormatError, a ValueError).
H5_ERRORS = (RuntimeError, OSError, KeyError, ValueError, OverflowError, TypeError,
             SystemError, AttributeError, IndexError)


def _h5py():
    try:
        import h5py
    except ImportError as error:  # pragma: no cover - h5py is a dependency
        raise ImportError("Reading and writing `.weights.h5` and `.keras` files needs h5py: "
                          "`pip install h5py`.") from error
    return h5py


def write_h5(entries):
    """The bytes of an HDF5 file holding ``entries`` ([(group path, name, {key: array})]);
    the keys are "0", "1", ... for Keras's own objects."""
    h5py = _h5py()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        for group_path, name, arrays in entries:
            group = f.require_group(group_path)
            group.attrs["name"] = name
            for key, array in arrays.items():
                group.create_dataset(key, data=np.asarray(array))
    return buffer.getvalue()


def _fail(label, what, error):
    return FormatError(label, f"{what}: the HDF5 file is corrupted or truncated "
                              f"({type(error).__name__}: {error})")


class _Declared:
    """What the walk learned about one dataset: its shape, dtype and declared bytes."""

    __slots__ = ("path", "shape", "dtype", "nbytes", "chunk_bytes")

    def __init__(self, path, shape, dtype, chunk_bytes):
        self.path, self.shape, self.dtype = path, shape, dtype
        self.nbytes = math.prod(shape) * dtype.itemsize   # Python ints: no overflow
        self.chunk_bytes = chunk_bytes


class H5Weights(LazyWeights):
    """``{group path: {key: array}}`` over an open HDF5 file, each dataset read (checked
    against its storage and charged to the budget) when a layer asks for it."""

    def _read(self, entry):
        label, path = self.label, entry.path
        needed = entry.nbytes + entry.chunk_bytes
        try:
            dataset = self._handle[path]
            stored = dataset.id.get_storage_size()
        except H5_ERRORS as error:
            raise _fail(label, f"cannot open dataset '{path}'", error) from None
        check_expansion(needed, stored, f"dataset '{path}' (shape {entry.shape}, {entry.dtype})",
                        label)
        charge(needed, f"dataset '{path}' (shape {entry.shape}, {entry.dtype})")
        try:
            array = np.asarray(dataset[()])
        except H5_ERRORS as error:
            raise _fail(label, f"cannot read dataset '{path}'", error) from None
        if array.shape != entry.shape or array.dtype != entry.dtype:
            raise FormatError(label, f"dataset '{path}' declared shape {entry.shape} and dtype "
                                     f"{entry.dtype} but read {array.shape} {array.dtype}")
        return array


def open_h5(source, label):
    """Walk the HDF5 file at ``source`` (a path or a binary file object; ``label`` names it in
    errors) and return its ``H5Weights`` (``{group path: {key: array, read lazily}}``)."""
    h5py = _h5py()
    if isinstance(source, str) or hasattr(source, "__fspath__"):
        check_regular_file(source, "a .weights.h5 file")  # not a FIFO or a device: no hang
    try:
        handle = h5py.File(source, "r")
    except H5_ERRORS as error:
        raise FormatError(label, f"not a readable HDF5 weights file "
                                 f"({type(error).__name__}: {error})") from None
    try:
        groups = _walk(h5py, handle, label)
    except BaseException:
        handle.close()
        raise
    return H5Weights(handle, groups, label)


def _walk(h5py, root, label):
    """{group path: {key: _Declared}}, each group and dataset reached exactly once."""
    groups, count = {}, 0
    where = "/"
    try:
        seen = {_address(h5py, root): "/"}
        stack = [("", root)]
        while stack:
            prefix, group = stack.pop()
            where = prefix or "/"
            for key in list(group):
                if not isinstance(key, str):
                    raise FormatError(label, f"the HDF5 name {key!r} in '{prefix or '/'}' is not "
                                             "UTF-8 text (weights files name groups and datasets "
                                             "in UTF-8)")
                path = f"{prefix}/{key}" if prefix else key
                where = path
                count += 1
                check_limit("max_h5_objects", count, "the number of HDF5 groups and datasets",
                            label)
                charge(WALK_BYTES_PER_OBJECT, f"walking the HDF5 object '{path}'")
                link = group.get(key, getlink=True)
                if not isinstance(link, h5py.HardLink):
                    raise FormatError(label, f"refusing the HDF5 {type(link).__name__} at "
                                             f"'{path}' (weights files hold plain groups and "
                                             "datasets)")
                item = group.get(key)
                if item is None:
                    raise FormatError(label, f"the hard link '{path}' leads to no readable object "
                                             "(a corrupted file?)")
                address = _address(h5py, item)
                if address in seen:
                    raise FormatError(label, f"'{path}' is a second hard link to the HDF5 object "
                                             f"at '{seen[address]}' (a cycle or a shared "
                                             "object; weights files hold a tree)")
                seen[address] = path
                if isinstance(item, h5py.Group):
                    stack.append((path, item))
                elif isinstance(item, h5py.Dataset):
                    groups.setdefault(prefix, {})[key] = _declare(item, path, label)
                else:
                    raise FormatError(label, f"unexpected HDF5 object {type(item).__name__} "
                                             f"at '{path}'")
    except FormatError:
        raise
    except H5_ERRORS as error:
        raise _fail(label, f"cannot walk the HDF5 file at '{where}'", error) from None
    return groups


def _address(h5py, obj):
    info = h5py.h5o.get_info(obj.id)
    return info.fileno, info.addr


def _declare(dataset, path, label):
    if dataset.external:
        raise FormatError(label, f"refusing the external dataset '{path}'")
    if dataset.is_virtual:
        raise FormatError(label, f"refusing the virtual dataset '{path}'")
    dtype = dataset.dtype
    if dtype.kind not in "biuf" or dtype.fields is not None or dtype.subdtype is not None:
        raise FormatError(label, f"dataset '{path}' has dtype {dtype}; weights must be numbers "
                                 "(bool, int or float)")
    shape = dataset.shape
    if shape is None:
        raise FormatError(label, f"dataset '{path}' has no dataspace (an HDF5 null dataset); "
                                 "weights must be arrays")
    shape = tuple(int(n) for n in shape)
    if any(n < 0 for n in shape):
        raise FormatError(label, f"dataset '{path}' declares a negative dimension: {shape}")
    chunk_bytes = 0
    chunks = dataset.chunks
    if chunks is not None and dataset.id.get_create_plist().get_nfilters() > 0:
        # A filtered (compressed) chunk is decompressed whole, whatever the dataset's size.
        chunk_bytes = math.prod(int(n) for n in chunks) * dtype.itemsize
    return _Declared(path, shape, dtype, chunk_bytes)
