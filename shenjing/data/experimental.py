"""``tf.data.experimental``'s names that TF code still uses: AUTOTUNE, cardinality and the
dataset samplers (``Dataset.sample_from_datasets``/``choose_from_datasets``)."""

from .cardinality import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from .dataset import Dataset, check_dataset


def cardinality(dataset):
    """``dataset.cardinality()``: the number of elements, or -1 (infinite) or -2 (unknown)."""
    return check_dataset(dataset, "dataset").cardinality()


sample_from_datasets = Dataset.sample_from_datasets
choose_from_datasets = Dataset.choose_from_datasets

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "cardinality",
           "choose_from_datasets", "sample_from_datasets"]
