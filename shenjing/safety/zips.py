"""What every reader of a zip archive (``.keras``, ``.npz``) checks before trusting it.

``ZIP_ERRORS`` are the exceptions ``zipfile`` and ``zlib`` raise on a damaged archive (a
reader turns them into its ``FormatError``). ``refuse_duplicate_members`` refuses an
archive that holds one name twice, or two names that differ only in case: ``unzip``,
scanners and ``zipfile`` disagree on which one counts, so a file could show a reviewer one
member and load another.
"""

import struct
import zipfile
import zlib

from .errors import FormatError

ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, OSError,
              RuntimeError, ValueError, NotImplementedError, OverflowError, KeyError, struct.error)


def refuse_duplicate_members(archive, path, error=FormatError):
    """Raise ``error(path, reason)`` when two members of ``archive`` share a name, or a name
    but for case."""
    seen = {}
    for name in archive.namelist():
        folded = name.casefold()
        if folded in seen:
            same = ("the same name" if seen[folded] == name
                    else f"the name of '{seen[folded]}' but for case")
            raise error(path, f"the zip has two entries '{name}' ({same}); readers disagree on "
                              "which one counts, so this file is refused")
        seen[folded] = name
