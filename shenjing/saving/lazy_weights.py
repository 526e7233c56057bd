"""The lazy view of an open weights file that every reader returns.

``LazyWeights`` is ``{group path: LazyArrays}``; ``LazyArrays`` is ``{key: array}``, and
an array is read from the file (``weights._read(entry)``, the format's own method) only
when a layer's ``load_own_variables`` asks for it, so datasets no layer uses are never
read. Use it as a context manager: the file stays open until the block ends.
``failure`` keeps the first ``FormatError`` a read raised, so that a caller catching
ValueError can still tell a bad file from weights that do not fit the model.
"""

from collections.abc import Mapping

from ..safety import FormatError


class LazyArrays(Mapping):
    """One group's arrays, ``{key: array}``; ``entries`` maps each key to what the format's
    ``_read`` needs to read it."""

    def __init__(self, weights, entries):
        self._weights = weights
        self._entries = entries

    def __getitem__(self, key):
        return self._weights.read(self._entries[key])

    def __iter__(self):
        return iter(self._entries)

    def __len__(self):
        return len(self._entries)

    def entry(self, key):
        """What the walk or the header said of ``key`` (shape, dtype, ...), without reading it."""
        return self._entries[key]


class LazyWeights(Mapping):
    """``{group path: LazyArrays}`` over an open file ``handle`` (closed by ``close``);
    subclasses define ``_read(entry) -> array``."""

    def __init__(self, handle, groups, label):
        self._handle = handle
        self._groups = {path: LazyArrays(self, entries) for path, entries in groups.items()}
        self.label = label
        self.failure = None

    def __getitem__(self, path):
        return self._groups[path]

    def __iter__(self):
        return iter(self._groups)

    def __len__(self):
        return len(self._groups)

    def read(self, entry):
        try:
            return self._read(entry)
        except FormatError as error:
            self.failure = self.failure or error
            raise

    def _read(self, entry):
        raise NotImplementedError(f"{type(self).__name__} must define _read(entry)")

    def close(self):
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
