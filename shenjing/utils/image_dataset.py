"""``keras.utils.image_dataset_from_directory``: a ``shenjing.data.Dataset`` of
``(images, labels)`` batches read from ``.bmp/.gif/.jpeg/.jpg/.png`` files, with Keras 3's
contract.

Files are indexed, shuffled and split as ``text_dataset_from_directory`` does (see
``_dataset_index``). Each image is decoded with Pillow (first frame of an animation),
converted to ``color_mode`` ("grayscale" 1, "rgb" 3, "rgba" 4 channels; colour PNGs to gray
with libpng's weights, 16-bit PNGs to their high byte, as TF decodes them) and resized to
``image_size`` = (height, width) with ``keras.ops.image.resize`` (no antialiasing, as
``tf.image.resize``): float32 values in 0..255, or uint8 for ``interpolation="nearest"``
(``tf.image.resize`` keeps the dtype for nearest). ``crop_to_aspect_ratio`` takes the largest
centred window of the target's aspect ratio first; ``pad_to_aspect_ratio`` resizes to fit
inside the target and pads with zeros, as ``tf.image.resize_with_pad``. The datasets carry
``class_names`` and ``file_paths`` (the subset's paths, in their shuffled order).

Batches are decoded in a thread per usable core (``DECODE_CALLS``; Pillow releases the GIL
while it decodes), each batch whole by one thread, when the files average 4 KB or more
(``decode_calls``; smaller ones decode faster in one thread), and prefetched, as TF's
pipeline does.
"""

import math
import os

import numpy as np

from ..data import AUTOTUNE
from ..ops import image as image_ops
from ._dataset_index import check_labels, path_dataset, prepare_index, subset_datasets
from .image_utils import open_image

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}
_KERAS_ONLY = ("area", "gaussian", "mitchellcubic")
DECODE_CALLS = AUTOTUNE  # batches decoded at once: a thread per usable core (None: serially)
PARALLEL_BYTES = 4096  # files this large on average are decoded in threads (see decode_calls)


def _resize_with_pad(img, height, width, interpolation):
    """``tf.image.resize_with_pad``: resize to fit inside (height, width), keeping the aspect
    ratio, then pad with zeros (the image's top-left at the floored half margins)."""
    h, w = img.shape[0], img.shape[1]
    ratio = max(w / width, h / height)
    new_h, new_w = int(h / ratio), int(w / ratio)
    top = max(0, int(math.floor((height - h / ratio) / 2)))
    left = max(0, int(math.floor((width - w / ratio) / 2)))
    resized = np.asarray(image_ops.resize(img, (new_h, new_w), interpolation=interpolation))
    out = np.zeros((height, width, img.shape[2]), dtype=resized.dtype)
    out[top:top + new_h, left:left + new_w] = resized
    return out


def _png_gray(rgb):
    """libpng's RGB to gray as TF asks for it (``png_set_rgb_to_gray(png, 1, 0.299, 0.587)``):
    the coefficients truncated to 15 bits, 9797 R + 19234 G + 3737 B, the sum shifted right by
    15 without rounding (libpng's 8-bit path without gamma; a PNG's gAMA/sRGB chunk, which
    sends libpng through its gamma tables, is not modelled); gray pixels stay as they are."""
    rgb = rgb.astype("int64")
    gray = (9797 * rgb[..., 0] + 19234 * rgb[..., 1] + 3737 * rgb[..., 2]) >> 15
    return gray.astype("uint8")


_WIDE_GRAY = ("I;16", "I;16B", "I;16L", "I;16N", "I")  # 16-bit gray PNGs (and 32-bit "I")


def decode_pixels(img, color_mode, png):
    """A decoded PIL image as a uint8 (H, W) or (H, W, C) array in ``color_mode``, as TF's
    ``decode_image(channels=...)`` gives it: 16-bit samples keep their high byte
    (``png_set_strip_16``), colour PNGs turn gray with libpng's weights (``_png_gray``),
    everything else through Pillow's conversions."""
    if img.mode in _WIDE_GRAY:
        gray = (np.asarray(img).astype(np.int64) >> 8).clip(0, 255).astype(np.uint8)
        if color_mode == "grayscale":
            return gray
        planes = [gray] * 3 + ([np.full_like(gray, 255)] if color_mode == "rgba" else [])
        return np.stack(planes, axis=-1)
    if color_mode == "grayscale" and png:
        if img.mode in ("L", "LA", "1"):
            return np.asarray(img.convert("L") if img.mode == "1" else img)[..., 0] \
                if img.mode == "LA" else np.asarray(img.convert("L") if img.mode == "1" else img)
        return _png_gray(np.asarray(img.convert("RGB")))
    target = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}[color_mode]
    return np.asarray(img if img.mode == target else img.convert(target))


def load_image(path, image_size, color_mode, interpolation, data_format,
               crop_to_aspect_ratio=False, pad_to_aspect_ratio=False):
    """One image file as a (H, W, C) (or (C, H, W)) array, as Keras's ``_load_image_tf``.
    An image that already has ``image_size`` is not resampled (every interpolation gives it
    back unchanged)."""
    img = decode_pixels(open_image(path), color_mode, path.lower().endswith(".png"))
    img = img[:, :, None] if img.ndim == 2 else img
    if interpolation != "nearest":
        img = img.astype("float32")
    if img.shape[:2] == tuple(image_size):
        pass
    elif pad_to_aspect_ratio:
        img = _resize_with_pad(img, image_size[0], image_size[1], interpolation)
    else:
        img = np.asarray(image_ops.resize(img, image_size, interpolation=interpolation,
                                          crop_to_aspect_ratio=crop_to_aspect_ratio))
    return img.transpose(2, 0, 1) if data_format == "channels_first" else img


def _dataset(paths, labels, label_mode, num_classes, load, shuffle, seed, batch_size):
    ds = path_dataset(paths, labels, label_mode, num_classes, shuffle, batch_size, seed)

    def load_one(path):
        return load(_as_str(path))

    if batch_size is None:
        decode = load_one
    else:  # batches of paths, each decoded whole by one task: the same batches, less overhead
        ds = ds.batch(batch_size)

        def decode(paths):
            return np.stack([load_one(p) for p in np.asarray(paths).reshape(-1)])

    calls = decode_calls(paths)
    if label_mode is None:
        ds = ds.map(decode, num_parallel_calls=calls)
    else:
        ds = ds.map(lambda p, y: (decode(p), y), num_parallel_calls=calls)
    return ds.prefetch(AUTOTUNE)


def decode_calls(paths, sample=32):
    """``DECODE_CALLS`` (a thread per core; Pillow decodes with the GIL released) for files
    of ``PARALLEL_BYTES`` or more on average (over the first ``sample``), else None: decoding
    a tiny image is mostly Python that holds the GIL, and threads would only add hand-offs."""
    sizes = []
    for path in paths[:sample]:
        try:
            sizes.append(os.path.getsize(path))
        except OSError:
            pass   # reading it will say what is wrong
    if DECODE_CALLS is None or not sizes or sum(sizes) / len(sizes) < PARALLEL_BYTES:
        return None
    return DECODE_CALLS


def _as_str(path):
    path = path.numpy() if hasattr(path, "numpy") else path
    path = path.item() if isinstance(path, np.ndarray) else path
    return path.decode() if isinstance(path, bytes) else str(path)


def _check_args(labels, label_mode, class_names, color_mode, image_size, interpolation,
                crop_to_aspect_ratio, pad_to_aspect_ratio, format):
    check_labels(labels, label_mode, class_names, format, "image")
    if color_mode not in _CHANNELS:
        raise ValueError('`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
                         f"Received: color_mode={color_mode}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError("Invalid `image_size` value. Expected a tuple of 2 integers. "
                         f"Received: image_size={image_size}")
    interpolation = interpolation.lower()
    if interpolation in _KERAS_ONLY:
        raise ValueError(f"`interpolation={interpolation!r}` (a tf.image.resize method) is not "
                         "supported by shenjing; use one of "
                         f"{image_ops._INTERPOLATIONS}.")
    if interpolation not in image_ops._INTERPOLATIONS:
        raise ValueError(f"Argument `interpolation` should be one of {image_ops._INTERPOLATIONS}. "
                         f"Received: interpolation={interpolation}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set "
                         "to `True`.")
    return tuple(int(s) for s in image_size), interpolation


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, format="tf",
                                 verbose=True):
    """A Dataset of ``(images, labels)`` from ``directory`` (see the module docstring); a list
    ``[train, validation]`` for ``subset="both"``."""
    image_size, interpolation = _check_args(labels, label_mode, class_names, color_mode,
                                            image_size, interpolation, crop_to_aspect_ratio,
                                            pad_to_aspect_ratio, format)
    data_format = image_ops._data_format(data_format)
    paths, found, names, label_mode, seed = prepare_index(
        directory, labels, label_mode, class_names, follow_links, ALLOWLIST_FORMATS,
        validation_split, subset, shuffle, seed, verbose)

    def load(path):
        return load_image(path, image_size, color_mode, interpolation, data_format,
                          crop_to_aspect_ratio, pad_to_aspect_ratio)

    num_classes = len(names) if names else 0

    def make(part, part_paths, part_labels, shuffle):
        if not part_paths:
            which = f"{part} " if subset == "both" else ""
            raise ValueError(f"No {which}images found in directory {directory}. "
                             f"Allowed formats: {ALLOWLIST_FORMATS}")
        ds = _dataset(part_paths, part_labels, label_mode, num_classes, load, shuffle, seed,
                      batch_size)
        ds.file_paths = list(part_paths)
        return ds

    return subset_datasets(paths, found, names, validation_split, subset, shuffle, make)

__all__ = ["image_dataset_from_directory"]
