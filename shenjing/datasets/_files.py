"""Opening and reading a dataset file without trusting it.

``open_regular(path)`` refuses anything but a regular file before reading a byte:
``IsADirectoryError`` for a folder (as ``shenjing.safety.check_regular_file`` says it),
the loader's ``DatasetFormatError`` for a FIFO, a device or a socket: the file is opened with
``O_NONBLOCK`` (so that opening a FIFO cannot block) and checked with ``fstat``
on the open descriptor, so a file swapped after a check is caught too. Symbolic
links are followed, as ``open`` does: a cache entry may link to the user's own copy.

``read_exactly(f, n)`` reads ``n`` bytes into a writable buffer, allocating
exactly ``n`` bytes (never more, whatever the stream holds), and says whether
the stream ends there, so a reader can refuse truncated and trailing data alike.
"""

import os
import stat

from ._cache import DatasetFormatError

_STEP = 1 << 20

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def kind_of(mode):
    """``'a FIFO (named pipe)'``, ``'a character device'``, ... for a non-regular ``st_mode``."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path, what="a dataset file", error=DatasetFormatError):
    """A binary file object for the regular file at ``path``; ``IsADirectoryError`` for a folder,
    ``error`` (a DatasetFormatError) for any other kind of file, ``FileNotFoundError`` or
    ``PermissionError`` (naming ``path``) as ``open`` would. ``what`` names the file in
    messages (``'an IDX file'``)."""
    path = os.fspath(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise IsADirectoryError(f"Expected {what}, received a folder: '{path}'") from None
    except OSError as e:
        raise type(e)(e.errno, f"cannot open {what}: {e.strerror}", path) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(f"Expected {what}, received a folder: '{path}'")
        if not stat.S_ISREG(mode):
            raise error(path, f"expected {what} (a regular file), found {kind_of(mode)}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


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
