"""``atomic_write``: the one way shenjing puts a file in place.

The bytes go to a temporary file in the target's directory, are flushed to disk
(``fsync``), and the temporary file is renamed over the target (``os.replace``,
atomic on POSIX and Windows). A failure or a kill at any moment leaves either the
old file or the new one, never a mix, and no temporary file behind after an error.
"""

import os
import stat
import tempfile
import threading

_UMASK_LOCK = threading.Lock()


def current_umask():
    """The process's umask, read without changing it where the OS allows (Linux's
    /proc/self/status): ``os.umask`` can only be read by setting it, and a file another thread
    creates meanwhile would get the wrong mode."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        umask = os.umask(0o077)  # briefly the strictest mask: nothing is made too open meanwhile
        os.umask(umask)
    return umask


def atomic_write(filepath, data):
    """Write ``data`` (bytes, or str as UTF-8) to ``filepath`` atomically."""
    filepath = os.fspath(filepath)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"Expected bytes or str to write to {filepath}. "
                        f"Received: data of type {type(data).__name__}")
    directory = os.path.dirname(os.path.abspath(filepath))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(filepath)}.", suffix=".tmp",
                               dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:  # a file being replaced keeps its permissions; a new one gets the umask's
            mode = stat.S_IMODE(os.stat(filepath).st_mode)
        except OSError:
            mode = 0o666 & ~current_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, filepath)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


def is_temporary_of(name, basename):
    """Whether ``name`` is a temporary file that ``atomic_write`` made for ``basename``."""
    return name.startswith(f".{basename}.") and name.endswith(".tmp")
