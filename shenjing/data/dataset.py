"""``Dataset``: a lazy, re-iterable pipeline of elements (``tf.data.Dataset``'s contract).

An element is a NumPy array or a nested tuple/dict of them. Every transformation returns a new
``Dataset`` and runs nothing until iterated; each ``iter(dataset)`` starts a fresh pass from the
sources (shuffles draw a new order per pass unless told not to). ``cardinality()`` is the number
of elements when known without iterating, else ``INFINITE_CARDINALITY`` (-1) or
``UNKNOWN_CARDINALITY`` (-2). Subclasses define ``_iterate()`` (a generator of one pass),
``_cardinality()`` and ``_spec()`` (a structure of TensorSpecs, or None when only running user
code would tell).
"""

import threading

from . import cardinality as card
from .eager import eager_element
from .structure import check_int, spec_of


class Dataset:
    """The base class; build one with ``Dataset.from_tensor_slices``, ``range``, ``zip``, ..."""

    def __iter__(self):
        """One pass; each leaf an ``EagerArray`` (an ndarray with TF's ``.numpy()``)."""
        return map(eager_element, self._iterate())

    def _iterate(self):
        raise NotImplementedError(f"{type(self).__name__} must define _iterate()")

    def _cardinality(self):
        return card.UNKNOWN_CARDINALITY

    def _spec(self):
        return None

    # -- inspection -------------------------------------------------------------------------

    def cardinality(self):
        """The number of elements, or -1 (infinite) or -2 (unknown); an int with ``.numpy()``."""
        return card.Cardinality(self._cardinality())

    def __len__(self):
        n = self._cardinality()
        if n == card.INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == card.UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self):
        return True  # as in TF: a Dataset is never "empty"-false (len() may be unknown)

    @property
    def element_spec(self):
        """A structure of TensorSpecs. Known statically for sources and shape-preserving steps;
        after ``map`` (or a generator without a signature) it is read from the first element."""
        spec = self._spec()
        if spec is None:
            with _PEEK_LOCK:
                cached = getattr(self, "_peeked_spec", None)
            if cached is not None:
                return cached
            for element in self:
                spec = spec_of(element)
                break
            else:
                raise ValueError(f"Cannot compute the element_spec of an empty {type(self).__name__} "
                                 "whose function or generator has no signature")
            with _PEEK_LOCK:
                self._peeked_spec = spec
        return spec

    def __repr__(self):
        try:
            spec = self._spec()
        except AttributeError:  # a dataset whose __init__ failed
            spec = None
        extra = f" element_spec={spec}" if spec is not None else ""
        return f"<{type(self).__name__}{extra}>"

    def as_numpy_iterator(self):
        """An iterator of the elements as plain NumPy arrays and scalars."""
        return self._iterate()

    # -- sources -----------------------------------------------------------------------------

    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """One element per index of axis 0 of every leaf (all leaves must share that length)."""
        return sources.TensorSlicesDataset(tensors)

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset of one element: ``tensors`` itself."""
        return sources.TensorsDataset(tensors)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """The values yielded by ``generator(*args)``; the callable is called again per pass."""
        return sources.GeneratorDataset(generator, output_types, output_shapes, args,
                                        output_signature)

    @staticmethod
    def range(*args, output_type="int64", name=None):
        """``range(stop)``, ``range(start, stop[, step])`` as NumPy scalars (int64 by default)."""
        return sources.RangeDataset(*args, output_type=output_type)

    @staticmethod
    def zip(*args, datasets=None, name=None):
        """Elements of several datasets side by side, in their (nested) structure."""
        if datasets is not None and args:
            raise TypeError("Dataset.zip() takes either positional datasets or `datasets=`, "
                            f"not both. Received: {len(args)} positional and datasets={datasets!r}")
        if datasets is None:
            if not args:
                raise TypeError("Dataset.zip() expected at least one dataset. Received: none")
            datasets = args[0] if len(args) == 1 else args
        return combine.ZipDataset(datasets)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None, name=None):
        """Each element from ``datasets[i]`` with probability ``weights[i]`` (normalized)."""
        return sampling.SampleFromDatasets(datasets, weights, seed, stop_on_empty_dataset,
                                           rerandomize_each_iteration)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True, name=None):
        """The k-th element from ``datasets[choice[k]]``, ``choice_dataset`` of integer scalars."""
        return sampling.ChooseFromDatasets(datasets, choice_dataset, stop_on_empty_dataset)

    # -- transformations ---------------------------------------------------------------------

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """``map_func`` on each element (tuples unpacked as arguments); parallel keeps order."""
        return mapping.MapDataset(self, map_func, num_parallel_calls, deterministic)

    def filter(self, predicate, name=None):
        """The elements for which ``predicate`` returns a scalar ``True``."""
        return basic.FilterDataset(self, predicate)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """TF's buffered shuffle: fill ``buffer_size`` slots, emit a random one, refill it."""
        return shuffle.ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None,
              name=None):
        """Consecutive elements stacked leaf by leaf along a new axis 0."""
        return batching.BatchDataset(self, batch_size, drop_remainder, num_parallel_calls,
                                     deterministic)

    def unbatch(self, name=None):
        """Each element split along axis 0 into its rows."""
        return batching.UnbatchDataset(self)

    def repeat(self, count=None, name=None):
        """The dataset ``count`` times (forever when None or -1)."""
        return basic.RepeatDataset(self, count)

    def take(self, count, name=None):
        """The first ``count`` elements (all when -1)."""
        return basic.TakeDataset(self, count)

    def skip(self, count, name=None):
        """All but the first ``count`` elements (none when -1)."""
        return basic.SkipDataset(self, count)

    def enumerate(self, start=0, name=None):
        """``(index, element)`` pairs, the index an int64 counting from ``start``."""
        return basic.EnumerateDataset(self, start)

    def concatenate(self, dataset, name=None):
        """This dataset's elements, then ``dataset``'s (the same structure and dtypes)."""
        return combine.ConcatenateDataset(self, dataset)

    def cache(self, filename="", name=None):
        """Keep the elements of the first complete pass in memory; later passes read them."""
        return caching.CacheDataset(self, filename)

    def prefetch(self, buffer_size, name=None):
        """Produce up to ``buffer_size`` elements ahead in a background thread."""
        return prefetching.PrefetchDataset(self, buffer_size)

    def reduce(self, initial_state, reduce_func, name=None):
        """``reduce_func(state, element)`` folded over the elements, starting at ``initial_state``."""
        return combine.reduce_dataset(self, initial_state, reduce_func)


_PEEK_LOCK = threading.Lock()


class InputDataset(Dataset):
    """A transformation of one dataset, ``self._input``, whose cardinality and element spec are
    the input's unless the subclass says otherwise."""

    def _cardinality(self):
        return self._input._cardinality()

    def _spec(self):
        return self._input._spec()


def check_dataset(value, name):
    if not isinstance(value, Dataset):
        raise TypeError(f"Expected `{name}` to be a shenjing.data.Dataset. Received: {name}="
                        f"{value!r} of type {type(value).__name__}")
    return value


def check_count(value, name):
    """An integer count where -1 means "all" (take, skip, repeat)."""
    return check_int(value, name, minimum=-1)


# The transformations subclass Dataset, so they are imported after it is defined.
from . import (basic, batching, caching, combine, mapping, prefetching, sampling,  # noqa: E402
               shuffle, sources)
