"""Weights as safetensors, keyed by Keras's paths (``layers/dense/vars/0``).

Written with the safetensors package; read by our own checked reader, lazily: the
header is validated before any tensor is touched (its declared length at most
``MAX_HEADER_BYTES`` and inside the file; JSON without duplicate keys or deep nesting;
each tensor's dtype known, its shape non-negative integers, shape x dtype size equal to
its byte range, the ranges contiguous and covering the data exactly, as the
safetensors specification requires). A tensor is read (its bytes charged to the load's
budget) only when a layer asks for it. ``BF16`` tensors are widened to float32 exactly.
"""

import math
import os

import numpy as np

from ..safety import FormatError, charge, load_budget, open_regular
from .lazy_weights import LazyWeights
from .json_reader import parse_json

MAX_HEADER_BYTES = 100 * 1000 * 1000
_DTYPES = {"BOOL": "u1", "U8": "u1", "I8": "i1", "U16": "<u2", "I16": "<i2", "F16": "<f2",
           "BF16": "<u2", "U32": "<u4", "I32": "<i4", "F32": "<f4", "U64": "<u8", "I64": "<i8",
           "F64": "<f8"}


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


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def check_header(f, path):
    """Validate the header of the safetensors file open as ``f`` (``path`` names it); returns
    ``(header, data start)`` with ``header`` the tensors' entries (``__metadata__`` left out)."""
    size = os.fstat(f.fileno()).st_size
    head = f.read(8)
    if len(head) < 8:
        raise FormatError(path, f"not a safetensors file: it is {size} bytes long "
                                "(truncated?)")
    length = int.from_bytes(head, "little")
    if length > MAX_HEADER_BYTES:
        raise FormatError(path, f"oversized header: the safetensors header declares {length} "
                                f"bytes, more than the limit of {MAX_HEADER_BYTES}")
    if 8 + length > size:
        raise FormatError(path, f"the safetensors header declares {length} bytes but the "
                                f"file has only {size - 8} after its length (truncated?)")
    raw = f.read(length)
    if not raw.startswith(b"{"):
        raise FormatError(path, "the safetensors header is not a JSON object")
    header = parse_json(raw, path, "the safetensors header")
    if not isinstance(header, dict):
        raise FormatError(path, "the safetensors header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise FormatError(path, "the safetensors '__metadata__' must map strings to strings")
    data_size = size - 8 - length
    for key, info in header.items():
        _check_entry(path, key, info, data_size)
    end = 0
    for key, info in sorted(header.items(), key=lambda item: item[1]["data_offsets"]):
        start, stop = info["data_offsets"]
        if start != end:
            raise FormatError(path, f"tensor '{key}' starts at byte {start} of the data, expected "
                                    f"{end} (safetensors tensors are contiguous, without gaps "
                                    "or overlaps)")
        end = stop
    if end != data_size:
        raise FormatError(path, f"the tensors cover {end} bytes of data but the file has "
                                f"{data_size} (truncated, or bytes outside any tensor)")
    return header, 8 + length


def _check_entry(path, key, info, data_size):
    if (not isinstance(info, dict) or not isinstance(info.get("shape"), list)
            or not isinstance(info.get("data_offsets"), list) or len(info["data_offsets"]) != 2):
        raise FormatError(path, f"invalid safetensors header entry for '{key}': expected "
                                f"{{'dtype', 'shape', 'data_offsets': [start, end]}}; "
                                f"received {str(info)[:200]}")
    if not isinstance(info.get("dtype"), str) or info["dtype"] not in _DTYPES:
        raise FormatError(path, f"tensor '{key}' has dtype {str(info.get('dtype'))[:40]!r}; "
                                f"expected one of {sorted(_DTYPES)}")
    shape = info["shape"]
    if not all(_is_int(n) and n >= 0 for n in shape):
        raise FormatError(path, f"tensor '{key}' has shape {str(shape)[:200]}; expected "
                                "non-negative integers")
    start, stop = info["data_offsets"]
    if not (_is_int(start) and _is_int(stop) and 0 <= start <= stop):
        raise FormatError(path, f"tensor '{key}' has data_offsets {[start, stop]}; expected "
                                "integers 0 <= start <= end")
    if stop > data_size:
        raise FormatError(path, f"tensor '{key}' lies outside the file (bytes {start}..{stop} of "
                                f"{data_size}; truncated?)")
    declared = math.prod(shape) * np.dtype(_DTYPES[info["dtype"]]).itemsize
    if declared != stop - start:
        raise FormatError(path, f"tensor '{key}' declares shape {shape} of {info['dtype']} "
                                f"({declared} bytes) but its byte range holds {stop - start}")


class SafetensorsWeights(LazyWeights):
    """``{group path: {index: array}}`` over an open safetensors file (header checked first);
    a tensor is read, charged and widened (BF16) when a layer asks for it."""

    def __init__(self, path):
        handle = open_regular(path, "a .safetensors file")  # opened once: the header and data
        try:                                                 # come from the same file
            header, self._data_start = check_header(handle, path)
        except BaseException:
            handle.close()
            raise
        groups = {}
        for key, info in header.items():
            group, _, index = key.rpartition("/")
            groups.setdefault(group, {})[index] = (key, info)
        super().__init__(handle, groups, path)

    def _read(self, entry):
        key, info = entry
        start, stop = info["data_offsets"]
        widened = 4 * (stop - start) if info["dtype"] == "BF16" else 0  # two float32 copies
        charge(stop - start + widened, f"tensor '{key}' (shape {info['shape']}, {info['dtype']})")
        buffer = bytearray(stop - start)
        self._handle.seek(self._data_start + start)
        if self._handle.readinto(buffer) != len(buffer):
            raise FormatError(self.label, f"tensor '{key}' is cut short (the file shrank while "
                                          "it was read?)")
        array = np.frombuffer(buffer, dtype=_DTYPES[info["dtype"]]).reshape(info["shape"])
        if info["dtype"] == "BOOL":
            return array != 0
        if info["dtype"] == "BF16":   # bfloat16 is the top half of a float32
            return (array.astype("<u4") << 16).view("<f4")
        return array.astype(array.dtype.newbyteorder("="), copy=False)


def open_safetensors(path):
    """The ``SafetensorsWeights`` of the file at ``path`` (header checked, nothing read)."""
    return SafetensorsWeights(os.fspath(path))


def read_safetensors(path):
    """{group path: {index: array}}: every tensor of the file at ``path``, read within the
    file's load budget."""
    with load_budget(path), open_safetensors(path) as weights:
        return {group: dict(arrays) for group, arrays in weights.items()}
