"""``check_regular_file``: a reader opens only regular files.

Opening a FIFO blocks until a writer comes (a hang), and a character device such as
``/dev/zero`` or ``/dev/urandom`` never ends; a directory gives IsADirectoryError deep
inside a library. Each reader calls this first, with the path the user gave.
"""

import os
import stat

from .errors import FormatError


def check_regular_file(path, what="file"):
    """Raise FileNotFoundError when ``path`` does not exist, IsADirectoryError for a folder,
    and FormatError for anything else that is not a regular file (a FIFO, a socket, a device);
    symlinks are followed."""
    path = os.fspath(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"No such {what}: '{path}'") from None
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"Expected a {what}, received a folder: '{path}'")
    if not stat.S_ISREG(mode):
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
        raise FormatError(path, f"expected a regular {what}, found {kind}; refusing to read it "
                                "(it could block or never end)")
    return path
