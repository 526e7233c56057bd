"""``keras.utils.array_to_img`` / ``img_to_array`` / ``save_img`` / ``load_img``: between
(H, W, C) arrays and PIL images (Pillow is needed only when these are called).

``array_to_img(x, scale=True)`` shifts and scales ``x`` to 0..255 when ``scale`` (x - min, then
/ max, then * 255), and makes an RGBA, RGB or grayscale ("L", or "I" when values pass 255)
image from 4, 3 or 1 channels. ``open_image`` decodes a file safely (regular files only,
decompression bombs refused); ``smart_resize`` resizes without distorting the aspect ratio."""

import os

import numpy as np

from ..safety import FormatError, ResourceLimitError
from ..safety.files import open_regular


def _pil_image():
    try:
        from PIL import Image
    except ImportError as error:  # pragma: no cover - Pillow is installed here
        raise ImportError("Could not import PIL.Image. The use of `array_to_img` requires PIL: "
                          "`pip install pillow`.") from error
    return Image


def _data_format(data_format):
    data_format = data_format or "channels_last"
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("Expected `data_format` to be 'channels_last' or 'channels_first'. "
                         f"Received: data_format={data_format!r}")
    return data_format


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A PIL image from a rank-3 array (a Tensor or NumPy array)."""
    Image = _pil_image()
    data_format = _data_format(data_format)
    x = np.asarray(x, dtype=dtype or "float32")
    if x.ndim != 3:
        raise ValueError("Expected image array to have rank 3 (single image). "
                         f"Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x = x / x_max
        x = x * 255
    channels = x.shape[2]
    if channels == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img, data_format=None, dtype=None):
    """A (H, W, C) (or (C, H, W)) float32 array from a PIL image."""
    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or "float32")
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write the rank-3 array ``x`` as an image file (format from ``file_format`` or the name)."""
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and (file_format in ("jpg", "jpeg")
                               or str(path).lower().endswith((".jpg", ".jpeg"))):
        img = img.convert("RGB")  # JPEG has no alpha channel
    img.save(path, format=file_format, **kwargs)


def open_image(path):
    """The PIL image in the regular file ``path``, decoded, in the mode it was stored in;
    ``FormatError`` / ``ResourceLimitError`` (decompression bombs) naming the path."""
    Image = _pil_image()
    path = os.fspath(path)
    f = open_regular(path, "image file")  # refuses folders, FIFOs and devices; opens once
    try:
        with f:
            img = Image.open(f)
            img.load()
    except Image.DecompressionBombError as error:
        raise ResourceLimitError(path, f"{error} Raise PIL.Image.MAX_IMAGE_PIXELS if you trust "
                                       "this image.") from None
    except (Image.UnidentifiedImageError, SyntaxError, EOFError, ValueError) as error:
        raise FormatError(path, f"not a readable image ({error})") from None
    except OSError as error:
        raise FormatError(path, f"not a readable image, or truncated ({error})") from None
    return img


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """A PIL image read from ``path``, converted to ``color_mode`` ("grayscale", "rgb",
    "rgba") and resized to ``target_size`` = (height, width) if given; with
    ``keep_aspect_ratio`` the largest centered crop of the target's aspect ratio is resized.
    As in Keras, "grayscale" keeps 16- and 32-bit grayscale images ("I;16", "I") with their
    raw values, and converts other modes to 8-bit "L"; ``interpolation`` is one of
    ``INTERPOLATIONS``."""
    Image = _pil_image()
    modes = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
    if color_mode not in modes:
        raise ValueError('Expected `color_mode` to be "grayscale", "rgb" or "rgba". '
                         f"Received: color_mode={color_mode!r}")
    img = open_image(path)
    if color_mode == "grayscale":
        if img.mode not in _GRAYSCALE_MODES:
            img = img.convert("L")
    elif img.mode != modes[color_mode]:
        img = img.convert(modes[color_mode])
    if target_size is not None:
        width_height = (target_size[1], target_size[0])
        if img.size != width_height:
            check_interpolation(interpolation)
            box = _center_crop_box(img.size, width_height) if keep_aspect_ratio else None
            img = img.resize(width_height, _pil_resample(Image, interpolation), box=box)
    return img


_GRAYSCALE_MODES = ("L", "I;16", "I")  # 8-, 16- and 32-bit grayscale, kept by "grayscale"
INTERPOLATIONS = ("bicubic", "bilinear", "box", "hamming", "lanczos", "nearest")  # load_img's


def check_interpolation(interpolation, where="load_img"):
    """``interpolation`` if ``load_img`` knows it, else a ValueError naming ``where``."""
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"{where}: expected `interpolation` to be one of {list(INTERPOLATIONS)}. "
                         f"Received: interpolation={interpolation!r}")
    return interpolation


def _pil_resample(Image, interpolation):
    return {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC,
            "lanczos": Image.LANCZOS, "box": Image.BOX, "hamming": Image.HAMMING}[interpolation]


def _center_crop_box(size, target):
    """The centered (left, upper, right, lower) box of ``size`` = (w, h) with the aspect ratio
    of ``target`` = (w, h), as large as fits (Keras's ``keep_aspect_ratio``)."""
    (width, height), (target_width, target_height) = size, target
    crop_height = min(height, (width * target_height) // target_width)
    crop_width = min(width, (height * target_width) // target_height)
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return (left, top, left + crop_width, top + crop_height)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", **kwargs):
    """``x`` (one image (H, W, C) or a batch (N, H, W, C); channels first with
    ``data_format``) resized to ``size`` = (height, width) without distorting its aspect ratio:
    the largest centred window of the target's aspect ratio is cropped, then resized
    (``keras.ops.image.resize(..., crop_to_aspect_ratio=True)``). Returns a NumPy array (where
    Keras returns a backend tensor for tensor input): float32 for integer images unless
    ``interpolation="nearest"``, as Keras."""
    from ..ops import image as image_ops

    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {sorted(kwargs)}")
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    array = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    if array.ndim not in (3, 4):
        raise ValueError("Expected an image array with shape `(height, width, channels)`, or "
                         "`(batch_size, height, width, channels)`, but got input with incorrect "
                         f"rank, of shape {array.shape}.")
    if interpolation != "nearest" and array.dtype.kind in "iub":
        array = array.astype("float32")  # as Keras: float32 out, no rounding or clipping to uint8
    out = image_ops.resize(array, tuple(int(s) for s in size), interpolation=interpolation,
                           crop_to_aspect_ratio=True, data_format=_data_format(data_format))
    return np.asarray(out.numpy() if hasattr(out, "numpy") else out)
