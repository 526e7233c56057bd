"""``keras.preprocessing.image``: ``array_to_img``, ``img_to_array``, ``load_img``,
``save_img``, ``smart_resize`` (the ``keras.utils`` image functions), and the legacy
``ImageDataGenerator`` with its iterators and transforms of one image
(``shenjing.preprocessing.image``)."""

from ...utils.image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize  # noqa: F401
from ...preprocessing.image import (  # noqa: F401
    DataFrameIterator, DirectoryIterator, ImageDataGenerator, Iterator, NumpyArrayIterator,
    apply_affine_transform, apply_brightness_shift, apply_channel_shift, random_brightness,
    random_channel_shift, random_rotation, random_shear, random_shift, random_zoom,
    transform_matrix_offset_center)

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize",
           "ImageDataGenerator", "Iterator", "NumpyArrayIterator", "DirectoryIterator",
           "DataFrameIterator", "apply_affine_transform", "apply_brightness_shift",
           "apply_channel_shift", "random_brightness", "random_channel_shift", "random_rotation",
           "random_shear", "random_shift", "random_zoom", "transform_matrix_offset_center"]
