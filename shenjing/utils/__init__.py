"""Helpers of ``keras.utils``."""

from .progbar import Progbar
from ..random import set_random_seed
from .numerical_utils import normalize, to_categorical
from ..registry import (CustomObjectScope, custom_object_scope, get_custom_objects,
                        get_registered_name, get_registered_object, register_keras_serializable)
from ..serialization import deserialize_keras_object, serialize_keras_object
from .data_utils import pack_x_y_sample_weight, unpack_x_y_sample_weight
from .py_dataset import PyDataset, Sequence
from .timeseries import timeseries_dataset_from_array
from .model_visualization import model_to_dot, plot_model
from .image_utils import array_to_img, img_to_array, load_img, save_img
from .sequence_utils import pad_sequences
from .text_dataset import text_dataset_from_directory
from .image_dataset import image_dataset_from_directory
from .dataset_split import split_dataset
