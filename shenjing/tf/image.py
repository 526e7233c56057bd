"""``tf.image``: resize, flip_left_right, flip_up_down, rot90, rgb_to_grayscale, rgb_to_hsv,
hsv_to_rgb, adjust_brightness, adjust_contrast, central_crop, resize_with_crop_or_pad,
random_flip_left_right, random_flip_up_down, extract_patches.

Images are (H, W, C) or (N, H, W, C), channels last, as in TensorFlow. Each name is an alias
of ``shenjing.ops.image`` or a differentiable composition of ``shenjing.ops`` primitives.
"""

import numpy as np  # host-side random choices and sizes

from .. import backend
from ..autograd.ops import arithmetic, reduce, shape as _shape
from ..ops import core as _core, image as _image

__all__ = ["adjust_brightness", "adjust_contrast", "central_crop", "extract_patches", "flip_left_right",
           "flip_up_down", "hsv_to_rgb", "random_flip_left_right", "random_flip_up_down", "resize",
           "resize_with_crop_or_pad", "rgb_to_grayscale", "rgb_to_hsv", "rot90"]

_METHODS = {"bilinear": "bilinear", "nearest": "nearest", "bicubic": "bicubic",
            "lanczos3": "lanczos3", "lanczos5": "lanczos5"}


def _images(image, name):
    image = _core.convert_to_tensor(image)
    if image.ndim not in (3, 4):
        raise ValueError(f"tf.image.{name}: Expected an image of rank 3 (H, W, C) or a batch of rank 4 "
                         f"(N, H, W, C). Received: image.shape={image.shape}")
    return image


def resize(images, size, method="bilinear", preserve_aspect_ratio=False, antialias=False, name=None):
    """Resized to ``size`` (height, width); integer images give float32 except with "nearest"."""
    method = getattr(method, "value", method)
    if method not in _METHODS:
        raise ValueError(f"tf.image.resize: Expected method in {sorted(_METHODS)}. Received: method={method!r}")
    images = _images(images, "resize")
    height, width = (int(s) for s in size)
    if preserve_aspect_ratio:
        h, w = images.shape[-3], images.shape[-2]
        scale = min(height / h, width / w)
        height, width = max(int(round(h * scale)), 1), max(int(round(w * scale)), 1)
    if method != "nearest" and images.dtype != np.float32 and images.dtype.kind != "f":
        images = _core.cast(images, "float32")
    return _image.resize(images, (height, width), interpolation=_METHODS[method], antialias=antialias)


def _flip(image, axis_from_end):
    index = [slice(None)] * image.ndim
    index[image.ndim - axis_from_end] = slice(None, None, -1)
    return _shape.getitem(image, tuple(index))


def flip_left_right(image):
    return _flip(_images(image, "flip_left_right"), 2)


def flip_up_down(image):
    return _flip(_images(image, "flip_up_down"), 3)


def rot90(image, k=1, name=None):
    """Rotated counter-clockwise by k quarter turns."""
    image = _images(image, "rot90")
    k = int(k) % 4
    h, w = image.ndim - 3, image.ndim - 2
    for _ in range(k):
        image = _shape.swapaxes(_flip(image, 2), h, w)
    return image


def rgb_to_grayscale(images, name=None):
    return _image.rgb_to_grayscale(images)


def rgb_to_hsv(images, name=None):
    return _image.rgb_to_hsv(images)


def hsv_to_rgb(images, name=None):
    return _image.hsv_to_rgb(images)


def adjust_brightness(image, delta):
    """image + delta."""
    image = _core.convert_to_tensor(image)
    return arithmetic.add(image, delta)


def adjust_contrast(images, contrast_factor):
    """(x - mean) * factor + mean, the mean over each image's height and width, per channel."""
    images = _images(images, "adjust_contrast")
    mean = reduce.mean(images, axis=(-3, -2), keepdims=True)
    return arithmetic.add(arithmetic.multiply(arithmetic.subtract(images, mean), contrast_factor), mean)


def central_crop(image, central_fraction):
    """The central ``central_fraction`` of the height and width (0 < fraction <= 1)."""
    if not 0.0 < central_fraction <= 1.0:
        raise ValueError(f"tf.image.central_crop: Expected 0 < central_fraction <= 1. "
                         f"Received: central_fraction={central_fraction}")
    image = _images(image, "central_crop")
    if central_fraction == 1.0:
        return image
    h, w = image.shape[-3], image.shape[-2]
    top, left = int((h - h * central_fraction) / 2), int((w - w * central_fraction) / 2)
    index = [slice(None)] * image.ndim
    index[-3], index[-2] = slice(top, h - top), slice(left, w - left)
    return _shape.getitem(image, tuple(index))


def resize_with_crop_or_pad(image, target_height, target_width):
    """Centre-cropped and/or zero-padded to (target_height, target_width)."""
    image = _images(image, "resize_with_crop_or_pad")
    h, w = image.shape[-3], image.shape[-2]
    crop_top, crop_left = max((h - target_height) // 2, 0), max((w - target_width) // 2, 0)
    index = [slice(None)] * image.ndim
    index[-3] = slice(crop_top, crop_top + min(h, target_height))
    index[-2] = slice(crop_left, crop_left + min(w, target_width))
    image = _shape.getitem(image, tuple(index))
    pad_top, pad_left = max((target_height - h) // 2, 0), max((target_width - w) // 2, 0)
    widths = [(0, 0)] * image.ndim
    widths[-3] = (pad_top, target_height - image.shape[-3] - pad_top)
    widths[-2] = (pad_left, target_width - image.shape[-2] - pad_left)
    return _shape.pad(image, widths)


def _random_flip(image, seed, axis_from_end, name):
    image = _images(image, name)
    rng = backend.rng() if seed is None else np.random.default_rng(seed)
    flipped = _flip(image, axis_from_end)
    if image.ndim == 3:
        return flipped if rng.random() < 0.5 else image
    choose = (rng.random(image.shape[0]) < 0.5).reshape(-1, 1, 1, 1)
    return arithmetic.where(backend.xp.asarray(choose), flipped, image)


def random_flip_left_right(image, seed=None):
    """Each image flipped left-right with probability 1/2 (seeded by ``seed`` when given)."""
    return _random_flip(image, seed, 2, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    return _random_flip(image, seed, 3, "random_flip_up_down")


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """TensorFlow's form: sizes, strides and rates as [1, h, w, 1]; padding "VALID" or "SAME"."""
    return _image.extract_patches(images, tuple(sizes[1:3]), strides=tuple(strides[1:3]),
                                  dilation_rate=tuple(rates[1:3]), padding=str(padding).lower())
