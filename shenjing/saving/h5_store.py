"""Keras 3's HDF5 weights layout, written and read with h5py, as plain arrays only.

A file is groups ``<path>/vars`` (attribute ``name``: the layer's or optimizer's name)
holding datasets ``"0"``, ``"1"``, ... Reading refuses anything that is not a plain
group or a plain numeric dataset: soft and external links, external or virtual
datasets, non-numeric dtypes, and "shape bombs" (a dataset declaring far more bytes
than the file stores).
"""

import io

import numpy as np

_BOMB_FLOOR_BYTES = 1 << 32   # as Keras: a dataset this large must be stored, not implied
_MAX_EXPANSION = 1000


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


def read_h5(source, label):
    """{group path: {dataset name: array}} for every dataset in the file at ``source``.

    ``source``: a path or a binary file object; ``label`` names it in errors.
    """
    h5py = _h5py()
    try:
        handle = h5py.File(source, "r")
    except (OSError, ValueError) as error:
        raise ValueError(f"'{label}' is not a readable HDF5 weights file: {error}") from None
    groups = {}
    with handle as f:
        stack = [("", f)]
        while stack:
            prefix, group = stack.pop()
            for key in group:
                path = f"{prefix}/{key}" if prefix else key
                link = group.get(key, getlink=True)
                if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
                    raise ValueError(f"'{label}': refusing the HDF5 {type(link).__name__} at "
                                     f"'{path}' (weights files hold plain groups and datasets)")
                item = group.get(key)
                if isinstance(item, h5py.Group):
                    stack.append((path, item))
                elif isinstance(item, h5py.Dataset):
                    groups.setdefault(prefix, {})[key] = _read_dataset(item, path, label)
                else:
                    raise ValueError(f"'{label}': unexpected HDF5 object {type(item).__name__} "
                                     f"at '{path}'")
    return groups


def _read_dataset(dataset, path, label):
    if dataset.external:
        raise ValueError(f"'{label}': refusing the external dataset '{path}'")
    if dataset.is_virtual:
        raise ValueError(f"'{label}': refusing the virtual dataset '{path}'")
    dtype = dataset.dtype
    if dtype.kind not in "biuf" or dtype.fields is not None:
        raise ValueError(f"'{label}': dataset '{path}' has dtype {dtype}; weights must be "
                         "numbers (bool, int or float)")
    declared = int(np.prod(dataset.shape, dtype=np.int64)) * dtype.itemsize
    stored = dataset.id.get_storage_size()
    if declared > _BOMB_FLOOR_BYTES and declared > _MAX_EXPANSION * stored:
        raise ValueError(f"'{label}': dataset '{path}' declares {declared} bytes but stores only "
                         f"{stored}; refusing a possible decompression/shape bomb")
    try:
        return np.asarray(dataset[()])
    except (OSError, ValueError) as error:
        raise ValueError(f"'{label}': cannot read dataset '{path}' (truncated or corrupted "
                         f"file?): {error}") from None
