"""``EagerArray``: the NumPy array a ``Dataset`` hands out when iterated, answering what
programs ask of TF's eager tensors: ``.numpy()`` (for strings: ``bytes``, or an object array
of ``bytes``, as TF's string tensors give), indexing and iteration giving ``EagerArray``s
(``batch[0].numpy()``). Everything else is the ndarray it is."""

import numpy as np

from ..backend.tree import map_structure


class EagerArray(np.ndarray):
    """An ndarray with TF's ``.numpy()``; scalars are 0-d ``EagerArray``s (hashable)."""

    def numpy(self):
        plain = np.asarray(self)
        if plain.dtype.kind == "U":
            if plain.ndim == 0:
                return str(plain[()]).encode("utf-8")
            out = np.empty(plain.shape, dtype=object)
            out.flat[:] = [str(s).encode("utf-8") for s in plain.flat]
            return out
        return plain[()] if plain.ndim == 0 else plain

    def __getitem__(self, key):
        item = super().__getitem__(key)
        return as_eager(item) if isinstance(item, np.generic) else item

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self)))

    def __hash__(self):
        if self.ndim != 0:
            raise TypeError(f"unhashable: an array of shape {self.shape}")
        return hash(np.asarray(self).item())

    def __repr__(self):
        return repr(np.asarray(self))

    def __str__(self):
        return str(np.asarray(self))


def as_eager(value):
    """A NumPy array or scalar as an ``EagerArray`` view (other values unchanged)."""
    if isinstance(value, EagerArray):
        return value
    if isinstance(value, np.ndarray):
        return value.view(EagerArray)
    if isinstance(value, np.generic):
        return np.asarray(value).view(EagerArray)
    return value


def eager_element(element):
    """Every leaf of an element as an ``EagerArray``."""
    if isinstance(element, (np.ndarray, np.generic)):
        return as_eager(element)
    return map_structure(as_eager, element)
