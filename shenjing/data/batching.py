"""``batch`` (consecutive elements stacked leaf by leaf) and ``unbatch`` (the inverse).

A batch of ``b`` elements has, for each leaf, the array ``np.stack`` of the ``b`` leaves: shape
``(b,) + leaf.shape``. Every element of a batch must have the same structure, shapes and
dtypes (a ragged leaf is an error naming the shapes; TF's ``padded_batch`` is not provided).
"""

import numpy as np

from ..backend.tree import map_structure
from . import cardinality as card, sources
from .dataset import Dataset
from .mapping import check_deterministic, ordered_map, parallelism
from .plan import Plan, StructureMismatch
from .structure import TensorSpec, check_int, describe


def _groups(iterable, size, drop_remainder):
    group = []
    for element in iterable:
        group.append(element)
        if len(group) == size:
            yield group
            group = []
    if group and not drop_remainder:
        yield group


def stack(elements):
    """One batch from a list of elements of the same structure, shapes and dtypes."""
    first = elements[0]
    plan = Plan(first)
    columns = []
    for i, element in enumerate(elements):
        try:
            columns.append(plan.flatten(element))
        except StructureMismatch:
            raise ValueError("Cannot batch elements of different structures: element 0 is "
                             f"{describe(first)} and element {i} is {describe(element)}") from None
    leaves = []
    for component, values in enumerate(zip(*columns)):
        dtype = values[0].dtype
        for i, value in enumerate(values):
            # Strings of different lengths are one TF dtype (tf.string): NumPy widens them.
            if value.dtype != dtype and not (value.dtype.kind == dtype.kind and dtype.kind in "SU"):
                raise ValueError(f"Cannot batch tensors with different dtypes in component "
                                 f"{component}. First element had dtype {dtype} and element {i} "
                                 f"had dtype {value.dtype}.")
        try:
            leaves.append(np.stack(values))
        except ValueError:
            shape = np.shape(values[0])
            i = next(i for i, v in enumerate(values) if np.shape(v) != shape)
            raise ValueError(f"Cannot batch tensors with different shapes in component "
                             f"{component}. First element had shape {shape} and element {i} "
                             f"had shape {np.shape(values[i])}.") from None
    return plan.pack(leaves)


class BatchDataset(Dataset):
    """Batches of ``batch_size`` elements; the last one smaller unless ``drop_remainder``."""

    def __init__(self, dataset, batch_size, drop_remainder, num_parallel_calls, deterministic):
        self._input = dataset
        self._size = check_int(batch_size, "batch_size", minimum=1)
        if not isinstance(drop_remainder, (bool, np.bool_)):
            raise TypeError("Expected `drop_remainder` to be a bool. Received: "
                            f"drop_remainder={drop_remainder!r}")
        self._drop = bool(drop_remainder)
        self._workers = parallelism(num_parallel_calls)
        self._deterministic = check_deterministic(deterministic)

    def _iterate(self):
        if type(self._input) is sources.TensorSlicesDataset:  # slice the arrays directly
            return self._input.batches(self._size, self._drop)
        groups = _groups(self._input._iterate(), self._size, self._drop)
        return ordered_map(groups, stack, self._workers, "shenjing-data-batch")

    def _cardinality(self):
        return card.batch(self._input._cardinality(), self._size, self._drop)

    def _spec(self):
        spec = self._input._spec()
        if spec is None:
            return None
        size = self._size if self._drop else None  # as TF: unknown unless the rest is dropped
        return map_structure(
            lambda s: TensorSpec(None if s.shape is None else (size,) + s.shape, s.dtype), spec)


class UnbatchDataset(Dataset):
    """Each element's rows: leaf ``k`` of output ``i`` is ``leaf_k[i]``."""

    def __init__(self, dataset):
        self._input = dataset

    def _iterate(self):
        plan = None
        for element in self._input._iterate():
            try:
                leaves = plan.flatten(element)
            except (AttributeError, StructureMismatch):  # the first element, or a new nesting
                plan = Plan(element)
                leaves = plan.flatten(element)
            shapes = [np.shape(leaf) for leaf in leaves]
            if any(len(s) == 0 for s in shapes) or len({s[0] for s in shapes}) > 1:
                raise ValueError("unbatch() expected every component of an element to have the "
                                 "same leading (batch) dimension. Received: "
                                 f"{describe(element)}")
            arrays = [np.asarray(leaf) for leaf in leaves]
            for i in range(shapes[0][0] if shapes else 0):
                yield plan.pack([a[i] for a in arrays])

    def _cardinality(self):
        n = self._input._cardinality()
        return n if n == card.INFINITE_CARDINALITY else card.UNKNOWN_CARDINALITY

    def _spec(self):
        spec = self._input._spec()
        if spec is None:
            return None
        return map_structure(
            lambda s: TensorSpec(None if s.shape is None else s.shape[1:], s.dtype), spec)
