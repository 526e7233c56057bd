"""Helpers of ``keras.utils``."""

from .progbar import Progbar
from ..random import set_seed as set_random_seed
from .numerical_utils import normalize, to_categorical
from .data_utils import pack_x_y_sample_weight, unpack_x_y_sample_weight
from .py_dataset import PyDataset, Sequence


def __getattr__(name):
    # Serialization helpers live in shenjing.serialization (written with saving).
    if name in ("register_keras_serializable", "get_registered_name", "get_registered_object",
                "serialize_keras_object", "deserialize_keras_object"):
        from .. import serialization

        return getattr(serialization, name)
    raise AttributeError(f"module 'shenjing.utils' has no attribute {name!r}")
