"""Files a reader opens and leftovers a writer cleans, without trusting the folder.

``open_regular(path)`` opens only a regular file: it opens with ``O_NONBLOCK`` (so that
opening a FIFO cannot block) and checks the open descriptor with ``fstat`` (so a file
swapped after a check is caught too): a folder is ``IsADirectoryError``, a FIFO, socket or
device (``/dev/zero`` never ends) is ``FormatError``. Symbolic links are followed, as
``open`` does. ``check_regular_file(path)`` is the same check for readers that must hand
a path to a library (h5py, zipfile).

``remove_stale(folder, prefix, suffix, grace)`` removes what a killed writer left:
files named exactly as ``tempfile.mkstemp(prefix=..., suffix=...)`` names them, regular
(not links), owned by the current user, and last written before this process started
*and* more than ``grace`` seconds ago, so that a write still running in another
process (a slow ``fsync``, a clock behind ours) is never touched.
"""

import os
import re
import stat
import time

from .errors import FormatError

_IMPORTED = time.time()
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_MKSTEMP_NAME = "[a-z0-9_]{8}"  # tempfile's names: 8 characters of this alphabet


def kind_of(mode):
    """``'a FIFO (named pipe)'``, ``'a character device'``, ... for a non-regular ``st_mode``."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path, what="a file", error=FormatError):
    """A binary file object for the regular file at ``path``; ``IsADirectoryError`` for a
    folder, ``error(path, reason)`` for any other kind of file, ``FileNotFoundError`` or
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
            raise error(path, f"expected {what} (a regular file), found {kind_of(mode)}; "
                              "refusing to read it (it could block or never end)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def check_regular_file(path, what="a file"):
    """``path`` (as a str) when it names a regular file; raises as ``open_regular`` does."""
    open_regular(path, what).close()
    return os.fspath(path)


def process_start_time():
    """When this process started (seconds since the epoch), from /proc on Linux; elsewhere
    the time this module was imported (later than the start: only fewer files look stale)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22 of stat(5): starttime, in clock ticks after boot
        with open("/proc/stat", encoding="ascii") as f:
            boot = next(int(line.split()[1]) for line in f if line.startswith("btime "))
        # btime is truncated to whole seconds, so this is at most a second early: never late
        return min(boot + ticks / os.sysconf("SC_CLK_TCK"), _IMPORTED)
    except (OSError, ValueError, IndexError, StopIteration, AttributeError):
        return _IMPORTED


def is_mkstemp_name(name, prefix, suffix):
    """Whether ``name`` is one that ``tempfile.mkstemp(prefix=prefix, suffix=suffix)`` makes."""
    return re.fullmatch(re.escape(prefix) + _MKSTEMP_NAME + re.escape(suffix), name) is not None


def remove_stale(folder, prefix, suffix, grace):
    """Remove ``folder``'s leftovers of ``mkstemp(prefix, suffix)`` (see the module docstring);
    returns the names removed. A file that cannot be examined or removed is left alone."""
    cutoff = min(process_start_time(), time.time() - grace)
    uid = os.getuid() if hasattr(os, "getuid") else None
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not is_mkstemp_name(entry.name, prefix, suffix):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if (stat.S_ISREG(info.st_mode) and (uid is None or info.st_uid == uid)
                    and info.st_mtime < cutoff):
                os.remove(entry.path)
                removed.append(entry.name)
        except OSError:  # gone meanwhile, or not ours to remove
            continue
    return removed
