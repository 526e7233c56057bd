"""``atomic_write``: the one way shenjing puts a file in place.

The bytes go to a temporary file ``.<name>.<random>.tmp`` in the target's directory,
are flushed to disk (``fsync``), and the temporary file is renamed over the target
(``os.replace``, atomic on POSIX and Windows). A failure or a kill at any moment leaves
either the old file or the new one, never a mix, and no temporary file behind after an
error. The contract, for ``.keras``, ``.weights.h5``, ``.safetensors`` and every other
file shenjing saves:

- **Permissions.** A file being replaced keeps its mode (a ``0600`` model stays ``0600``)
  and, where the OS lets us (as root, or a group we belong to), its owner and group.
  A new file gets ``0o666 & ~umask``, as ``open(path, "w")`` would give it.
- **Symbolic links** are written *through*, as ``open(path, "w")`` would: the link is
  resolved (``os.path.realpath``), the temporary file is made next to the link's target
  and replaces the target; the link stays a link and now shows the new bytes. A dangling
  link is written to its target if the target's folder exists, else it is an error
  (``FileNotFoundError`` naming the link and the target); a loop of links is an error
  too. Hard links are not written through: the name saved to gets a new file (the
  atomic replace cannot change the shared inode), the other names keep the old bytes.
- **Leftovers.** A save killed before its rename leaves its temporary file. The next
  ``atomic_write`` of the same name removes such temporaries when they are named exactly
  as ``mkstemp`` names them, owned by the current user, and last written before the
  current process started and more than ``STALE_AFTER`` (15 minutes) ago: a save still
  running elsewhere (a slow ``fsync``, a clock behind ours) or someone else's file is
  never touched.
"""

import errno
import os
import stat
import tempfile
import threading

from ..safety.files import is_mkstemp_name, process_start_time, remove_stale  # noqa: F401

_UMASK_LOCK = threading.Lock()
STALE_AFTER = 15 * 60  # seconds since a temporary's last write before it may be a leftover


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


def is_temporary_of(name, basename):
    """Whether ``name`` is a temporary file that ``atomic_write`` made for ``basename``."""
    return is_mkstemp_name(name, f".{basename}.", ".tmp")


def remove_stale_temporaries(directory, basename):
    """Remove the temporaries of ``basename`` in ``directory`` that a killed save left (see
    ``shenjing.safety.files.remove_stale``); returns the names removed."""
    return remove_stale(directory, f".{basename}.", ".tmp", STALE_AFTER)


def resolve_target(filepath):
    """The file that writing ``filepath`` changes: the path itself, or the final target of a
    symbolic link. Raises a clear ``OSError`` when there is nowhere to write."""
    path = os.path.abspath(filepath)
    target = os.path.realpath(path)
    if os.path.islink(target):
        raise OSError(errno.ELOOP, f"Cannot write '{filepath}': its symbolic links form a loop "
                                   f"(at '{target}')", filepath)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        via = f" (a symbolic link to '{target}')" if target != path else ""
        raise FileNotFoundError(errno.ENOENT, f"Cannot write '{filepath}'{via}: the folder "
                                              f"'{folder}' does not exist", filepath)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, f"Cannot write '{filepath}': it is a directory",
                                filepath)
    if os.path.exists(target) and not os.path.isfile(target):
        via = f" (a symbolic link to '{target}')" if target != path else ""
        raise OSError(errno.EINVAL, f"Cannot write '{filepath}'{via}: it is not a regular file "
                                    "(a device, a FIFO or a socket would be replaced by a file)",
                      filepath)
    return target


def _sync_folder(directory):
    """Flush the folder's entry for the renamed file to disk (POSIX), so that after a power
    loss the new file, not the old one, is there; a no-op where folders cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _copy_owner_and_mode(tmp, target):
    try:  # a file being replaced keeps its owner (where allowed) and its permissions
        old = os.stat(target)
    except FileNotFoundError:
        os.chmod(tmp, 0o666 & ~current_umask())
        return
    new = os.stat(tmp)
    if hasattr(os, "chown") and (new.st_uid, new.st_gid) != (old.st_uid, old.st_gid):
        for uid, gid in ((old.st_uid, old.st_gid), (-1, old.st_gid)):  # else at least the group
            try:
                os.chown(tmp, uid, gid)
                break
            except OSError:  # PermissionError: not ours to give away
                continue
    os.chmod(tmp, stat.S_IMODE(old.st_mode))  # after chown, which may clear set-id bits


def atomic_write(filepath, data):
    """Write ``data`` (bytes, or str as UTF-8) to ``filepath`` atomically (see the module
    docstring: permissions kept, symbolic links written through, stale temporaries removed)."""
    filepath = os.fspath(filepath)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"Expected bytes or str to write to {filepath}. "
                        f"Received: data of type {type(data).__name__}")
    target = resolve_target(filepath)
    directory, basename = os.path.split(target)
    remove_stale_temporaries(directory, basename)
    fd, tmp = tempfile.mkstemp(prefix=f".{basename}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        _copy_owner_and_mode(tmp, target)
        os.replace(tmp, target)
        _sync_folder(directory)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
