"""``tf.data.experimental``'s names that TF code still uses: AUTOTUNE and cardinality."""

from .cardinality import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from .dataset import check_dataset


def cardinality(dataset):
    """``dataset.cardinality()``: the number of elements, or -1 (infinite) or -2 (unknown)."""
    return check_dataset(dataset, "dataset").cardinality()


__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "cardinality"]
