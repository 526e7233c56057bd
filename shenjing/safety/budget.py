"""The memory budget of one load: what a file may make shenjing materialize.

A load opens a budget for its file (``with load_budget(path):``); every reader step
that turns stored bytes into memory (a decompressed zip entry, an HDF5 dataset, a
variable built from a config, an array from an npz) calls ``charge(nbytes, what)``
first. The total may reach

    allowed = max(min_load_bytes, max_expansion * size of the file on disk)

so that a small file cannot declare a large allocation (a decompression bomb, a
shape bomb, a config declaring huge layers) while a real file of any size loads.
Outside a load, ``charge`` does nothing: a model the user builds in code is theirs.
"""

import contextlib
import contextvars
import os

from .errors import ResourceLimitError
from .limits import LIMITS, get_limit

_CURRENT = contextvars.ContextVar("shenjing_load_budget", default=None)


class LoadBudget:
    """The running total of bytes materialized from the file at ``path``."""

    def __init__(self, path, file_bytes=None):
        self.path = None if path is None else os.fspath(path)
        if file_bytes is None:
            file_bytes = os.path.getsize(self.path)
        self.file_bytes = int(file_bytes)
        self.allowed = max(get_limit("min_load_bytes"),
                           get_limit("max_expansion") * self.file_bytes)
        self.used = 0

    def charge(self, nbytes, what):
        """Count ``nbytes`` for ``what``; raise ResourceLimitError before the total passes
        ``allowed``."""
        nbytes = int(nbytes)
        if nbytes < 0:
            raise ResourceLimitError(self.path, f"{what} declares a negative size ({nbytes})")
        if self.used + nbytes > self.allowed:
            expansion, floor = LIMITS["max_expansion"], LIMITS["min_load_bytes"]
            raise ResourceLimitError(
                self.path,
                f"{what} needs {nbytes} bytes, which would bring this load to {self.used + nbytes} "
                f"bytes from a file of {self.file_bytes}; the limit is {self.allowed} "
                f"(max({floor.name}, {expansion.name} x file size)); set ${expansion.env} or "
                f"${floor.env} to raise it if you trust this file")
        self.used += nbytes


@contextlib.contextmanager
def load_budget(path, file_bytes=None):
    """Open a budget for loading ``path``; a load nested inside (a ``.keras`` file's weights)
    shares the outer one."""
    outer = _CURRENT.get()
    if outer is not None:
        yield outer
        return
    budget = LoadBudget(path, file_bytes)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def current_budget():
    """The budget of the load in progress in this context, or None."""
    return _CURRENT.get()


def charge(nbytes, what):
    """Charge the current load's budget (no-op outside a load)."""
    budget = _CURRENT.get()
    if budget is not None:
        budget.charge(nbytes, what)
