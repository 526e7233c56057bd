"""Opening and reading a dataset file without trusting it.

``open_regular(path)`` is ``shenjing.safety.files.open_regular`` (a regular file only,
checked on the open descriptor; a FIFO cannot block) raising the loader's
``DatasetFormatError`` for a FIFO, a device or a socket. Symbolic links are followed,
as ``open`` does: a cache entry may link to the user's own copy.

``read_exactly(f, n)`` reads ``n`` bytes into a writable buffer, allocating
exactly ``n`` bytes (never more, whatever the stream holds), and says whether
the stream ends there, so a reader can refuse truncated and trailing data alike.
"""

from ..safety.files import open_regular as _open_regular
from ._cache import DatasetFormatError

_STEP = 1 << 20


def open_regular(path, what="a dataset file", error=DatasetFormatError):
    """``shenjing.safety.files.open_regular`` raising the loader's ``DatasetFormatError``."""
    return _open_regular(path, what, error)


def read_exactly(f, nbytes):
    """``(buffer, at_end)``: a bytearray of up to ``nbytes`` bytes read from ``f`` (shorter
    only if the stream ended first), and whether the stream has nothing after them."""
    buffer = bytearray(nbytes)
    view = memoryview(buffer)
    filled = 0
    while filled < nbytes:  # in steps, so that a reader's own readinto never copies more than _STEP
        got = f.readinto(view[filled:filled + _STEP])
        if not got:
            break
        filled += got
    view.release()
    if filled < nbytes:
        del buffer[filled:]
        return buffer, True
    return buffer, not f.read(1)
