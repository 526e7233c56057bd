"""Weights as safetensors, keyed by Keras's paths (``layers/dense/vars/0``).

The header is checked before the safetensors package reads anything: its declared
length (at most ``MAX_HEADER_BYTES``), that it is JSON, and that every tensor's
byte range lies inside the file.
"""

import json
import os

import numpy as np

MAX_HEADER_BYTES = 100 * 1000 * 1000
_DTYPES = {"BOOL", "U8", "I8", "U16", "I16", "F16", "BF16", "U32", "I32", "F32", "U64", "I64", "F64"}


def _safetensors_numpy():
    try:
        import safetensors.numpy
    except ImportError as error:  # pragma: no cover - safetensors is a dependency
        raise ImportError("Reading and writing `.safetensors` files needs the safetensors "
                          "package: `pip install safetensors`.") from error
    return safetensors.numpy


def write_safetensors(entries):
    """The bytes of a safetensors file holding ``entries`` ([(group path, name, {key: array})])."""
    tensors = {}
    for group_path, _name, arrays in entries:
        for key, array in arrays.items():
            # np.require keeps a 0-d array 0-d (np.ascontiguousarray would make it shape (1,))
            tensors[f"{group_path}/{key}"] = np.require(np.asarray(array), requirements="C")
    return _safetensors_numpy().save(tensors, metadata={"format": "keras"})


def check_header(path):
    """Validate the header of the safetensors file at ``path``; returns it as a dict."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise ValueError(f"'{path}' is not a safetensors file: it is {size} bytes long "
                             "(truncated?)")
        length = int.from_bytes(head, "little")
        if length > MAX_HEADER_BYTES:
            raise ValueError(f"'{path}': oversized header: the safetensors header declares "
                             f"{length} bytes, more than the limit of {MAX_HEADER_BYTES}")
        if 8 + length > size:
            raise ValueError(f"'{path}': the safetensors header declares {length} bytes but "
                             f"the file has only {size - 8} after its length (truncated?)")
        raw = f.read(length)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"'{path}': the safetensors header is not valid JSON: {error}") from None
    if not isinstance(header, dict):
        raise ValueError(f"'{path}': the safetensors header is not a JSON object")
    data_size = size - 8 - length
    for key, info in header.items():
        if key == "__metadata__":
            continue
        if (not isinstance(info, dict) or info.get("dtype") not in _DTYPES
                or not isinstance(info.get("shape"), list)
                or not isinstance(info.get("data_offsets"), list)
                or len(info["data_offsets"]) != 2):
            raise ValueError(f"'{path}': invalid safetensors header entry for '{key}': {info!r}")
        start, end = info["data_offsets"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= data_size):
            raise ValueError(f"'{path}': tensor '{key}' lies outside the file "
                             f"(bytes {start}..{end} of {data_size}; truncated?)")
    return header


def read_safetensors(path):
    """{group path: {index: array}} from a safetensors file written by ``write_safetensors``."""
    check_header(path)
    try:
        tensors = _safetensors_numpy().load_file(path)
    except Exception as error:  # the package's own errors are not one class
        raise ValueError(f"'{path}' is not a valid safetensors file: {error}") from None
    groups = {}
    for key, array in tensors.items():
        group, _, index = key.rpartition("/")
        groups.setdefault(group, {})[index] = np.asarray(array)
    return groups
