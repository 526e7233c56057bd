"""``cache``: the elements of the first complete pass kept in memory for the later passes.

A pass that stops early (``take``, a ``break``) stores nothing, so a later pass reads the input
again; the first pass to finish stores its elements. Only the in-memory cache exists here:
TF's ``cache(filename)`` writes files, which shenjing.data does not (a ValueError says so).
Elements are shared between passes, so they must not be edited in place.
"""

import threading

from .dataset import InputDataset


class CacheDataset(InputDataset):
    """The input, read once and then replayed from memory."""

    def __init__(self, dataset, filename):
        if not isinstance(filename, str):
            raise TypeError(f"Expected `filename` to be a str. Received: filename={filename!r}")
        if filename:
            raise ValueError("shenjing.data caches in memory only: cache(filename) (a cache on "
                             "disk) is not supported. Expected filename=''. Received: "
                             f"filename={filename!r}")
        self._input = dataset
        self._elements = None
        self._lock = threading.Lock()

    def _iterate(self):
        with self._lock:
            elements = self._elements
        if elements is not None:
            yield from elements
            return
        seen = []
        for element in self._input._iterate():
            seen.append(element)
            yield element
        with self._lock:
            if self._elements is None:
                self._elements = tuple(seen)
