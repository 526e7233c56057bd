"""Missing values (NaN) in the inputs of ``fit``/``evaluate``: a ValueError before any step.

A NaN in ``x`` makes the first batch's loss NaN, and the optimizer then writes NaN into every
weight: Keras trains on silently. Here each floating leaf of ``x`` is read once when the data
enters (``check_no_nan``, called by ``ArrayDataAdapter``, and per batch by the epoch iterator
for generators, ``PyDataset``, ``data.Dataset`` and DataLoaders). The scan is ``min()`` over
chunks of about a million values: NaN propagates through ``min`` (a NaN anywhere makes the
chunk's minimum NaN), there is no full-size boolean temporary, and it costs about 6 ms for a
60000x784 float32 array on one core. Only on failure is ``np.isnan`` used, to say where.

Not checked, by choice: ``y`` and ``sample_weight`` (a masked loss may read NaN targets),
integer and bool inputs (they cannot hold NaN), ``predict`` (Keras returns NaN there), and
``inf`` (an additive attention bias of ``-inf`` is a legitimate input; ``shenjing.check_numerics()``
reports inf batches), and the entries of a dict ``x`` that the model does not read (a
DataFrame's other columns). A model that handles NaN itself (a layer that masks them) sets
``model.allow_nan_inputs = True`` (an attribute of that object: copies, pickles and
``clone_model`` start from the default, False; a subclass can set it on the class).
"""

import numpy as np

from .array_utils import _labelled_leaves

_CHUNK = 1 << 20  # values per scanned chunk

FIX = ("A network can't learn from missing values (its loss and then its weights become NaN). "
       "Impute them (sklearn.impute.SimpleImputer or IterativeImputer, in a Pipeline in front of "
       "keras.wrappers.SKLearnClassifier/SKLearnRegressor), drop the rows (or columns) that have them, "
       "or keep the information as a missing-indicator input (SimpleImputer(add_indicator=True)). "
       "A model that handles NaN itself: set model.allow_nan_inputs = True")


def _array(leaf):
    """The NumPy array of a leaf (a Tensor's ``.data``; an ndarray's ``.data`` is its buffer)."""
    return leaf if isinstance(leaf, np.ndarray) else np.asarray(getattr(leaf, "data", leaf))


def nan_check(model):
    """What ``fit``/``evaluate`` check for NaN, given the model: False when
    ``model.allow_nan_inputs``; else the names of its inputs (the entries of a dict ``x`` it
    reads), or True (all of ``x``) when it has none."""
    if getattr(model, "allow_nan_inputs", False):
        return False
    names = getattr(model, "input_names", None)
    return frozenset(names) if names else True


def has_nan(array):
    """Whether a floating array holds a NaN: chunked ``min()`` along the first axis."""
    array = _array(array)
    if array.dtype.kind != "f" or array.size == 0:
        return False
    if array.ndim == 0:
        return bool(np.isnan(array))
    rows = max(1, _CHUNK // max(1, array.size // max(1, array.shape[0])))
    for start in range(0, array.shape[0], rows):
        if np.isnan(array[start:start + rows].min()):
            return True
    return False


def _listing(indices, limit=5):
    """``3``, ``3 and 7``, ``3, 7, 9, ... (12 in all)``."""
    shown = [str(int(i)) for i in indices[:limit]]
    if len(indices) > limit:
        return f"{', '.join(shown)}, ... ({len(indices):,} in all)"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def describe_nan(array):
    """Where the NaN are: how many, in which samples, and which features (2-D) or positions."""
    mask = np.isnan(array)
    per_sample = mask.reshape(mask.shape[0], -1).any(axis=1)
    rows = np.flatnonzero(per_sample)
    count = int(mask.sum())
    text = (f"{count:,} NaN value{'s' if count > 1 else ''} in {len(rows):,} of {mask.shape[0]:,} samples "
            f"(row{'s' if len(rows) > 1 else ''} {_listing(rows)})")
    if mask.ndim == 2:
        columns = np.flatnonzero(mask.any(axis=0))
        text += f", in feature{'s' if len(columns) > 1 else ''} {_listing(columns)}"
    elif mask.ndim > 2:
        first = np.argwhere(mask)[0]
        text += f", the first at position {tuple(int(i) for i in first[1:])} of sample {int(first[0])}"
    return text


def check_no_nan(x, where="fit", at=None, inputs=True):
    """A ValueError naming the input, the samples and features with NaN, and the fix, when a
    floating leaf of ``x`` holds NaN; ``at``: which batch, for data read in batches;
    ``inputs``: ``nan_check(model)``, the keys of a dict ``x`` to check (True: all)."""
    if x is None or inputs is False:
        return
    if isinstance(x, dict) and inputs is not True and all(name in x for name in inputs):
        x = {key: value for key, value in x.items() if key in inputs}
    for label, leaf in _labelled_leaves("x", x):
        array = _array(leaf)
        if not has_nan(array):
            continue
        source = f" ({at})" if at else ""
        found = "a NaN" if array.ndim == 0 else describe_nan(array)
        raise ValueError(
            f"{where}: expected the input {label}{source} to have no missing values (NaN). "
            f"Received: {label} of shape {array.shape} with {found}. {FIX}.")
