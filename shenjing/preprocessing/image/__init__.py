"""``keras.preprocessing.image`` (legacy): ``ImageDataGenerator``, the transforms of one image
it applies, and the iterators its ``flow``, ``flow_from_directory`` and ``flow_from_dataframe``
return."""

from .affine_transformations import (apply_affine_transform, apply_brightness_shift,
                                     apply_channel_shift, random_brightness,
                                     random_channel_shift, random_rotation, random_shear,
                                     random_shift, random_zoom, transform_matrix_offset_center)
from .dataframe_iterator import DataFrameIterator
from .directory_iterator import DirectoryIterator
from .image_data_generator import ImageDataGenerator
from .iterator import Iterator
from .numpy_array_iterator import NumpyArrayIterator

__all__ = [
    "DataFrameIterator",
    "DirectoryIterator",
    "ImageDataGenerator",
    "Iterator",
    "NumpyArrayIterator",
    "apply_affine_transform",
    "apply_brightness_shift",
    "apply_channel_shift",
    "random_brightness",
    "random_channel_shift",
    "random_rotation",
    "random_shear",
    "random_shift",
    "random_zoom",
    "transform_matrix_offset_center",
]
