"""Arrays in, batches out: what ``fit``, ``evaluate`` and ``predict`` do with x, y and weights.

``x`` and ``y`` may be arrays, Tensors, or lists/tuples/dicts of them (several
inputs or outputs). Every leaf must have the same number of samples.
"""

import contextvars
import functools
import math
import numbers

import numpy as np

from ... import backend
from ...backend.tree import flatten, map_structure


_NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, float
_TEXT_INPUTS = contextvars.ContextVar("shenjing_text_inputs", default=False)


def _takes_text(model):
    """Whether ``model`` has a string input (``keras.Input(shape, dtype="string")``)."""
    inputs = getattr(model, "inputs", None)
    if inputs is None:
        first = getattr(model, "_input_layer", None)   # a Sequential model's Input
        inputs = [first.output] if first is not None else []
    return any(getattr(t, "dtype", None) == "string" for t in flatten(inputs))


def accepts_text(method):
    """Decorate a Model method taking ``x``: while it runs, ``x`` may hold strings (NumPy str
    arrays) when the model has a string input, as for Keras's TextVectorization/StringLookup."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        token = _TEXT_INPUTS.set(_takes_text(self))
        try:
            return method(self, *args, **kwargs)
        finally:
            _TEXT_INPUTS.reset(token)
    return wrapper


def is_number_list(structure):
    """A non-empty (nested) list or tuple of plain numbers: one array, not several inputs."""
    return isinstance(structure, (list, tuple)) and bool(structure) and all(
        isinstance(leaf, (int, float, bool, np.number, np.bool_)) for leaf in flatten(structure))


def to_arrays(structure, name="x", where="fit"):
    """Leaves as NumPy arrays (Tensors give their data; nested lists of numbers become one
    array); a clear error for a ragged nested list (rows of different lengths)."""
    if structure is None:
        return None
    try:
        if is_number_list(structure):
            return np.asarray(structure)
        return map_structure(lambda a: np.asarray(getattr(a, "data", a)), structure)
    except ValueError as error:  # NumPy: "setting an array element with a sequence ... inhomogeneous"
        raise ValueError(
            f"{where}: expected `{name}` to be a rectangular array (or a list/dict of them), "
            f"every row the same length. Received: {name}={structure!r:.100}, a nested list whose "
            f"rows have different lengths ({error})") from None


def check_batch(where, allow_empty=False, **structures):
    """``num_samples`` of a batch given directly (``train_on_batch``...): x given, at least one
    sample (``allow_empty``: none is fine, for ``predict_on_batch`` as in Keras)."""
    if structures.get("x") is None:
        raise ValueError(f"{where}: no data given. Expected x to be an array (or a list/dict of "
                         "arrays). Received: x=None")
    n = num_samples(where, **structures)
    if allow_empty:
        return n
    if n == 0:
        raise ValueError(f"{where}: expected at least one sample. Received: x with 0 samples")
    return n


def _labelled_leaves(name, structure):
    """``(label, leaf)`` pairs: ``x``, ``x[0]``, ``x['image']``."""
    if isinstance(structure, dict) and not any(isinstance(v, (list, tuple, dict)) for v in structure.values()):
        return [(f"{name}[{k!r}]", v) for k, v in structure.items()]
    if isinstance(structure, (list, tuple, dict)):
        return [(f"{name}[{i}]", leaf) for i, leaf in enumerate(flatten(structure))]
    return [(name, structure)]


def num_samples(where, **structures):
    """The common length of every leaf; a clear error naming the argument that differs."""
    sizes = {}
    for name, structure in structures.items():
        if structure is None:
            continue
        for label, leaf in _labelled_leaves(name, structure):
            if leaf.ndim == 0:
                raise ValueError(f"{where}: expected `{label}` to have a batch axis (one row per sample). "
                                 f"Received: {label}={leaf!r:.100}, a scalar")
            text_ok = name == "x" and _TEXT_INPUTS.get()   # a model with a string input
            if leaf.dtype.kind not in _NUMERIC_KINDS + ("US" if text_ok else ""):
                raise ValueError(
                    f"{where}: expected `{label}` to hold numbers (a bool, integer or float array). "
                    f"Received: {label} of dtype {leaf.dtype} and shape {leaf.shape}"
                    + ("; convert it, e.g. np.asarray(x, dtype='float32')" if leaf.dtype.kind == "O" else ""))
            sizes[label] = leaf.shape[0]
    if not sizes:
        raise ValueError(f"{where}: no data given. Expected x to be an array (or a list/dict of "
                         "arrays). Received: x=None")
    if len(set(sizes.values())) > 1:
        detail = ", ".join(f"{k}: {v}" for k, v in sizes.items())
        raise ValueError(f"{where}: all arrays must have the same number of samples; received {detail}")
    return next(iter(sizes.values()))


def take(structure, index):
    """Samples ``index`` (a slice or an index array) of every leaf."""
    if structure is None:
        return None
    return map_structure(lambda a: a[index], structure)


def split_validation(x, y, sample_weight, validation_split, n):
    """Keras's ``validation_split``: the last fraction of the samples, before any shuffling."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(f"validation_split must be in (0, 1), received: validation_split={validation_split}")
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"validation_split={validation_split} leaves no samples for training or for validation "
            f"(number of samples: {n})"
        )
    train, val = slice(0, split_at), slice(split_at, n)
    return ((take(x, train), take(y, train), take(sample_weight, train)),
            (take(x, val), take(y, val), take(sample_weight, val)))


def unpack_validation_data(validation_data):
    """``(x, y)`` or ``(x, y, sample_weight)``."""
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        raise ValueError(
            "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, val_sample_weight); "
            f"received {type(validation_data).__name__}"
            + (f" of length {len(validation_data)}" if isinstance(validation_data, (tuple, list)) else "")
        )
    x, y, *rest = validation_data
    where = "fit (validation_data)"
    return (to_arrays(x, "x", where), to_arrays(y, "y", where),
            to_arrays(rest[0], "sample_weight", where) if rest else None)


def batch_indices(n, batch_size, shuffle):
    """Slices (in order) or index arrays (shuffled with shenjing's seeded generator)."""
    if shuffle:
        order = backend.rng().permutation(n)
        return [order[i: i + batch_size] for i in range(0, n, batch_size)]
    return [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


def check_class_weight(class_weight):
    """``class_weight`` is a dict {class index (an int >= 0): weight (a finite float >= 0)}."""
    expected = "Expected `class_weight` to be a dict {class index (int >= 0): weight (finite float >= 0)}"
    if not isinstance(class_weight, dict):
        raise ValueError(f"{expected}. Received: class_weight={class_weight!r:.100} "
                         f"(of type {type(class_weight).__name__})")
    for key, weight in class_weight.items():
        if isinstance(key, bool) or not (isinstance(key, numbers.Integral) or (
                isinstance(key, numbers.Real) and float(key).is_integer())) or key < 0:
            raise ValueError(f"{expected}. Received: the key {key!r} in class_weight={class_weight!r:.200}")
        if (isinstance(weight, bool) or not isinstance(weight, numbers.Real)
                or not math.isfinite(weight) or weight < 0):
            raise ValueError(f"{expected}. Received: class_weight[{key!r}]={weight!r}")


def class_weights_to_sample_weights(y, class_weight):
    """A weight per sample from ``class_weight`` {class: weight}, for integer labels or one-hot
    (or probability) rows of ``y`` (their argmax, as Keras takes it); a float label is rounded."""
    check_class_weight(class_weight)
    leaves = flatten(y)
    if len(leaves) != 1:
        raise ValueError("class_weight is supported only for models with a single output")
    labels = np.asarray(leaves[0])
    keys = sorted(int(k) for k in class_weight)
    if labels.ndim > 1 and labels.shape[-1] > 1:  # a weight for a class y never has is unused
        labels = labels.argmax(axis=-1)
    labels = np.round(labels.reshape(labels.shape[0], -1)[:, 0]).astype(np.int64)
    # As Keras 3: a class that class_weight does not name weighs 1.0.
    size = max(keys[-1] if keys else 0, int(labels.max(initial=0))) + 1
    table = np.ones(size, dtype=backend.floatx())
    for k, w in class_weight.items():
        table[int(k)] = w
    if labels.size and labels.min() < 0:
        raise ValueError(f"class_weight needs class indices >= 0 in y; found {int(labels.min())}")
    return table[labels]


def weigh_by_class(y, sample_weight, class_weight):
    """``sample_weight`` times the weight of each sample's class (``class_weight`` {class:
    weight}); the class weights alone when ``sample_weight`` is None."""
    if y is None:
        raise ValueError("class_weight needs targets: pass y along with class_weight (the data holds only x)")
    weights = class_weights_to_sample_weights(to_arrays(y), class_weight)
    return weights if sample_weight is None else np.asarray(getattr(sample_weight, "data", sample_weight)) * weights

