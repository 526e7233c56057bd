"""Datasets from several: zip, concatenate; and reduce, a dataset folded into one value."""

from ..backend.tree import assert_same_structure, flatten, map_structure, pack_sequence_as
from . import cardinality as card
from .dataset import Dataset
from .plan import Plan, StructureMismatch
from .structure import describe, merge_specs, to_element, tupled


class ZipDataset(Dataset):
    """Elements side by side in the datasets' structure; stops at the shortest."""

    def __init__(self, datasets):
        self._structure = tupled(datasets)
        self._inputs = flatten(self._structure)
        for item in self._inputs:
            if not isinstance(item, Dataset):
                raise TypeError("Expected Dataset.zip() to receive a (nested) tuple or dict of "
                                f"shenjing.data.Dataset. Received: {item!r} of type "
                                f"{type(item).__name__} in {datasets!r}")

    def _iterate(self):
        plan = Plan(self._structure)
        iterators = [d._iterate() for d in self._inputs]
        while True:
            row = []
            for iterator in iterators:
                try:
                    row.append(next(iterator))
                except StopIteration:
                    return
            yield plan.pack(row)

    def _cardinality(self):
        return card.zip_([d._cardinality() for d in self._inputs])

    def _spec(self):
        specs = [d._spec() for d in self._inputs]
        if any(s is None for s in specs):
            return None
        return pack_sequence_as(self._structure, specs)


class ConcatenateDataset(Dataset):
    """The first dataset's elements, then the second's; structures and dtypes must agree."""

    def __init__(self, first, second):
        if not isinstance(second, Dataset):
            raise TypeError("Expected `dataset` to be a shenjing.data.Dataset. Received: "
                            f"dataset={second!r} of type {type(second).__name__}")
        self._first, self._second = first, second
        a, b = first._spec(), second._spec()
        if a is not None and b is not None:
            _check_compatible(a, b)

    def _iterate(self):
        reference = None
        for element in self._first._iterate():
            reference = reference if reference is not None else element
            yield element
        plan = None if reference is None else Plan(reference)
        for element in self._second._iterate():
            if plan is not None:
                try:
                    plan.flatten(element)
                except StructureMismatch:
                    raise TypeError("Two datasets to be concatenated must have the same element "
                                    f"structure. Received: {describe(reference)} and "
                                    f"{describe(element)}") from None
            yield element

    def _cardinality(self):
        return card.concatenate(self._first._cardinality(), self._second._cardinality())

    def _spec(self):
        a, b = self._first._spec(), self._second._spec()
        if a is None or b is None:
            return None
        return map_structure(merge_specs, a, b)  # dict leaves paired by key


def _check_compatible(a, b):
    try:  # map_structure checks the structures (and pairs dict leaves by key)
        same_dtypes = flatten(map_structure(lambda x, y: x.dtype == y.dtype, a, b))
    except ValueError as error:
        raise TypeError("Two datasets to be concatenated must have the same element structure. "
                        f"Received: {a} and {b}") from error
    if not all(same_dtypes):
        raise TypeError("Two datasets to be concatenated must have the same dtypes. "
                        f"Received: {a} and {b}")


def reduce_dataset(dataset, initial_state, reduce_func):
    """``state = reduce_func(state, element)`` for every element; the final state, as arrays."""
    if not callable(reduce_func):
        raise TypeError(f"Expected `reduce_func` to be callable. Received: {reduce_func!r}")
    if dataset._cardinality() == card.INFINITE_CARDINALITY:
        raise ValueError("Dataset.reduce() of an infinite dataset would never end. Expected a "
                         "finite dataset (use take(n) first)")
    state = to_element(initial_state, "`initial_state` of Dataset.reduce()", lists="tuple")
    for element in dataset:
        new_state = to_element(reduce_func(state, element),
                               "the value returned by `reduce_func`", lists="tuple")
        try:
            assert_same_structure(state, new_state)
        except ValueError as error:
            raise TypeError("Expected `reduce_func` to return a state with the structure of "
                            f"`initial_state`. Received: {describe(new_state)} for the state "
                            f"{describe(state)}") from error
        state = new_state
    return state

