"""The ``assets/`` folder of a ``.keras`` file: files an object writes besides its variables.

Keras 3's contract (``saving_lib._save_state``): each object of the saving walk that has
``save_assets(dir_path)`` writes files into a folder of its own, stored in the zip as
``assets/<object path>/<file>`` (``assets/layers/text_vectorization/vocabulary.txt``);
loading hands ``load_assets(dir_path)`` that folder back (None when the file has none).

Loading never extracts the archive: each object gets a fresh private temporary folder
holding only its own members, whose names are checked first (relative, no ``..``, no
backslash or NUL) and whose bytes go through ``read_entry`` (declared size and compression
ratio checked, charged to the load's budget, plus 1 KiB per member) before anything is
written; the folder is removed as soon as ``load_assets`` returns.
"""

import os
import shutil
import stat
import tempfile

from ..safety import FormatError, charge
from .formats import read_entry
from .state import saveables

ASSETS_DIRNAME = "assets"
# Each member written charges this much besides its bytes (a file made on disk, even if empty:
# a small archive of many empty members must not make thousands of files).
MEMBER_CHARGE = 1024


def _prefix(path):
    return f"{ASSETS_DIRNAME}/{path}/" if path else f"{ASSETS_DIRNAME}/"


def collect_assets(model):
    """[(zip member name, bytes)] of every file the model's objects write in ``save_assets``."""
    entries = []
    for path, obj in saveables(model):
        if not callable(getattr(obj, "save_assets", None)):
            continue
        with tempfile.TemporaryDirectory(prefix="shenjing-assets-") as folder:
            obj.save_assets(folder)
            for root, dirs, files in os.walk(folder):
                dirs.sort()
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if not stat.S_ISREG(os.lstat(full).st_mode):
                        raise ValueError(f"{type(obj).__name__} '{getattr(obj, 'name', path)}' "
                                         f"wrote '{name}' in save_assets, which is not a regular "
                                         "file; only regular files are saved")
                    relative = os.path.relpath(full, folder).replace(os.sep, "/")
                    with open(full, "rb") as f:
                        entries.append((_prefix(path) + relative, f.read()))
    return entries


def _checked_relative(name, filepath):
    parts = name.split("/")
    if (not name or name.startswith("/") or "\\" in name or "\x00" in name
            or any(p in ("", ".", "..") for p in parts) or ":" in parts[0]):
        raise FormatError(filepath, f"the asset entry name '{name}' is not a plain relative path "
                                    "inside its folder; this file is refused")
    return parts


def _owner(name, paths):
    """The deepest object path in ``paths`` whose folder holds member ``name`` (or None): its
    folders tried from the deepest up, so the cost is the name's depth, not len(paths)."""
    folders = name[len(ASSETS_DIRNAME) + 1:].split("/")[:-1]
    for depth in range(len(folders), -1, -1):
        path = "/".join(folders[:depth])
        if path in paths:
            return path
    return None


def load_assets(model, archive, filepath):
    """Give every object of ``model`` that has ``load_assets`` its members of ``archive``."""
    members = [n for n in archive.namelist()
               if n.startswith(ASSETS_DIRNAME + "/") and not n.endswith("/")]
    walked = [(path, obj) for path, obj in saveables(model)
              if callable(getattr(obj, "load_assets", None))]
    if not walked:
        return
    all_paths = {path for path, _ in saveables(model)}
    owners = {}
    for name in members:
        owner = _owner(name, all_paths)
        if owner is not None:
            owners.setdefault(owner, []).append(name)
    for path, obj in walked:
        names = owners.get(path, [])
        folder = tempfile.mkdtemp(prefix="shenjing-assets-") if names else None
        try:
            for name in names:
                parts = _checked_relative(name[len(_prefix(path)):], filepath)
                charge(MEMBER_CHARGE, f"asset entry '{name}'")
                data = read_entry(archive, filepath, name)
                _write_member(os.path.join(folder, *parts), data, name, filepath)
                del data
            _load_one(obj, folder, path, filepath)
        finally:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


def _write_member(target, data, name, filepath):
    """Write one member; a name that clashes with another (``a`` and ``a/b``) is refused."""
    try:
        os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        raise FormatError(filepath, f"the asset entry '{name}' clashes with another entry "
                                    "(a file and a folder of the same name); this file is "
                                    "refused") from None
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _load_one(obj, folder, path, filepath):
    """``obj.load_assets(folder)``; a failure is a FormatError naming the file and the object."""
    try:
        obj.load_assets(folder)
    except FormatError:
        raise
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, OSError) as error:
        raise FormatError(filepath, f"cannot load the assets of '{getattr(obj, 'name', path)}' "
                                    f"from '{_prefix(path)}': {type(error).__name__}: "
                                    f"{error}") from error
