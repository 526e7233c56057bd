"""Arrays in, batches out: what ``fit``, ``evaluate`` and ``predict`` do with x, y and weights.

``x`` and ``y`` may be arrays, Tensors, or lists/tuples/dicts of them (several
inputs or outputs). Every leaf must have the same number of samples.
"""

import math

import numpy as np

from ... import backend
from ...backend.tree import flatten, map_structure


def to_arrays(structure):
    """Leaves as NumPy arrays (Tensors give their data; nested lists of numbers become one array)."""
    if structure is None:
        return None
    if isinstance(structure, (list, tuple)) and structure and all(
        isinstance(leaf, (int, float, bool, np.number, np.bool_)) for leaf in flatten(structure)
    ):
        return np.asarray(structure)
    return map_structure(lambda a: np.asarray(getattr(a, "data", a)), structure)


def num_samples(where, **structures):
    """The common length of every leaf; a clear error naming the argument that differs."""
    sizes = {}
    for name, structure in structures.items():
        if structure is None:
            continue
        for i, leaf in enumerate(flatten(structure)):
            if leaf.ndim == 0:
                raise ValueError(f"{where}: {name} must have a batch axis, received a scalar")
            sizes[f"{name}[{i}]" if isinstance(structure, (list, tuple, dict)) else name] = leaf.shape[0]
    if not sizes:
        raise ValueError(f"{where}: no data given (x is None)")
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
    return to_arrays(x), to_arrays(y), to_arrays(rest[0]) if rest else None


def batch_indices(n, batch_size, shuffle):
    """Slices (in order) or index arrays (shuffled with shenjing's seeded generator)."""
    if shuffle:
        order = backend.rng().permutation(n)
        return [order[i: i + batch_size] for i in range(0, n, batch_size)]
    return [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


def class_weights_to_sample_weights(y, class_weight):
    """A weight per sample from ``class_weight`` {class: weight}, for integer or one-hot ``y``."""
    leaves = flatten(y)
    if len(leaves) != 1:
        raise ValueError("class_weight is supported only for models with a single output")
    labels = leaves[0]
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = labels.argmax(axis=-1)
    labels = labels.reshape(labels.shape[0], -1)[:, 0].astype(np.int64)
    missing = sorted(set(np.unique(labels).tolist()) - set(int(k) for k in class_weight))
    if missing:
        raise ValueError(f"class_weight has no weight for class(es) {missing}; it has keys {sorted(class_weight)}")
    table = np.zeros(max(int(k) for k in class_weight) + 1, dtype=backend.floatx())
    for k, w in class_weight.items():
        table[int(k)] = w
    return table[labels]


def weigh_by_class(y, sample_weight, class_weight):
    """``sample_weight`` times the weight of each sample's class (``class_weight`` {class:
    weight}); the class weights alone when ``sample_weight`` is None."""
    if y is None:
        raise ValueError("class_weight needs targets: pass y along with class_weight (the data holds only x)")
    weights = class_weights_to_sample_weights(to_arrays(y), class_weight)
    return weights if sample_weight is None else np.asarray(getattr(sample_weight, "data", sample_weight)) * weights

