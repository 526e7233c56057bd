"""``GeneratorDataAdapter``: a Python generator or iterator (or a re-iterable object) of batches.

Each element is ``x``, ``(x, y)`` or ``(x, y, sample_weight)``. The first element is read
at once (peeked) to check its form, then given back as the first batch. The number of
batches is unknown (``num_batches`` is None) unless ``len()`` gives it. A generator
is consumed once: with ``steps_per_epoch`` the epochs continue where the previous
one stopped (an endless generator), without it the first pass is the only one.
An iterable that is not itself an iterator (it has ``__iter__`` but no ``__next__``)
is iterated afresh every epoch.
"""


from ...backend.tree import map_structure
from ...utils.data_utils import unpack_x_y_sample_weight
from .data_adapter import DataAdapter


def to_numpy_leaves(batch):
    """Torch tensors become NumPy arrays; shenjing Tensors and arrays are kept."""
    def convert(leaf):
        if hasattr(leaf, "detach") and hasattr(leaf, "cpu") and hasattr(leaf, "numpy"):
            return leaf.detach().cpu().numpy()
        return leaf
    return map_structure(convert, batch)


class GeneratorDataAdapter(DataAdapter):
    def __init__(self, generator, class_weight=None):
        self.class_weight = class_weight
        self._source = generator
        self._reiterable = not hasattr(generator, "__next__")
        try:
            self.num_batches = len(generator) if self._reiterable else None
        except TypeError:
            self.num_batches = None
        self._iterator = iter(generator)
        try:
            first = next(self._iterator)
        except StopIteration:
            raise ValueError(
                f"Expected the generator to yield at least one batch. Received: x={generator!r:.100} "
                "(it yielded nothing)") from None
        if first is None:
            raise ValueError(
                "Expected the generator to yield x, (x, y) or (x, y, sample_weight). "
                f"Received: None as its first batch (x={generator!r:.100})")
        unpack_x_y_sample_weight(first)  # a clear error for a malformed element
        self._peeked = [first]

    def _raw(self):
        if self._peeked:
            yield self._peeked.pop()
            iterator = self._iterator
        else:
            iterator = iter(self._source) if self._reiterable else self._iterator
        for batch in iterator:
            yield batch

    def get_numpy_iterator(self):
        batches = (to_numpy_leaves(b) for b in self._raw())
        return self._with_class_weight(batches) if self.class_weight is not None else batches
