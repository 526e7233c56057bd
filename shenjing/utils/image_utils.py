"""``keras.utils.array_to_img`` / ``img_to_array`` / ``save_img`` / ``load_img`` (also reached as
``keras.preprocessing.image.*``): NumPy arrays (H, W, C) to and from PIL images.

``array_to_img(x, scale=True)``: x -= min(x); x *= 255 / max(x) (when max > 0), then uint8.
Channels: 1 -> mode "L" (or "I" for int32 data without scaling), 3 -> "RGB", 4 -> "RGBA".
Needs the optional Pillow package, as in Keras.
"""

import numpy as np  # host-side image bookkeeping only: PIL reads and writes NumPy arrays

try:
    from PIL import Image as pil_image
except ImportError:  # optional dependency, as in Keras
    pil_image = None

_PIL_INTERPOLATION = {"nearest": 0, "bilinear": 2, "bicubic": 3, "lanczos": 1, "box": 4, "hamming": 5}


def _require_pil(name):
    if pil_image is None:
        raise ImportError(f"Could not import PIL.Image. The use of `{name}` requires PIL "
                          "(`pip install pillow`).")


def _check_data_format(data_format):
    data_format = data_format or "channels_last"
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Invalid data_format: {data_format}")
    return data_format


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A 3-D array (height, width, channels) -> a PIL image."""
    _require_pil("array_to_img")
    data_format = _check_data_format(data_format)
    x = np.asarray(x.numpy() if hasattr(x, "numpy") else x, dtype=dtype or "float32")
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}")
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
        return pil_image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return pil_image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit signed integer grayscale
            return pil_image.fromarray(x[:, :, 0].astype("int32"), "I")
        return pil_image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img, data_format=None, dtype=None):
    """A PIL image -> a float32 array (height, width, channels) (or channels first)."""
    data_format = _check_data_format(data_format)
    x = np.asarray(img, dtype=dtype or "float32")
    if x.ndim == 2:
        x = x[:, :, None]
    elif x.ndim != 3:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write an image array to ``path`` (format from ``file_format`` or the extension)."""
    img = array_to_img(x, data_format=data_format, scale=scale)
    jpeg = (file_format or "").lower() in ("jpg", "jpeg") or str(path).lower().endswith((".jpg", ".jpeg"))
    if img.mode == "RGBA" and jpeg:  # JPEG has no alpha channel
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """Read an image file into a PIL image in ``color_mode`` ("grayscale", "rgb" or "rgba"),
    resized to ``target_size`` = (height, width) when given."""
    _require_pil("load_img")
    modes = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
    if color_mode not in modes:
        raise ValueError(f'color_mode must be "grayscale", "rgb", or "rgba". Received: color_mode={color_mode}')
    img = pil_image.open(path)
    if img.mode != modes[color_mode]:
        img = img.convert(modes[color_mode])
    if target_size is not None:
        height, width = int(target_size[0]), int(target_size[1])
        if interpolation not in _PIL_INTERPOLATION:
            raise ValueError(f"Invalid interpolation method {interpolation!r}. Supported methods are "
                             f"{', '.join(_PIL_INTERPOLATION)}")
        if (img.size[0], img.size[1]) != (width, height):
            if keep_aspect_ratio:  # centre-crop to the target's aspect ratio first
                w, h = img.size
                crop_h = min(h, int(w * height / width))
                crop_w = min(w, int(h * width / height))
                top, left = (h - crop_h) // 2, (w - crop_w) // 2
                img = img.crop((left, top, left + crop_w, top + crop_h))
            img = img.resize((width, height), _PIL_INTERPOLATION[interpolation])
    return img
