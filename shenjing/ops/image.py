"""``keras.ops.image``: resize, affine_transform, map_coordinates, crop_images, pad_images,
rgb_to_grayscale, rgb_to_hsv, hsv_to_rgb, extract_patches.

Images are (H, W, C) or (N, H, W, C) (``data_format="channels_last"``, the default) or
channels first. Every op is differentiable in the images (resampling weights and
coordinates are constants); values follow Keras's JAX backend.
"""

import numpy as np  # host-side shapes, weights and coordinates

from .. import backend
from ..autograd.ops import arithmetic, reduce, shape as shape_ops
from ..autograd.tensor import Tensor
from . import _sampling
from .core import cast, convert_to_tensor
from .dispatch import keras_op

__all__ = ["affine_transform", "crop_images", "extract_patches", "hsv_to_rgb", "map_coordinates",
           "pad_images", "resize", "rgb_to_grayscale", "rgb_to_hsv"]

_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")
_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _data_format(data_format):
    data_format = "channels_last" if data_format is None else str(data_format).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
                         f"Received: data_format={data_format}")
    return data_format


def _images(images, name):
    images = convert_to_tensor(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"{name}: Invalid images rank: expected rank 3 (single image) or rank 4 "
                         f"(batch of images). Received input with shape: images.shape={images.shape}")
    return images


def _float(x):
    return x if x.dtype.kind == "f" else cast(x, backend.floatx())


def _spatial_axes(images, data_format):
    return (images.ndim - 3, images.ndim - 2) if data_format == "channels_last" else \
        (images.ndim - 2, images.ndim - 1)


def _channel_axis(images, data_format):
    return images.ndim - 1 if data_format == "channels_last" else images.ndim - 3


@keras_op("resize", module="image")
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    data_format = _data_format(data_format)
    if interpolation not in _INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{_INTERPOLATIONS}. Received: interpolation={interpolation}")
    if fill_mode != "constant":
        raise ValueError("Invalid value for argument `fill_mode`. Only `'constant'` is supported. "
                         f"Received: fill_mode={fill_mode}")
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`.")
    if len(size) != 2:
        raise ValueError("Argument `size` must be a tuple of two elements (height, width). "
                         f"Received: size={size}")
    images = _images(images, "resize")
    target_h, target_w = (int(s) for s in size)
    h_axis, w_axis = _spatial_axes(images, data_format)
    height, width = images.shape[h_axis], images.shape[w_axis]
    if crop_to_aspect_ratio:
        crop_h = max(min(height, int(float(width * target_h) / target_w)), 1)
        crop_w = max(min(width, int(float(height * target_w) / target_h)), 1)
        top, left = int(float(height - crop_h) / 2), int(float(width - crop_w) / 2)
        index = [slice(None)] * images.ndim
        index[h_axis], index[w_axis] = slice(top, top + crop_h), slice(left, left + crop_w)
        images = shape_ops.getitem(images, tuple(index))
    elif pad_to_aspect_ratio:
        pad_h = max(height, int(float(width * target_h) / target_w))
        pad_w = max(width, int(float(height * target_w) / target_h))
        top, left = int(float(pad_h - height) / 2), int(float(pad_w - width) / 2)
        widths = [(0, 0)] * images.ndim
        if top > 0:
            widths[h_axis] = (top, top)
        elif left > 0:
            widths[w_axis] = (left, left)
        images = shape_ops.pad(images, widths, constant_values=fill_value)
    dtype = images.dtype
    out = _float(images) if interpolation != "nearest" else images
    out = _sampling.resize_axis(out, h_axis, target_h, interpolation, antialias)
    out = _sampling.resize_axis(out, w_axis, target_w, interpolation, antialias)
    if out.dtype != dtype:  # integer images: rounded back, as jax.image.resize does
        info = np.iinfo(dtype) if dtype.kind in "iu" else None
        rounded = Tensor(backend.xp.round(out.data))
        out = cast(arithmetic.clip(rounded, info.min, info.max) if info else rounded, dtype)
    return out


@keras_op("map_coordinates", module="image")
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """inputs sampled at ``coordinates`` (shape (inputs.ndim, ...)): order 0 (nearest) or 1 (linear)."""
    inputs = convert_to_tensor(inputs)
    coords = np.asarray(backend.to_numpy(coordinates.data) if isinstance(coordinates, Tensor)
                        else coordinates)
    if coords.dtype.kind != "f":
        coords = coords.astype(np.float64)
    if coords.ndim < 1 or coords.shape[0] != inputs.ndim:
        raise ValueError("First dim of `coordinates` must be the same as the rank of `inputs`. "
                         f"Received inputs with shape: {inputs.shape} and coordinate leading dim "
                         f"of {coords.shape[0] if coords.ndim else None}")
    if fill_mode not in _FILL_MODES:
        raise ValueError("Invalid value for argument `fill_mode`. Expected one of "
                         f"{set(_FILL_MODES)}. Received: fill_mode={fill_mode}")
    if order not in (0, 1):
        raise ValueError(f"Invalid value for argument `order`. Expected one of [0, 1]. Received: order={order}")
    dtype = inputs.dtype
    _check_fill_value("map_coordinates", fill_value, dtype)
    out = _sampling.map_coordinates(_float(inputs), coords, order, fill_mode, fill_value)
    if dtype.kind in "iub":
        out = cast(Tensor(backend.xp.round(out.data)), dtype)
    return out


@keras_op("affine_transform", module="image")
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Each output pixel (y, x) samples the input at (b1 x... ) as Keras: with the transform
    [a0, a1, a2, b0, b1, b2, c0, c1], the input point is x' = a0 x + a1 y + a2,
    y' = b0 x + b1 y + b2 (c0, c1 multiply the channel index, as Keras's JAX backend does)."""
    data_format = _data_format(data_format)
    orders = {"nearest": 0, "bilinear": 1}
    if interpolation not in orders:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{set(orders)}. Received: interpolation={interpolation}")
    if fill_mode not in _FILL_MODES:
        raise ValueError("Invalid value for argument `fill_mode`. Expected of one "
                         f"{set(_FILL_MODES)}. Received: fill_mode={fill_mode}")
    images = _images(images, "affine_transform")
    # Coordinates in the images' float dtype, as Keras computes them (nearest rounds them).
    work = images.dtype if images.dtype.kind == "f" else np.dtype(backend.floatx())
    t = np.asarray(backend.to_numpy(transform.data) if isinstance(transform, Tensor) else transform,
                   dtype=work)
    if t.ndim not in (1, 2) or t.shape[-1] != 8:
        raise ValueError("Invalid transform rank: expected rank 1 (single transform) or rank 2 "
                         f"(batch of transforms) of 8 values. Received input with shape: transform.shape={t.shape}")
    single = images.ndim == 3
    if single:
        images = shape_ops.expand_dims(images, 0)
    if data_format == "channels_first":
        images = shape_ops.transpose(images, (0, 2, 3, 1))
    t = t.reshape(-1, 8)
    if t.shape[0] not in (1, images.shape[0]):
        raise ValueError(f"affine_transform: expected one transform or one per image ("
                         f"{images.shape[0]}); received {t.shape[0]} transforms for images of "
                         f"shape {tuple(images.shape)}")
    _check_fill_value("affine_transform", fill_value, images.dtype)
    t = np.broadcast_to(t, (images.shape[0], 8))
    if not t[:, 6:].any():  # no channel terms (every Keras layer): all channels in one gather
        out = _affine_spatial(images, t, orders[interpolation], fill_mode, fill_value, work)
        if data_format == "channels_first":
            out = shape_ops.transpose(out, (0, 3, 1, 2))
        return out[0] if single else out
    h, w, c = np.meshgrid(*[np.arange(n, dtype=work) for n in images.shape[1:]], indexing="ij")
    outputs = []
    for b in range(images.shape[0]):
        a0, a1, a2, b0, b1, b2, c0, c1 = t[b]
        coords = np.stack([h * b1 + w * b0 + c * c0 + b2, h * a1 + w * a0 + c * c1 + a2, c])
        outputs.append(map_coordinates(images[b], coords, orders[interpolation], fill_mode, fill_value))
    out = shape_ops.stack(outputs)
    if data_format == "channels_first":
        out = shape_ops.transpose(out, (0, 3, 1, 2))
    return out[0] if single else out


def _check_fill_value(op, fill_value, dtype):
    """An integer image cannot hold a fill value outside its dtype's range (Keras: NumPy's
    OverflowError; a wrapped value here before)."""
    if dtype.kind in "iu" and np.ndim(fill_value) == 0:
        info = np.iinfo(dtype)
        if not info.min <= float(fill_value) <= info.max:
            raise ValueError(f"{op}: fill_value={fill_value} is outside the range of the images' "
                             f"dtype {dtype.name} [{info.min}, {info.max}]")


def _affine_spatial(images, t, order, fill_mode, fill_value, work):
    """``affine_transform`` of (B, H, W, C) images whose transforms have c0 = c1 = 0."""
    dtype = images.dtype
    h, w = np.meshgrid(*[np.arange(n, dtype=work) for n in images.shape[1:3]], indexing="ij")
    a0, a1, a2, b0, b1, b2 = (t[:, i].reshape(-1, 1, 1) for i in range(6))
    rows, cols = h * b1 + w * b0 + b2, h * a1 + w * a0 + a2
    out = _sampling.map_spatial(_float(images), rows, cols, order, fill_mode, fill_value)
    if dtype.kind in "iub":
        out = cast(Tensor(backend.xp.round(out.data)), dtype)
    return out


def _four(values, names, total, size, kind):
    first, second, target = values
    if [first, second, target].count(None) != 1:
        raise ValueError(f"Must specify exactly two of {names[0]}, {names[1]}, {names[2]}. Received: "
                         f"{names[0]}={first}, {names[1]}={second}, {names[2]}={target}")
    for name, value in zip(names, values):
        if value is not None and value < 0:
            raise ValueError(f"{name} must be >= 0. Received: {name}={value}")
    if kind == "pad":
        first = target - second - size if first is None else first
        second = target - first - size if second is None else second
    else:
        first = size - target - second if first is None else first
        second = size - first - target if second is None else second
    for name, value in zip(names[:2], (first, second)):
        if value < 0:
            raise ValueError(f"{name} must be >= 0. Received: {name}={value}")
    return int(first), int(second)


@keras_op("pad_images", module="image")
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    data_format = _data_format(data_format)
    images = _images(images, "pad_images")
    h_axis, w_axis = _spatial_axes(images, data_format)
    widths = [(0, 0)] * images.ndim
    widths[h_axis] = _four((top_padding, bottom_padding, target_height),
                           ("top_padding", "bottom_padding", "target_height"), None, images.shape[h_axis], "pad")
    widths[w_axis] = _four((left_padding, right_padding, target_width),
                           ("left_padding", "right_padding", "target_width"), None, images.shape[w_axis], "pad")
    return shape_ops.pad(images, widths)


@keras_op("crop_images", module="image")
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    data_format = _data_format(data_format)
    images = _images(images, "crop_images")
    h_axis, w_axis = _spatial_axes(images, data_format)
    index = [slice(None)] * images.ndim
    for axis, values, names in ((h_axis, (top_cropping, bottom_cropping, target_height),
                                 ("top_cropping", "bottom_cropping", "target_height")),
                                (w_axis, (left_cropping, right_cropping, target_width),
                                 ("left_cropping", "right_cropping", "target_width"))):
        first, second = _four(values, names, None, images.shape[axis], "crop")
        index[axis] = slice(first, images.shape[axis] - second)
    return shape_ops.getitem(images, tuple(index))


@keras_op("rgb_to_grayscale", module="image", class_name="RGBToGrayscale")
def rgb_to_grayscale(images, data_format=None):
    """0.2989 R + 0.5870 G + 0.1140 B, keeping a channel axis of 1 and the input's dtype."""
    data_format = _data_format(data_format)
    images = _images(images, "rgb_to_grayscale")
    axis = _channel_axis(images, data_format)
    if images.shape[axis] not in (1, 3):
        raise ValueError("Invalid channel size: expected 3 (RGB) or 1 (Grayscale). "
                         f"Received input with shape: images.shape={images.shape}")
    if images.shape[axis] == 1:
        return images
    dtype = images.dtype
    x = _float(images)
    weights = backend.xp.asarray(np.array([0.2989, 0.5870, 0.1140]).astype(x.dtype))
    shape = [1] * x.ndim
    shape[axis] = 3
    gray = reduce.sum(arithmetic.multiply(x, Tensor(weights.reshape(shape))), axis=axis, keepdims=True)
    return gray if gray.dtype == dtype else cast(gray, dtype)


def _planes(images, data_format, name):
    data_format = _data_format(data_format)
    images = _images(images, name)
    if images.dtype.kind != "f":
        raise ValueError(f"Invalid images dtype: expected float dtype. Received: images.dtype={images.dtype}")
    axis = _channel_axis(images, data_format)
    prefix = (slice(None),) * axis
    return images, axis, [images[prefix + (i,)] for i in range(3)]


@keras_op("rgb_to_hsv", module="image", class_name="RGBToHSV")
def rgb_to_hsv(images, data_format=None):
    """Hue, saturation, value in [0, 1] (dm_pix's formulas, as Keras)."""
    images, axis, (r, g, b) = _planes(images, data_format, "rgb_to_hsv")
    eps = float(np.finfo(images.dtype).eps)
    r, g, b = [arithmetic.where(arithmetic.abs(p).data < eps, 0.0, p) for p in (r, g, b)]
    value = arithmetic.maximum(arithmetic.maximum(r, g), b)
    range_ = value - arithmetic.minimum(arithmetic.minimum(r, g), b)
    positive_value, positive_range = value.data > 0, range_.data > 0
    saturation = arithmetic.where(positive_value, range_ / arithmetic.where(positive_value, value, 1.0), 0.0)
    norm = 1.0 / (6.0 * arithmetic.where(positive_range, range_, 1.0))
    hue = arithmetic.where((value == g).data, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0)
    hue = arithmetic.where((value == r).data, norm * (g - b), hue)
    hue = arithmetic.where(positive_range, hue, 0.0)
    hue = hue + Tensor((hue.data < 0).astype(hue.dtype))
    return shape_ops.stack([hue, saturation, value], axis=axis)


@keras_op("hsv_to_rgb", module="image", class_name="HSVToRGB")
def hsv_to_rgb(images, data_format=None):
    images, axis, (hue, saturation, value) = _planes(images, data_format, "hsv_to_rgb")
    dh = (hue - Tensor(backend.xp.floor(hue.data))) * 6.0  # mod(hue, 1) * 6
    dr = arithmetic.clip(arithmetic.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    dg = arithmetic.clip(2.0 - arithmetic.abs(dh - 2.0), 0.0, 1.0)
    db = arithmetic.clip(2.0 - arithmetic.abs(dh - 4.0), 0.0, 1.0)
    one_minus_s = 1.0 - saturation
    planes = [value * (one_minus_s + saturation * d) for d in (dr, dg, db)]
    return shape_ops.stack(planes, axis=axis)


def _pair(value, name):
    if isinstance(value, int):
        return value, value
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return int(value[0]), int(value[1])
    raise ValueError(f"extract_patches: Expected {name} to be an int or a tuple of 2 ints. Received: {name}={value}")


@keras_op("extract_patches", module="image")
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of ``size`` as the last (channel) axis, flattened in (row, column, channel)
    order, as Keras's identity-kernel convolution; ``padding`` "valid" or "same"."""
    data_format = _data_format(data_format)
    images = _images(images, "extract_patches")
    (ph, pw), (dh, dw) = _pair(size, "size"), _pair(dilation_rate, "dilation_rate")
    sh, sw = _pair(size if strides is None else strides, "strides")
    if padding not in ("valid", "same"):
        raise ValueError(f"extract_patches: Expected padding 'valid' or 'same'. Received: padding={padding}")
    single = images.ndim == 3
    x = shape_ops.expand_dims(images, 0) if single else images
    if data_format == "channels_first":
        x = shape_ops.transpose(x, (0, 2, 3, 1))
    spans = [(k - 1) * d + 1 for k, d in ((ph, dh), (pw, dw))]
    if padding == "same":
        outs = [-(-n // s) for n, s in ((x.shape[1], sh), (x.shape[2], sw))]
        totals = [max((o - 1) * s + span - n, 0) for o, s, span, n in
                  zip(outs, (sh, sw), spans, x.shape[1:3])]
        x = shape_ops.pad(x, [(0, 0), (totals[0] // 2, totals[0] - totals[0] // 2),
                              (totals[1] // 2, totals[1] - totals[1] // 2), (0, 0)])
    oh, ow = [(n - span) // s + 1 for n, span, s in zip(x.shape[1:3], spans, (sh, sw))]
    if oh <= 0 or ow <= 0:
        raise ValueError(f"extract_patches: patches of size {(ph, pw)} (dilation {(dh, dw)}) do not fit "
                         f"in images of shape {images.shape}")
    pieces = [x[:, i * dh: i * dh + (oh - 1) * sh + 1: sh, j * dw: j * dw + (ow - 1) * sw + 1: sw, :]
              for i in range(ph) for j in range(pw)]
    out = shape_ops.reshape(shape_ops.stack(pieces, axis=3), (x.shape[0], oh, ow, -1))
    if data_format == "channels_first":
        out = shape_ops.transpose(out, (0, 3, 1, 2))
    return out[0] if single else out
