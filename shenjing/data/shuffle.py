"""``shuffle``: TF's buffered shuffle.

Fill a buffer with the first ``buffer_size`` elements; then, for each further element, emit the
element in a uniformly random slot and put the new element in that slot; at the end, emit the
buffer in random order. Every element comes out exactly once per pass; with ``buffer_size`` at
least the dataset's size the order is a uniform random permutation.

Seeds (as TF): with ``seed``, the orders of successive passes come from a sequence seeded by it,
so a dataset built again with the same seed repeats the same orders. Without ``seed``, each pass
draws its seed from ``shenjing.backend.rng()``, so ``shenjing.random.set_seed`` reproduces them.
``reshuffle_each_iteration=False`` gives every pass the same order.
"""

import threading

import numpy as np

from .. import backend
from .dataset import InputDataset
from .structure import check_int

_SEED_RANGE = 2 ** 63


class ShuffleDataset(InputDataset):
    """The input in a pseudo-random order drawn through a buffer of ``buffer_size`` elements."""

    def __init__(self, dataset, buffer_size, seed, reshuffle_each_iteration):
        self._input = dataset
        self._size = check_int(buffer_size, "buffer_size", minimum=1)
        if seed is not None:
            seed = check_int(seed, "seed", minimum=0)
        if reshuffle_each_iteration is None:
            reshuffle_each_iteration = True
        if not isinstance(reshuffle_each_iteration, (bool, np.bool_)):
            raise TypeError("Expected `reshuffle_each_iteration` to be a bool. Received: "
                            f"reshuffle_each_iteration={reshuffle_each_iteration!r}")
        self._reshuffle = bool(reshuffle_each_iteration)
        self._seeds = PassSeeds(seed, self._reshuffle)

    def _iterate(self):
        uniforms = _uniforms(self._seeds.rng())
        buffer = []
        for element in self._input._iterate():
            if len(buffer) < self._size:
                buffer.append(element)
                continue
            slot = int(next(uniforms) * len(buffer))
            yield buffer[slot]
            buffer[slot] = element
        while buffer:
            slot = int(next(uniforms) * len(buffer))
            yield buffer[slot]
            buffer[slot] = buffer[-1]
            buffer.pop()


class PassSeeds:
    """The generator of each pass (shuffle, sample_from_datasets): with ``rerandomize`` a new
    one per pass, drawn from ``seed``'s sequence or, without a seed, from ``backend.rng()``;
    without ``rerandomize`` the same one every pass."""

    def __init__(self, seed, rerandomize):
        self._lock = threading.Lock()
        self._sequence = None if seed is None or not rerandomize else np.random.default_rng(seed)
        self._fixed = None
        if not rerandomize:
            self._fixed = seed if seed is not None else int(backend.rng().integers(_SEED_RANGE))

    def rng(self):
        if self._fixed is not None:
            return np.random.default_rng(self._fixed)
        with self._lock:
            source = self._sequence if self._sequence is not None else backend.rng()
            return np.random.default_rng(int(source.integers(_SEED_RANGE)))


def _uniforms(rng, block=1024):
    """Uniform floats in [0, 1), drawn a block at a time (one call per element is slow).
    ``int(u * n)`` picks a slot among ``n``; float64's 53 bits keep the bias below 1e-12."""
    while True:
        yield from rng.random(block).tolist()
