"""``keras.preprocessing.image`` (legacy): ``ImageDataGenerator`` and the transforms of one
image it applies."""

from .affine_transformations import (apply_affine_transform, apply_brightness_shift,
                                     apply_channel_shift, random_brightness,
                                     random_channel_shift, random_rotation, random_shear,
                                     random_shift, random_zoom, transform_matrix_offset_center)
from .image_data_generator import ImageDataGenerator

__all__ = [
    "ImageDataGenerator",
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
