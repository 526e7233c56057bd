"""``atomic_write``: the one way shenjing puts a file in place.

The bytes go to a temporary file in the target's directory, are flushed to disk
(``fsync``), and the temporary file is renamed over the target (``os.replace``,
atomic on POSIX and Windows). A failure or a kill at any moment leaves either the
old file or the new one, never a mix, and no temporary file behind after an error.
"""

import os
import tempfile


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
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
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
