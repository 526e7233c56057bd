"""Reader for the IDX format of MNIST and Fashion-MNIST (plain or gzip-compressed).

Layout: two zero bytes, a type code, the number of dimensions, one big-endian
uint32 per dimension, then the values in big-endian C order.
"""

import gzip
import os

import numpy as np

_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IDXError(ValueError):
    """A file that is not a well-formed IDX file."""


def read_idx(path):
    """The array stored in the IDX file at ``path`` (``.gz`` is decompressed)."""
    path = os.fspath(path)
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:  # gzip raises these for truncated or corrupted streams
        raise IDXError(f"{path}: cannot read IDX data ({e})") from None
    return parse_idx(raw, path)


def parse_idx(raw, where="<bytes>"):
    """Decode IDX bytes, checking magic number, dimensions and length."""
    if len(raw) < 4:
        raise IDXError(f"{where}: {len(raw)} bytes is too short for an IDX header")
    zero, code, ndim = int.from_bytes(raw[:2], "big"), raw[2], raw[3]
    if zero != 0 or code not in _TYPES:
        raise IDXError(
            f"{where}: bad IDX magic number 0x{raw[:4].hex()} (expected 0x0000 then a type code "
            f"in {sorted(hex(c) for c in _TYPES)} and the number of dimensions)"
        )
    if ndim == 0:
        raise IDXError(f"{where}: IDX header declares 0 dimensions")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IDXError(f"{where}: truncated IDX header ({len(raw)} bytes, {header} needed)")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = _TYPES[code]
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        raise IDXError(
            f"{where}: IDX data of shape {shape} needs {expected} bytes, the file has {len(raw)} "
            f"({'truncated' if len(raw) < expected else 'trailing bytes'})"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))
