"""Cardinality: how many elements a dataset has, when that is known without running it.

``INFINITE_CARDINALITY = -1`` (``repeat()`` with no count) and ``UNKNOWN_CARDINALITY = -2``
(``filter``, ``from_generator``, ``unbatch``), as in ``tf.data``. The helpers below are the
arithmetic the transformations apply; each keeps ``-1`` and ``-2`` apart from real counts.
"""

import numpy as np

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class Cardinality(int):
    """A plain ``int`` that also answers ``.numpy()``, as TF's scalar tensor does."""

    def numpy(self):
        return np.int64(self)


def known(n):
    return n >= 0


def take(n, count):
    """``take(count)``: all when count is -1, else at most ``count``."""
    if count < 0 or n == UNKNOWN_CARDINALITY:
        return n
    if n == INFINITE_CARDINALITY:
        return count
    return min(n, count)


def skip(n, count):
    """``skip(count)``: none left when count is -1, else ``max(0, n - count)``."""
    if not known(n):
        return n
    return 0 if count < 0 else max(0, n - count)


def repeat(n, count):
    """``repeat(count)``: ``n * count``; forever (-1) unless the input is empty."""
    if count == 0 or n == 0:
        return 0
    if count < 0:
        return INFINITE_CARDINALITY
    return n if not known(n) else n * count


def batch(n, batch_size, drop_remainder):
    """``batch``: ``n // b`` when the remainder is dropped, else ``ceil(n / b)``."""
    if not known(n):
        return n
    return n // batch_size if drop_remainder else -(-n // batch_size)


def zip_(counts):
    """``zip``: the shortest input; unknown if any input is unknown; infinite if all are."""
    result = INFINITE_CARDINALITY
    for n in counts:
        if n == UNKNOWN_CARDINALITY:
            return UNKNOWN_CARDINALITY
        if n != INFINITE_CARDINALITY:
            result = n if result == INFINITE_CARDINALITY else min(result, n)
    return result


def concatenate(a, b):
    """``concatenate``: ``a + b``; infinite wins over unknown, as in TF."""
    if a == INFINITE_CARDINALITY or b == INFINITE_CARDINALITY:
        return INFINITE_CARDINALITY
    if a == UNKNOWN_CARDINALITY or b == UNKNOWN_CARDINALITY:
        return UNKNOWN_CARDINALITY
    return a + b
