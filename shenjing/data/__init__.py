"""``shenjing.data``: a ``tf.data``-style ``Dataset`` over NumPy arrays (floor 1).

    ds = Dataset.from_tensor_slices((x, y)).shuffle(1024, seed=0).batch(32).prefetch(AUTOTUNE)
    for xb, yb in ds: ...

Plain NumPy arrays in, plain NumPy arrays out; nested tuples and dicts as in TF.
"""

from . import experimental
from .cardinality import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from .dataset import Dataset
from .structure import TensorSpec
from .text_line import TextLineDataset

__all__ = ["Dataset", "TensorSpec", "TextLineDataset", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY",
           "experimental"]
