"""``sample_from_datasets`` and ``choose_from_datasets``: one stream drawn from several datasets.

sample: each next element comes from ``datasets[i]`` with probability ``weights[i] / sum(weights)``
(uniform without weights), the draws seeded as ``shuffle``'s (``seed``, or ``backend.rng()`` per
pass when ``rerandomize_each_iteration``). choose: the k-th element comes from
``datasets[choice[k]]``, ``choice`` a dataset of integer scalars. When a chosen dataset is
exhausted: ``stop_on_empty_dataset=True`` ends the stream; False drops that dataset (sample then
renormalizes the other weights). Defaults as TF: False for sample, True for choose.
"""

import numpy as np

from . import cardinality as card
from .combine import _check_compatible
from .dataset import Dataset, check_dataset
from .shuffle import PassSeeds, _uniforms
from .structure import check_int, merge_specs
from ..backend.tree import map_structure


class _DirectedInterleaveDataset(Dataset):
    """Elements of ``datasets`` in the order of the indices ``_indices(live)`` yields."""

    def __init__(self, datasets, stop_on_empty_dataset):
        if isinstance(datasets, Dataset) or not datasets:
            raise TypeError("Expected `datasets` to be a non-empty list of shenjing.data.Dataset. "
                            f"Received: datasets={datasets!r}")
        self._inputs = [check_dataset(d, f"datasets[{i}]") for i, d in enumerate(datasets)]
        specs = [d._spec() for d in self._inputs]
        for spec in specs[1:]:
            if spec is not None and specs[0] is not None:
                _check_compatible(specs[0], spec)
        self._stop = bool(stop_on_empty_dataset)

    def _iterate(self):
        iterators = [d._iterate() for d in self._inputs]
        live = [True] * len(iterators)
        for index in self._indices(live):
            try:
                yield next(iterators[index])
            except StopIteration:
                if self._stop:
                    return
                live[index] = False

    def _drawn(self):
        """The inputs elements can come from (sample: those of positive weight, as TF skips
        the others)."""
        return self._inputs

    def _cardinality(self):
        counts = [d._cardinality() for d in self._drawn()]
        if all(n == card.INFINITE_CARDINALITY for n in counts):
            return card.INFINITE_CARDINALITY
        if not self._stop and card.INFINITE_CARDINALITY in counts:
            return card.INFINITE_CARDINALITY
        if not self._stop and all(card.known(n) for n in counts):
            return sum(counts)
        return card.UNKNOWN_CARDINALITY

    def _spec(self):
        specs = [d._spec() for d in self._inputs]
        if any(s is None for s in specs):
            return None
        merged = specs[0]
        for spec in specs[1:]:
            merged = map_structure(merge_specs, merged, spec)
        return merged


class SampleFromDatasets(_DirectedInterleaveDataset):
    def __init__(self, datasets, weights, seed, stop_on_empty_dataset, rerandomize_each_iteration):
        super().__init__(datasets, stop_on_empty_dataset)
        n = len(self._inputs)
        if isinstance(weights, Dataset):
            raise NotImplementedError("sample_from_datasets(weights=<a Dataset>) is not supported; "
                                      "expected a list of floats")
        weights = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
        if weights.shape != (n,) or not np.all(np.isfinite(weights)) or np.any(weights < 0) \
                or weights.sum() <= 0:
            raise ValueError(f"Expected `weights` to be {n} non-negative floats, not all zero, one "
                             f"per dataset. Received: weights={weights.tolist()!r}")
        self._weights = weights
        seed = None if seed is None else check_int(seed, "seed", minimum=0)
        self._seeds = PassSeeds(seed, bool(rerandomize_each_iteration))

    def _drawn(self):
        return [d for d, w in zip(self._inputs, self._weights) if w > 0]

    def _indices(self, live):
        uniforms = _uniforms(self._seeds.rng())
        while True:
            cumulative = np.cumsum(np.where(live, self._weights, 0.0))
            if cumulative[-1] <= 0:
                return
            u = next(uniforms) * cumulative[-1]
            yield min(int(np.searchsorted(cumulative, u, side="right")), len(live) - 1)


class ChooseFromDatasets(_DirectedInterleaveDataset):
    def __init__(self, datasets, choice_dataset, stop_on_empty_dataset):
        super().__init__(datasets, stop_on_empty_dataset)
        self._choice = check_dataset(choice_dataset, "choice_dataset")

    def _indices(self, live):
        for value in self._choice._iterate():
            index = check_int(value, "an element of `choice_dataset`", minimum=0)
            if index >= len(live):
                raise ValueError(f"Expected the elements of `choice_dataset` to be in [0, "
                                 f"{len(live)}). Received: {index}")
            if live[index]:
                yield index

    def _cardinality(self):
        return card.UNKNOWN_CARDINALITY
