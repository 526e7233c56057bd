"""``keras.preprocessing.image``: the image array helpers of ``keras.utils`` (one implementation)."""

from ...utils.image_utils import array_to_img, img_to_array, load_img, save_img  # noqa: F401

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img"]
