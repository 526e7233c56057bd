"""Sources: slices of arrays, one whole element, a range of integers, a Python generator."""

from collections.abc import Mapping

import numpy as np

from ..backend.tree import flatten, is_nested, map_structure, pack_sequence_as
from . import cardinality as card
from .dataset import Dataset
from .plan import Plan
from .structure import (TensorSpec, as_dtype, as_shape, check_int, describe, shape_fits,
                        spec_of, to_element, tupled)


def _read_only(leaf):
    """A read-only view, so that editing an element in place cannot change the source."""
    if isinstance(leaf, np.ndarray):
        leaf = leaf.view()
        leaf.flags.writeable = False
    return leaf


def _row(leaf, i):
    """``leaf[i]``, read-only: a fresh view object for arrays of rank 2 or more."""
    row = leaf[i]
    if type(row) is np.ndarray:
        row.flags.writeable = False
    return row


class TensorSlicesDataset(Dataset):
    """Element ``i`` is every leaf's row ``i``."""

    def __init__(self, tensors):
        self._structure = to_element(tensors, "Dataset.from_tensor_slices()")
        leaves = flatten(self._structure)
        if not leaves:
            raise ValueError("Dataset.from_tensor_slices() expected at least one array. "
                             f"Received: {tensors!r}")
        for leaf in leaves:
            if np.ndim(leaf) == 0:
                raise ValueError("Dataset.from_tensor_slices() slices along axis 0, so every "
                                 "array needs at least one dimension. Received: a scalar in "
                                 f"{describe(self._structure)}")
        lengths = {len(leaf) for leaf in leaves}
        if len(lengths) > 1:
            raise ValueError("Dataset.from_tensor_slices() expected all arrays to have the same "
                             "first dimension (the number of elements). Received: "
                             f"{describe(self._structure)}")
        self._leaves = [np.asarray(leaf) for leaf in leaves]
        self._length = lengths.pop()

    def _iterate(self):
        plan = Plan(self._structure)
        for i in range(self._length):
            yield plan.pack([_row(leaf, i) for leaf in self._leaves])

    def batches(self, size, drop_remainder):
        """``batch(size)`` of this dataset, cut from the arrays (each batch a fresh copy)."""
        plan = Plan(self._structure)
        stop = self._length - self._length % size if drop_remainder else self._length
        for start in range(0, stop, size):
            yield plan.pack([np.array(leaf[start:start + size]) for leaf in self._leaves])

    def _cardinality(self):
        return self._length

    def _spec(self):
        return pack_sequence_as(self._structure,
                                [TensorSpec(leaf.shape[1:], leaf.dtype) for leaf in self._leaves])


class TensorsDataset(Dataset):
    """A single element: the whole structure."""

    def __init__(self, tensors):
        self._element = to_element(tensors, "Dataset.from_tensors()")

    def _iterate(self):
        yield map_structure(_read_only, self._element)

    def _cardinality(self):
        return 1

    def _spec(self):
        return spec_of(self._element)


class RangeDataset(Dataset):
    """Python's ``range`` as NumPy scalars of ``output_type``."""

    def __init__(self, *args, output_type="int64"):
        if not 1 <= len(args) <= 3:
            raise TypeError("Dataset.range() expected 1 to 3 arguments (stop), (start, stop) or "
                            f"(start, stop, step). Received: {len(args)} arguments {args!r}")
        names = ("stop",) if len(args) == 1 else ("start", "stop", "step")[:len(args)]
        values = [check_int(a, n) for a, n in zip(args, names)]
        if len(values) == 3 and values[2] == 0:
            raise ValueError("Expected `step` to be a non-zero integer. Received: step=0")
        self._range = range(*values)
        self._dtype = as_dtype(output_type)

    def _iterate(self):
        cast = self._dtype.type
        for i in self._range:
            yield cast(i)

    def _cardinality(self):
        return len(self._range)

    def _spec(self):
        return TensorSpec((), self._dtype)


def _signature(output_types, output_shapes, output_signature):
    """A structure of TensorSpecs from ``output_signature`` or from types (+ shapes), or None."""
    if output_signature is not None:
        if output_types is not None or output_shapes is not None:
            raise TypeError("Dataset.from_generator() takes `output_signature` or "
                            "`output_types`/`output_shapes`, not both. Received: "
                            f"output_types={output_types!r}, output_shapes={output_shapes!r}")
        signature = tupled(output_signature)
        for leaf in flatten(signature):
            if not isinstance(leaf, TensorSpec):
                raise TypeError("Expected `output_signature` to be a (nested) structure of "
                                f"shenjing.data.TensorSpec. Received: a leaf {leaf!r}")
        return signature
    if output_types is None:
        if output_shapes is not None:
            raise TypeError("Dataset.from_generator(): `output_shapes` needs `output_types`. "
                            f"Received: output_shapes={output_shapes!r}")
        return None
    types = tupled(output_types)
    return _zip_shapes(types, output_shapes, "output_shapes")


def _zip_shapes(types, shapes, where):
    """Walk ``types``'s structure; at each dtype take the shape in the same place of ``shapes``."""
    if not is_nested(types):
        return TensorSpec(None if shapes is None else as_shape(shapes, where), types)
    if isinstance(types, Mapping):
        if shapes is not None and (not isinstance(shapes, Mapping) or set(shapes) != set(types)):
            raise ValueError(f"Expected `{where}` to have the keys of `output_types` "
                             f"{sorted(types)}. Received: {where}={shapes!r}")
        return {k: _zip_shapes(t, None if shapes is None else shapes[k], where)
                for k, t in types.items()}
    if shapes is not None and (not isinstance(shapes, (list, tuple)) or len(shapes) != len(types)):
        raise ValueError(f"Expected `{where}` to have the structure of `output_types` "
                         f"({len(types)} items). Received: {where}={shapes!r}")
    return tuple(_zip_shapes(t, None if shapes is None else shapes[i], where)
                 for i, t in enumerate(types))


def _conform(value, signature):
    """A yielded value made to fit the signature: same structure, dtype cast, shape checked."""
    if isinstance(signature, TensorSpec):
        try:
            source = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
            if not np.can_cast(source.dtype, signature.dtype, "same_kind"):
                raise TypeError  # e.g. 1.5 into int64: refused rather than truncated
            array = np.asarray(source, dtype=signature.dtype)
        except (TypeError, ValueError):
            raise TypeError("`generator` yielded an element that could not be converted to the "
                            f"expected type. The expected type was {signature.dtype.name}, but "
                            f"the yielded element was {value!r}.") from None
        if not shape_fits(array.shape, signature.shape):
            raise ValueError(f"`generator` yielded an element of shape {array.shape} where an "
                             f"element of shape {signature.shape} was expected.")
        return array
    fits = (isinstance(signature, Mapping) and isinstance(value, Mapping)
            and set(value) == set(signature)) or (
        isinstance(signature, tuple) and isinstance(value, (tuple, list))
        and len(value) == len(signature))
    if not fits:
        raise TypeError("`generator` yielded an element that did not match the expected "
                        f"structure. The expected structure was {signature}, but the yielded "
                        f"element was {value!r}.")
    if isinstance(signature, Mapping):
        return {k: _conform(value[k], s) for k, s in signature.items()}
    return tuple(_conform(v, s) for v, s in zip(value, signature))


class GeneratorDataset(Dataset):
    """Whatever ``generator(*args)`` yields, fitted to the signature when one is given."""

    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if not callable(generator):
            raise TypeError("Expected `generator` to be a callable that returns an iterator "
                            f"(called again on every pass). Received: generator={generator!r}")
        self._generator = generator
        self._args = () if args is None else tuple(args)
        self._signature = _signature(output_types, output_shapes, output_signature)

    def _iterate(self):
        iterator = self._generator(*self._args)
        try:
            iterator = iter(iterator)
        except TypeError:
            raise TypeError("Expected `generator` to return an iterator. Received: "
                            f"{type(iterator).__name__} from {self._generator!r}") from None
        for value in iterator:
            if self._signature is None:
                yield to_element(value, "the value yielded by `generator`")
            else:
                yield _conform(value, self._signature)

    def _cardinality(self):
        return card.UNKNOWN_CARDINALITY

    def _spec(self):
        return self._signature
