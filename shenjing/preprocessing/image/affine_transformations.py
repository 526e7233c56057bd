"""The legacy ``keras.preprocessing.image`` transforms of one image (rank 3): affine resampling,
channel shift and brightness, with Keras's signatures and matrix conventions.

``apply_affine_transform`` composes ``rotation(theta) @ shift(tx, ty) @ shear @ zoom(zx, zy)``
(angles in degrees), moves the origin to the image centre
(``transform_matrix_offset_center``), and samples the input at ``M @ (i, j, 1)`` for each
output pixel, as ``scipy.ndimage.affine_transform`` does (the result equals scipy's, fill modes
included). Orders 0 and 1 on float images sample every channel at once from one grid of
coordinates (3-5x faster than one scipy call per channel; shifts and zooms alone, a diagonal
matrix, are sampled rows then columns); other orders and integer images use scipy per
channel, as Keras does. Order 0 gives scipy's very values; order 1 agrees to float rounding. The ``random_*`` functions draw from NumPy's
global generator, as Keras's do.
"""

import numpy as np

_FAST_MODES = ("nearest", "constant", "reflect", "wrap")
_GRIDS = {}  # (rows, cols) -> flattened float64 output coordinates, reused between images


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


def _map_outside(c, n, mode):
    """scipy.ndimage's ``map_coordinate`` for coordinates outside [0, n - 1] (in place)."""
    if mode == "nearest" or n <= 1:
        np.clip(c, 0, n - 1, out=c)
        return c
    if mode == "reflect":  # d c b a | a b c d | d c b a, period 2n
        period = 2 * n
        low = c < 0
        if low.any():
            v = c[low]
            v = np.where(v < -period, period * np.trunc(-v / period) + v, v)
            c[low] = np.where(v < -n, v + period, -v - 1)
        high = c > n - 1
        if high.any():
            v = c[high]
            v = v - period * np.trunc(v / period)
            c[high] = np.where(v >= n, period - v - 1, v)
    elif mode == "wrap":  # scipy's "wrap": the first and last samples overlap, period n - 1
        period = n - 1
        low = c < 0
        if low.any():
            v = c[low]
            c[low] = v + period * (np.trunc(-v / period) + 1)
        high = c > n - 1
        if high.any():
            v = c[high]
            c[high] = v - period * np.trunc(v / period)
    return c


def _grid(rows, cols):
    key = (rows, cols)
    grid = _GRIDS.get(key)
    if grid is None:
        if len(_GRIDS) > 16:
            _GRIDS.clear()
        i, j = np.meshgrid(np.arange(rows, dtype=np.float64), np.arange(cols, dtype=np.float64),
                           indexing="ij")
        grid = _GRIDS[key] = (i.ravel(), j.ravel())
    return grid


def _axis_samples(coords, n, order, mode):
    """For coordinates along one axis: (first neighbour, second neighbour, weight of the
    second, outside mask or None), scipy's rules; order 0 has no second neighbour."""
    outside = None
    if mode == "constant":  # scipy >= 1.6: cval outside [0, n - 1], no interpolation there
        outside = (coords < 0) | (coords > n - 1)
        np.clip(coords, 0, n - 1, out=coords)
    else:
        _map_outside(coords, n, mode)
    if order == 0:
        return np.clip(np.floor(coords + 0.5).astype(np.intp), 0, n - 1), None, None, outside
    first = np.floor(coords)
    weight = coords - first
    first = first.astype(np.intp)
    # A mapped coordinate lies in (-1, n - 1]: a neighbour past an edge either has weight 0
    # or is that edge's own sample (scipy's reflect/nearest extension), so clip is exact.
    second = np.clip(first + 1, 0, n - 1)
    np.clip(first, 0, n - 1, out=first)
    return first, second, weight, outside


def _resample_separable(planes, scale, offset, order, mode, cval):
    """``_resample_planes`` for a diagonal matrix (shifts and zooms): rows, then columns."""
    channels, rows, cols = planes.shape
    r0, r1, wr, out_r = _axis_samples(scale[0] * np.arange(rows, dtype=np.float64) + offset[0],
                                      rows, order, mode)
    c0, c1, wc, out_c = _axis_samples(scale[1] * np.arange(cols, dtype=np.float64) + offset[1],
                                      cols, order, mode)
    out = np.take(planes, r0, axis=1)
    if order == 1:
        lower = np.take(planes, r1, axis=1)
        lower -= out
        lower *= wr.astype(planes.dtype)[:, None]
        out += lower
    right = np.take(out, c1, axis=2) if order == 1 else None
    out = np.take(out, c0, axis=2)
    if order == 1:
        right -= out
        right *= wc.astype(planes.dtype)
        out += right
    if out_r is not None:
        out[:, out_r, :] = cval
        out[:, :, out_c] = cval
    return out


def _resample_planes(planes, matrix, offset, order, mode, cval):
    """``planes`` (C, R, K) sampled at ``matrix @ (i, j) + offset`` for every output (i, j):
    scipy.ndimage.affine_transform's result for orders 0 and 1, all channels in one gather."""
    if matrix[0, 1] == 0 and matrix[1, 0] == 0:
        return _resample_separable(planes, (matrix[0, 0], matrix[1, 1]), offset, order, mode,
                                   cval)
    channels, rows, cols = planes.shape
    i, j = _grid(rows, cols)
    # scipy's arithmetic and order ((offset + m0 * i) + m1 * j, in float64), so the sampled
    # coordinates, and so the nearest neighbours and the fill-mode boundaries, agree exactly.
    r = matrix[0, 0] * i
    r += offset[0]
    r += matrix[0, 1] * j
    c = matrix[1, 0] * i
    c += offset[1]
    c += matrix[1, 1] * j
    r0, r1, wr, out_r = _axis_samples(r, rows, order, mode)
    c0, c1, wc, out_c = _axis_samples(c, cols, order, mode)
    flat = planes.reshape(channels, rows * cols)
    r0 *= cols
    out = np.take(flat, r0 + c0, axis=1)
    if order == 1:
        r1 *= cols
        wr = wr.astype(flat.dtype)
        wc = wc.astype(flat.dtype)
        right = np.take(flat, r0 + c1, axis=1)
        right -= out
        right *= wc
        out += right
        lower = np.take(flat, r1 + c0, axis=1)
        right = np.take(flat, r1 + c1, axis=1)
        right -= lower
        right *= wc
        lower += right
        lower -= out
        lower *= wr
        out += lower
    if out_r is not None:
        out[:, out_r | out_c] = cval
    return out.reshape(channels, rows, cols)


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
    matrix = _compose(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    if col_axis > row_axis:  # the matrix is in (x, y) terms; arrays index (row, col): P M P
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    linear, offset = matrix[:2, :2], matrix[:2, 2]
    planes = np.moveaxis(x, channel_axis, 0)
    if np.array_equal(linear, np.eye(2)) and not offset.any():
        return np.moveaxis(planes.copy(), 0, channel_axis)
    if order in (0, 1) and fill_mode in _FAST_MODES and np.issubdtype(x.dtype, np.floating):
        out = _resample_planes(planes, linear, offset, order, fill_mode, cval)
    else:
        out = np.stack([ndimage.affine_transform(plane, linear, offset, order=order,
                                                 mode=fill_mode, cval=cval)
                        for plane in planes])
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
