"""Elements: nested tuples and dicts of NumPy arrays, their specs, and the conversions into them.

An element is a leaf (a NumPy array or scalar) or a tuple (named tuples kept), or a dict of
elements. Values coming in (``from_tensor_slices``, a map function's result, a generator's
yield) are converted here: shenjing Tensors and anything with ``.numpy()`` or ``__array__``
become arrays; Python numbers become arrays with TF's dtypes (int32, or int64 when out of its
range; float32; bool); a list of plain numbers is one array, any other list is a tuple
(``lists="auto"``) or every list is a tuple (``lists="tuple"``, for a map function's result).
"""

import numbers
from collections.abc import Mapping

import numpy as np

from ..backend.tree import map_structure

_INT32 = np.iinfo(np.int32)


class TensorSpec:
    """The shape (a tuple; ``None`` for an unknown dimension or rank) and dtype of a leaf."""

    __slots__ = ("shape", "dtype", "name")

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = as_shape(shape, "shape")
        self.dtype = as_dtype(dtype)
        self.name = name

    @classmethod
    def from_value(cls, value):
        return cls(np.shape(value), np.asarray(value).dtype)

    def is_compatible_with(self, value):
        """Whether an array (or a spec) fits this spec's dtype and shape."""
        shape = value.shape if isinstance(value, TensorSpec) else np.shape(value)
        dtype = value.dtype if isinstance(value, TensorSpec) else np.asarray(value).dtype
        return dtype == self.dtype and shape_fits(shape, self.shape)

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self.shape == other.shape
                and self.dtype == other.dtype and self.name == other.name)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.name))

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype.name}, name={self.name!r})"


def as_dtype(dtype):
    """A NumPy dtype from a NumPy dtype, its name, or an object with ``as_numpy_dtype``/``name``."""
    candidate = getattr(dtype, "as_numpy_dtype", dtype)
    try:
        return np.dtype(candidate)
    except TypeError:
        pass
    try:
        return np.dtype(getattr(dtype, "name"))
    except (TypeError, AttributeError):
        raise TypeError(f"Expected a dtype (a NumPy dtype or its name, e.g. 'float32'). "
                        f"Received: dtype={dtype!r}") from None


def as_shape(shape, where):
    """A shape as a tuple of ints and ``None``s, or ``None`` for an unknown rank."""
    if shape is None:
        return None
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        dims = tuple(None if d is None or d == -1 else int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"Expected `{where}` to be a tuple of ints or None. Received: "
                        f"{where}={shape!r}") from None
    if any(d is not None and d < 0 for d in dims):
        raise ValueError(f"Expected `{where}` to have dimensions >= 0 or None. Received: "
                         f"{where}={shape!r}")
    return dims


def shape_fits(shape, pattern):
    """Whether ``shape`` matches ``pattern``, where ``None`` matches any dimension or rank."""
    if pattern is None:
        return True
    return len(shape) == len(pattern) and all(p is None or p == s for s, p in zip(shape, pattern))


def merge_specs(a, b):
    """The most specific spec both ``a`` and ``b`` fit (dims that differ become ``None``)."""
    if a.shape is None or b.shape is None or len(a.shape) != len(b.shape):
        shape = None
    else:
        shape = tuple(x if x == y else None for x, y in zip(a.shape, b.shape))
    return TensorSpec(shape, a.dtype)


def spec_of(element):
    """The structure of TensorSpecs describing one element."""
    return map_structure(TensorSpec.from_value, element)


def _plain_list(value):
    """A list of Python numbers, bools or strings, or of lists/tuples of them: one array in TF
    (``[(7, 8), (9, 10)]`` is a 2x2 array, as ``tf.convert_to_tensor`` reads it)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list) or type(item) is tuple:
            stack.extend(item)
        elif isinstance(item, np.ndarray) and item.ndim == 0:
            continue  # a 0-d array (an iterated element, an EagerArray) is a number, as in TF
        elif not isinstance(item, (numbers.Number, str, bytes)) or (
                isinstance(item, np.generic) and item.ndim != 0):
            return False
    return True


def _has_numpy_scalars(value):
    try:
        items = np.asarray(value, dtype=object).flat
    except ValueError:  # ragged: to_array reports it
        return False
    return any(isinstance(item, (np.generic, np.ndarray)) for item in items)


def _strings(array):
    """An object array holding only ``str`` (only ``bytes``) as a ``U`` (``S``) array: TF makes
    such values (a pandas column of strings, a list mixing NumPy and Python strings) tf.string.
    Anything else is returned as it came."""
    items = array.ravel().tolist()
    for kind in (str, bytes):
        if items and all(isinstance(item, kind) for item in items):
            return array.astype(kind)
    return array


def to_array(value, where):
    """One leaf as a NumPy array (or NumPy scalar), with TF's dtypes for Python values."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value
    if value is None:
        raise TypeError(f"Expected an array, a number or a nested tuple/dict of them in {where}. "
                        f"Received: None")
    if hasattr(value, "numpy") and callable(value.numpy):
        return np.asarray(value.numpy())
    python = isinstance(value, (bool, int, float)) or (
        isinstance(value, list) and not _has_numpy_scalars(value))
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise TypeError(f"Expected a rectangular array (nested lists of equal lengths) in "
                        f"{where}. Received: {_short(value)} ({error})") from None
    if array.dtype == object:
        array = _strings(array)
    if array.dtype == object:
        raise TypeError(f"Expected an array, a number or a nested tuple/dict of them in {where}. "
                        f"Received: a value that NumPy can only hold as objects: "
                        f"{type(value).__name__} {_short(value)}")
    if python and array.dtype.kind == "f":
        array = array.astype(np.float32)
    elif python and array.dtype.kind == "i" and (array.size == 0 or (
            array.min() >= _INT32.min and array.max() <= _INT32.max)):
        array = array.astype(np.int32)
    return array


def to_element(value, where, lists="auto"):
    """A value as an element: dicts and tuples kept, lists per ``lists``, leaves as arrays."""
    if isinstance(value, (np.ndarray, np.generic)):  # the common case first: it is cheap
        return value
    if isinstance(value, Mapping):
        return {key: to_element(item, where, lists) for key, item in value.items()}
    if isinstance(value, tuple):
        items = [to_element(item, where, lists) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list) and (lists == "tuple" or not _plain_list(value)):
        return tuple(to_element(item, where, lists) for item in value)
    return to_array(value, where)


def tupled(structure):
    """``structure`` with its lists (not named tuples) read as tuples and its mappings as dicts,
    as shenjing.data reads every structure it is given."""
    if isinstance(structure, Mapping):
        return {k: tupled(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)) and not hasattr(structure, "_fields"):
        return tuple(tupled(v) for v in structure)
    return structure


def call_unpacked(fn, element):
    """``fn(*element)`` when the element is a plain tuple, else ``fn(element)`` (TF's rule)."""
    if type(element) is tuple:
        return fn(*element)
    return fn(element)


def describe(element):
    """A short text of an element's structure and shapes, for error messages."""
    return repr(map_structure(lambda leaf: f"shape={tuple(np.shape(leaf))}", element))


def _short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def check_int(value, name, minimum=None):
    """``value`` as a Python int (bools refused), at least ``minimum`` if given."""
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"Expected `{name}` to be an integer. Received: {name}={value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"Expected `{name}` to be at least {minimum}. Received: {name}={value}")
    return value
