"""The legacy ``keras.preprocessing.image`` transforms of one image (rank 3): affine resampling,
channel shift and brightness, with Keras's signatures and matrix conventions.

``apply_affine_transform`` composes ``rotation(theta) @ shift(tx, ty) @ shear @ zoom(zx, zy)``
(angles in degrees), moves the origin to the image centre
(``transform_matrix_offset_center``), and samples the input at ``M @ (i, j, 1)`` for each
output pixel, as ``scipy.ndimage.affine_transform`` does (the result equals scipy's, fill modes
included). Orders 0 and 1 on float images sample every channel in one pass
(``backend.kernels.warp``: a compiled loop, or NumPy gathers from one grid of coordinates),
several times faster than Keras's one scipy call per channel; other orders and integer
images use scipy per channel, as Keras does. Order 0 gives scipy's very values, order 1
agrees to float rounding. The ``random_*`` functions draw from NumPy's global generator, as
Keras's do.

Keras's conventions, kept so that results match: the matrix is built in (x, y) terms and
swapped into (row, col) when ``col_axis > row_axis`` (every usual layout), so ``tx`` moves the
image along its columns and ``ty`` along its rows, ``zx`` scales the columns, and theta = 90
is ``np.rot90``; the centre is taken as ((rows - 1) / 2, (cols - 1) / 2) before that swap, so
on a non-square image the rotation and zoom centre is off by half the difference.
"""

import numpy as np

from ...backend.kernels.warp import affine_resample
from ...backend.kernels.warp_numpy import MODES as _FAST_MODES

FILL_MODES = ("constant", "nearest", "reflect", "wrap")
SCIPY_MODES = ("mirror", "grid-constant", "grid-wrap", "grid-mirror")  # scipy's, also passed on


def check_order_and_fill_mode(order, fill_mode, where="apply_affine_transform"):
    """``order`` an integer spline order 0..5 and ``fill_mode`` one of scipy.ndimage's modes,
    else a ValueError naming ``where`` (scipy itself raises a RuntimeError)."""
    if (isinstance(order, bool) or not isinstance(order, (int, np.integer))
            or not 0 <= order <= 5):
        raise ValueError(f"{where}: expected the spline order to be an integer from 0 to 5. "
                         f"Received: {order!r}")
    if fill_mode not in FILL_MODES + SCIPY_MODES:
        raise ValueError(f"{where}: expected `fill_mode` to be one of {FILL_MODES} (or scipy's "
                         f"{SCIPY_MODES}). Received: fill_mode={fill_mode!r}")


def transform_matrix_offset_center(matrix, x, y):
    """``matrix`` (3x3) about the centre of an ``x`` by ``y`` image: ``T(c) @ matrix @ T(-c)``
    with ``c = (x / 2 - 0.5, y / 2 - 0.5)``."""
    o_x = float(x) / 2 - 0.5
    o_y = float(y) / 2 - 0.5
    to_center = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    from_center = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return to_center @ matrix @ from_center


def _compose(theta, tx, ty, shear, zx, zy):
    """The 3x3 matrix of Keras's composition, or None when every parameter is neutral."""
    parts = []
    if theta != 0:
        t = np.deg2rad(theta)
        parts.append(np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]]))
    if tx != 0 or ty != 0:
        parts.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        parts.append(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        parts.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    if not parts:
        return None
    matrix = parts[0]
    for part in parts[1:]:
        matrix = np.dot(matrix, part)
    return matrix


def _check_axes(x, row_axis, col_axis, channel_axis):
    if len({row_axis, col_axis, channel_axis}) != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct. "
                         f"Received: row_axis={row_axis}, col_axis={col_axis}, "
                         f"channel_axis={channel_axis}")
    invalid = {row_axis, col_axis, channel_axis} - {0, 1, 2}
    if invalid:
        raise ValueError(f"Invalid axis' indices: {invalid} (expected 0, 1 and 2)")
    if x.ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images (rank 3). "
                         f"Received: x.shape={x.shape}")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed only on the first and last dimensions. "
                         f"Received: channel_axis={channel_axis}")


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2,
                           channel_axis=0, fill_mode="nearest", cval=0.0, order=1):
    """``x`` (rank 3) rotated by ``theta`` degrees, shifted by (``tx``, ``ty``) pixels, sheared
    by ``shear`` degrees and zoomed by (``zx``, ``zy``) about its centre; points outside the
    input are filled by ``fill_mode`` ("constant", "nearest", "reflect" or "wrap", scipy's
    meanings) with ``cval``; ``order`` is the spline order. ``x`` itself when every
    parameter is neutral."""
    from scipy import ndimage

    x = np.asarray(x)
    _check_axes(x, row_axis, col_axis, channel_axis)
    check_order_and_fill_mode(order, fill_mode)
    matrix = _compose(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    if col_axis > row_axis:  # the matrix is in (x, y) terms; arrays index (row, col): P M P
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    linear, offset = matrix[:2, :2], matrix[:2, 2]
    if np.array_equal(linear, np.eye(2)) and not offset.any():
        return x.copy()
    if order in (0, 1) and fill_mode in _FAST_MODES and np.issubdtype(x.dtype, np.floating):
        return affine_resample(x, channel_axis, linear, offset, order, fill_mode, cval)
    out = np.stack([ndimage.affine_transform(plane, linear, offset, order=order,
                                             mode=fill_mode, cval=cval)
                    for plane in np.moveaxis(x, channel_axis, 0)])
    return np.moveaxis(out, 0, channel_axis)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                    interpolation_order=1):
    """``x`` rotated by an angle drawn from U(-rg, rg) degrees."""
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """``x`` shifted by fractions drawn from U(-hrg, hrg) of its height and U(-wrg, wrg) of its
    width (the height shift is drawn first)."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """``x`` sheared by an angle drawn from U(-intensity, intensity) degrees."""
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    """``x`` zoomed by (zx, zy) drawn from U(lo, hi) each, ``zoom_range = (lo, hi)``; values
    above 1 sample a larger area (the image shrinks)."""
    if len(zoom_range) != 2:
        raise ValueError("`zoom_range` should be a tuple or list of two floats. "
                         f"Received: {zoom_range}")
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def apply_channel_shift(x, intensity, channel_axis=0):
    """``clip(x + intensity, min(x), max(x))``: every channel shifted by ``intensity``, kept
    within the image's overall range (``channel_axis`` only names the layout, as in Keras)."""
    x = np.asarray(x)
    return np.clip(x + intensity, np.min(x), np.max(x))


def random_channel_shift(x, intensity_range, channel_axis=0):
    """``apply_channel_shift`` with an intensity drawn from U(-intensity_range, intensity_range)."""
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """``x`` (H, W, C) through PIL's ``ImageEnhance.Brightness(img).enhance(brightness)``, as
    Keras does: the image is made 8-bit (scaled to 0..255 when ``scale`` or when ``x`` leaves
    that range), and mapped back to ``x``'s range when ``scale`` is False. Needs Pillow."""
    from PIL import ImageEnhance

    from ...utils.image_utils import array_to_img, img_to_array

    x_min, x_max = np.min(x), np.max(x)
    local_scale = (x_min < 0) or (x_max > 255)
    img = array_to_img(x, scale=local_scale or scale)
    x = img_to_array(ImageEnhance.Brightness(img).enhance(brightness))
    if not scale and local_scale:
        x = x / 255 * (x_max - x_min) + x_min
    return x


def random_brightness(x, brightness_range, scale=True):
    """``apply_brightness_shift`` with a factor drawn from U(*brightness_range)."""
    if len(brightness_range) != 2:
        raise ValueError("`brightness_range should be tuple or list of two floats. "
                         f"Received: {brightness_range}")
    u = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, u, scale)
