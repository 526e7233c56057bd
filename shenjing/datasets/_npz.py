"""Reading named arrays of a known layout from an ``.npz`` archive without trusting it.

``np.load`` on an npz allocates whatever each member's ``.npy`` header declares:
a cached ``mnist.npz`` declaring 10**12 images is a MemoryError, and a 500 KB
archive of deflated zeros becomes 500 MB. Here, for each expected member:

1. the archive must hold each name once (no duplicate entries, which ``unzip``
   and ``np.load`` would resolve differently), stored or deflated;
2. the ``.npy`` header (format 1.0 or 2.0, read with ``numpy.lib.format``) must
   declare the expected dtype and item shape and at most the real count
   (``_checks.check_declared``), and the member's size in the zip directory must be
   that header plus exactly the declared data: no more than deflate can expand
   from its compressed size (1032:1);
3. the data bytes are charged to the load's memory budget, then read with a
   bounded read of exactly that many bytes (plus one, to detect trailing data),
   which also checks the CRC.

No pickled object is ever loaded: the dtype must be the expected plain one.
"""

import os
import zipfile
import zlib

import numpy as np

from ..safety import FormatError, charge, load_budget
from ..safety.zips import ZIP_ERRORS, refuse_duplicate_members
from ._cache import DatasetFormatError
from ._checks import check_declared
from ._files import open_regular, read_exactly

DEFLATE_MAX_RATIO = 1032  # deflate cannot expand more than this (RFC 1951: 258 bytes per 2 bits, roughly)
_ENTRY_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError)  # a damaged entry, a bad CRC


def _member(archive, key, path):
    infos = [info for info in archive.infolist() if info.filename in (key + ".npy", key)]
    if not infos:
        return None
    if len(infos) > 1:
        raise DatasetFormatError(path, f"the archive holds {len(infos)} entries for the array {key!r} "
                                       f"({[i.filename for i in infos]}); expected one")
    info = infos[0]
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise DatasetFormatError(path, f"{info.filename}: expected a stored or deflated entry, found "
                                       f"compression method {info.compress_type}")
    return info


def _npy_header(f, name, path):
    """``(shape, fortran_order, dtype)`` from a member's .npy header (format 1.0 or 2.0)."""
    try:
        version = np.lib.format.read_magic(f)
        if version not in ((1, 0), (2, 0)):
            raise DatasetFormatError(path, f"{name}: .npy format version {version} (expected 1.0 or 2.0)")
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        return read(f)
    except (FormatError,) + _ENTRY_ERRORS:  # a damaged zip entry: reported by read_npz
        raise
    except Exception as e:  # NumPy parses the header text with ast/tokenize, whose errors vary
        raise DatasetFormatError(path, f"{name}: not a valid .npy header ({type(e).__name__}: {e})") from None


def _read_member(archive, info, key, layout, path):
    with archive.open(info) as f:
        shape, fortran, dtype = _npy_header(f, info.filename, path)
        header = f.tell() if f.seekable() else None
        nbytes = check_declared(dtype, shape, layout, path, key)
        if header is not None and info.file_size != header + nbytes:
            raise DatasetFormatError(
                path, f"{info.filename}: the zip directory says {info.file_size} bytes, but its .npy "
                      f"header and shape {tuple(shape)} make {header + nbytes}")
        if info.compress_type == zipfile.ZIP_DEFLATED and info.file_size > DEFLATE_MAX_RATIO * info.compress_size + 1024:
            raise DatasetFormatError(
                path, f"{info.filename}: {info.file_size} bytes cannot come from {info.compress_size} "
                      f"deflated bytes (deflate expands at most {DEFLATE_MAX_RATIO}:1)")
        charge(nbytes, f"{info.filename} ({shape_str(shape)} {dtype})")
        raw, at_end = read_exactly(f, nbytes)
        if len(raw) < nbytes or not at_end:
            raise DatasetFormatError(
                path, f"{info.filename}: the data of shape {tuple(shape)} needs {nbytes} bytes, the entry "
                      f"holds {'fewer' if len(raw) < nbytes else 'more'}")
    return np.frombuffer(raw, dtype=dtype).reshape(shape, order="F" if fortran else "C")


def shape_str(shape):
    return "x".join(map(str, shape)) or "scalar"


def read_npz(path, layouts):
    """``{key: array}`` for each ``key`` of ``layouts`` (``{key: _checks.Layout}``), checked
    as the module docstring says; ``DatasetFormatError`` naming ``path`` for anything else."""
    with open_regular(path, "an .npz file") as raw_file:
        with load_budget(path, os.fstat(raw_file.fileno()).st_size):
            try:
                with zipfile.ZipFile(raw_file) as archive:
                    names = [info.filename for info in archive.infolist()]
                    refuse_duplicate_members(archive, path, DatasetFormatError)
                    members = {key: _member(archive, key, path) for key in layouts}
                    missing = [key for key, info in members.items() if info is None]
                    if missing:
                        found = sorted(names)[:10] + (["..."] if len(names) > 10 else [])
                        raise DatasetFormatError(path, f"missing arrays {missing} (found {found})")
                    return {key: _read_member(archive, members[key], key, layouts[key], path) for key in layouts}
            except FormatError:  # ours, or the budget's ResourceLimitError
                raise
            except ZIP_ERRORS as e:  # not a zip, a corrupted entry or header, a bad CRC
                raise DatasetFormatError(path, f"not a readable .npz file ({type(e).__name__}: {e})") from None
