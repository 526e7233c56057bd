"""Reader for the IDX format of MNIST and Fashion-MNIST (plain or gzip-compressed).

Layout: two zero bytes, a type code, the number of dimensions, one big-endian
uint32 per dimension, then the values in big-endian C order.

The header is read and checked first; the data is then read with exactly the
bytes the header declares, computed with Python integers (no int64 overflow),
plus one to detect trailing data. A plain file's declared size is compared with
its size on disk before reading; a gzip file's cannot be known in advance, so
its declared size is charged to the load's memory budget
(``shenjing.safety.load_budget``: ``max(min_load_bytes, max_expansion x file size)``)
and, when the caller passes a ``Layout``, checked against the real dataset's
shape and count, before a byte is allocated.
"""

import gzip
import io
import math
import os
import zlib

import numpy as np

from ..safety import charge, load_budget
from ._cache import DatasetFormatError
from ._checks import check_declared
from ._files import open_regular, read_exactly

_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IDXError(DatasetFormatError):
    """A file that is not a well-formed IDX file (a ``DatasetFormatError``, so a ``FormatError``)."""


def _read_header(f, where):
    """``(dtype, shape, header_bytes)`` from the start of an IDX stream."""
    magic = f.read(4)
    if len(magic) < 4:
        raise IDXError(where, f"{len(magic)} bytes is too short for an IDX header")
    zero, code, ndim = int.from_bytes(magic[:2], "big"), magic[2], magic[3]
    if zero != 0 or code not in _TYPES:
        raise IDXError(
            where, f"bad IDX magic number 0x{magic.hex()} (expected 0x0000 then a type code "
                   f"in {sorted(hex(c) for c in _TYPES)} and the number of dimensions)")
    if ndim == 0:
        raise IDXError(where, "IDX header declares 0 dimensions")
    dims = f.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise IDXError(where, f"truncated IDX header ({4 + len(dims)} bytes, {4 + 4 * ndim} needed)")
    shape = tuple(int.from_bytes(dims[4 * i: 4 * i + 4], "big") for i in range(ndim))
    return _TYPES[code], shape, 4 + 4 * ndim


def _read_body(f, dtype, shape, header, where, file_size=None):
    nbytes = math.prod(shape) * dtype.itemsize  # Python ints: 2**32-1 per dimension cannot overflow
    if file_size is not None and file_size != header + nbytes:
        raise IDXError(
            where, f"IDX data of shape {shape} needs {header + nbytes} bytes, the file has {file_size} "
                   f"({'truncated' if file_size < header + nbytes else 'trailing bytes'})")
    charge(nbytes, f"IDX data of shape {shape} ({dtype.name})")
    raw, at_end = read_exactly(f, nbytes)
    if len(raw) < nbytes:
        raise IDXError(where, f"IDX data of shape {shape} needs {header + nbytes} bytes, the file has "
                              f"{header + len(raw)} (truncated)")
    if not at_end:
        raise IDXError(where, f"IDX data of shape {shape} needs {header + nbytes} bytes, the file "
                              f"has more (trailing bytes)")
    data = np.frombuffer(raw, dtype=dtype).reshape(shape)
    return data if dtype.isnative or dtype.itemsize == 1 else data.astype(dtype.newbyteorder("="))


def read_idx(path, layout=None):
    """The array stored in the IDX file at ``path`` (``.gz`` is decompressed).

    ``layout`` (a ``_checks.Layout``), if given, is what the array must be: its
    dtype, item shape and largest count, checked from the header before reading.
    """
    path = os.fspath(path)
    with open_regular(path, "an IDX file", IDXError) as raw_file:
        file_size = os.fstat(raw_file.fileno()).st_size
        with load_budget(path, file_size):
            try:
                if path.endswith(".gz"):
                    with gzip.GzipFile(fileobj=raw_file, mode="rb") as f:
                        return _read(f, path, layout, None)
                return _read(raw_file, path, layout, file_size)
            except (OSError, EOFError, zlib.error) as e:  # gzip: truncated or corrupted stream
                raise IDXError(path, f"cannot read IDX data ({e})") from None


def _read(f, where, layout, file_size):
    dtype, shape, header = _read_header(f, where)
    if layout is not None:
        check_declared(dtype, shape, layout, where, "IDX header", IDXError)
    return _read_body(f, dtype, shape, header, where, file_size)


def parse_idx(raw, where="<bytes>"):
    """Decode IDX bytes, checking magic number, dimensions and length."""
    return _read(io.BytesIO(raw), where, None, len(raw))
