"""Affine resampling of an image's channels at once, in array-module code (NumPy): the
twin of ``warp_numba`` (same values to float rounding; order 0 the very same).

``affine_resample(planes, matrix, offset, order, mode, cval)`` samples ``planes`` (C, R, K)
at ``matrix @ (i, j) + offset`` for every output pixel (i, j), as
``scipy.ndimage.affine_transform`` does channel by channel: orders 0 (nearest) and 1
(linear), fill modes "nearest", "constant", "reflect", "wrap" with scipy's (>= 1.6) meanings:
"constant" gives ``cval`` outside [0, n - 1] and does not interpolate there; "reflect" is
d c b a | a b c d | d c b a; "wrap" overlaps the first and last samples (period n - 1).
These are not ``ops/_sampling.FIXERS``' rules: those follow JAX's ``map_coordinates`` for
``keras.ops.image`` and the layers, these SciPy's for the legacy ``ImageDataGenerator``,
whose values Keras computes with ``scipy.ndimage``.
"""

import threading

import numpy as np

MODES = ("nearest", "constant", "reflect", "wrap")
_GRIDS_LOCK = threading.Lock()
_GRIDS = {}  # (rows, cols) -> flattened float64 output coordinates, reused between images
_GRID_BYTES = 64 * 2**20  # the cache holds at most this many bytes of grids


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
        i, j = np.meshgrid(np.arange(rows, dtype=np.float64), np.arange(cols, dtype=np.float64),
                           indexing="ij")
        grid = (i.ravel(), j.ravel())
        size = 16 * rows * cols
        if size <= _GRID_BYTES:  # a grid larger than the whole cache is not kept
            with _GRIDS_LOCK:  # worker threads share the cache
                if size + sum(16 * a.size for a, _ in _GRIDS.values()) > _GRID_BYTES:
                    _GRIDS.clear()
                _GRIDS[key] = grid
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
    """``affine_resample`` for a diagonal matrix (shifts and zooms): rows, then columns."""
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


def affine_resample(planes, matrix, offset, order, mode, cval):
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
