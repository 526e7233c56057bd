"""The simple transformations: filter, repeat, take, skip and enumerate."""

import itertools

import numpy as np

from . import cardinality as card
from .dataset import InputDataset, check_count
from .structure import TensorSpec, call_unpacked, check_int


class FilterDataset(InputDataset):
    """The elements whose ``predicate(element)`` is a scalar True (tuples unpacked)."""

    def __init__(self, dataset, predicate):
        if not callable(predicate):
            raise TypeError(f"Expected `predicate` to be callable. Received: predicate={predicate!r}")
        self._input, self._predicate = dataset, predicate

    def _keep(self, element):
        result = call_unpacked(self._predicate, element)
        if hasattr(result, "numpy") and callable(result.numpy):
            result = result.numpy()
        array = np.asarray(result)
        if array.shape != () or array.dtype != np.bool_:
            raise TypeError("Expected `predicate` to return a scalar boolean. Received: "
                            f"{result!r} (shape={array.shape}, dtype={array.dtype}) from "
                            f"{getattr(self._predicate, '__name__', self._predicate)!r}")
        return bool(array)

    def _iterate(self):
        for element in self._input._iterate():
            if self._keep(element):
                yield element

    def _cardinality(self):
        return card.UNKNOWN_CARDINALITY  # even after repeat(): TF's documented answer


class RepeatDataset(InputDataset):
    """The input ``count`` times; forever for None/-1 (but an empty input stays empty)."""

    def __init__(self, dataset, count):
        self._input = dataset
        self._count = -1 if count is None else check_count(count, "count")

    def _iterate(self):
        done = 0
        while self._count < 0 or done < self._count:
            produced = False
            for element in self._input._iterate():
                produced = True
                yield element
            if not produced:  # an empty pass: repeating it forever would spin forever
                return
            done += 1

    def _cardinality(self):
        return card.repeat(self._input._cardinality(), self._count)


class TakeDataset(InputDataset):
    """The first ``count`` elements; the input is not read past them."""

    def __init__(self, dataset, count):
        self._input, self._count = dataset, check_count(count, "count")

    def _iterate(self):
        if self._count < 0:
            yield from self._input._iterate()
        else:
            yield from itertools.islice(self._input._iterate(), self._count)  # reads no element past them

    def _cardinality(self):
        return card.take(self._input._cardinality(), self._count)


class SkipDataset(InputDataset):
    """All elements after the first ``count``; ``count=-1`` skips everything."""

    def __init__(self, dataset, count):
        self._input, self._count = dataset, check_count(count, "count")

    def _iterate(self):
        if self._count < 0:
            if self._input._cardinality() == card.INFINITE_CARDINALITY:
                raise ValueError("skip(-1) of an infinite dataset would never end. Expected a "
                                 "finite dataset or a count >= 0. Received: count=-1")
            for _ in self._input._iterate():
                pass
            return
        yield from itertools.islice(self._input._iterate(), self._count, None)

    def _cardinality(self):
        return card.skip(self._input._cardinality(), self._count)


class EnumerateDataset(InputDataset):
    """``(np.int64(start + i), element)`` for the i-th element."""

    def __init__(self, dataset, start):
        self._input, self._start = dataset, check_int(start, "start")

    def _iterate(self):
        for i, element in enumerate(self._input._iterate(), self._start):
            yield np.int64(i), element

    def _spec(self):
        spec = self._input._spec()
        return None if spec is None else (TensorSpec((), np.int64), spec)
