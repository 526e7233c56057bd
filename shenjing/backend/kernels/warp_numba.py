"""Affine resampling of an image's channels at once as a compiled loop: the twin of
``warp_numpy.affine_resample`` (same sampled coordinates and fill-mode rules, scipy's; the
linear weights summed in scipy's order, in float64).

One pass over the output pixels: each pixel's source coordinates ``(o0 + m00 i) + m01 j``,
``(o1 + m10 i) + m11 j`` (scipy's arithmetic), mapped by the fill mode, then the nearest
sample (order 0) or the 4 linear neighbours (order 1) of every channel. ``x`` and ``out`` are
C-contiguous (R, K, C) arrays when ``channels_last``, else (C, R, K).
"""

import math

import numba
import numpy as np

jit = numba.njit(cache=True, nogil=True, error_model="numpy")

MODE_CODES = {"nearest": 0, "constant": 1, "reflect": 2, "wrap": 3}


@jit
def _map(c, n, mode):
    """scipy.ndimage's ``map_coordinate``: ``c`` outside [0, n - 1] brought inside (constant:
    never called outside)."""
    if c >= 0 and c <= n - 1:
        return c
    if mode == 0 or n <= 1:
        return 0.0 if c < 0 else n - 1.0
    if mode == 2:  # reflect, period 2n
        p = 2 * n
        if c < 0:
            if c < -p:
                c = p * math.trunc(-c / p) + c
            return c + p if c < -n else -c - 1
        c = c - p * math.trunc(c / p)
        return p - c - 1 if c >= n else c
    p = n - 1  # wrap: the first and last samples overlap
    if c < 0:
        return c + p * (math.trunc(-c / p) + 1)
    return c - p * math.trunc(c / p)


@jit
def affine_resample(x, m00, m01, m10, m11, o0, o1, order, mode, cval, channels_last, out):
    """out[i, j] = x sampled at the mapped (r, c) of output pixel (i, j), every channel."""
    if channels_last:
        rows, cols, channels = x.shape
    else:
        channels, rows, cols = x.shape
    for i in range(rows):
        r_row = o0 + m00 * i
        c_row = o1 + m10 * i
        for j in range(cols):
            r = r_row + m01 * j
            c = c_row + m11 * j
            if mode == 1 and (r < 0 or r > rows - 1 or c < 0 or c > cols - 1):
                for ch in range(channels):
                    if channels_last:
                        out[i, j, ch] = cval
                    else:
                        out[ch, i, j] = cval
                continue
            r = _map(r, rows, mode)
            c = _map(c, cols, mode)
            if order == 0:
                r0 = min(max(int(math.floor(r + 0.5)), 0), rows - 1)
                c0 = min(max(int(math.floor(c + 0.5)), 0), cols - 1)
                for ch in range(channels):
                    if channels_last:
                        out[i, j, ch] = x[r0, c0, ch]
                    else:
                        out[ch, i, j] = x[ch, r0, c0]
                continue
            rf = math.floor(r)
            cf = math.floor(c)
            wr1 = r - rf
            wc1 = c - cf
            wr0 = 1.0 - wr1
            wc0 = 1.0 - wc1
            r0 = int(rf)
            c0 = int(cf)
            # a neighbour past an edge has weight 0 or is that edge's own sample: clip
            r1 = min(max(r0 + 1, 0), rows - 1)
            c1 = min(max(c0 + 1, 0), cols - 1)
            r0 = min(max(r0, 0), rows - 1)
            c0 = min(max(c0, 0), cols - 1)
            for ch in range(channels):
                if channels_last:
                    t = x[r0, c0, ch] * wr0 * wc0
                    t += x[r0, c1, ch] * wr0 * wc1
                    t += x[r1, c0, ch] * wr1 * wc0
                    t += x[r1, c1, ch] * wr1 * wc1
                    out[i, j, ch] = t
                else:
                    t = x[ch, r0, c0] * wr0 * wc0
                    t += x[ch, r0, c1] * wr0 * wc1
                    t += x[ch, r1, c0] * wr1 * wc0
                    t += x[ch, r1, c1] * wr1 * wc1
                    out[ch, i, j] = t


def exercise():
    """Run the loop once per dtype, order, mode and layout (compiling or loading it)."""
    for dtype in (np.float32, np.float64):
        x = np.ones((2, 2, 1), dtype)
        for order in (0, 1):
            for mode in range(4):
                for channels_last in (True, False):
                    affine_resample(x, 1.0, 0.5, 0.0, 1.0, 0.25, 0.0, order, mode, 0.0,
                                    channels_last, np.empty_like(x))
                    batch = x[None]
                    affine_resample_batch(batch, np.array([[1.0, 0.5, 0.0, 1.0, 0.25, 0.0]]),
                                          np.zeros(1, np.bool_), order, mode, 0.0,
                                          channels_last, np.empty_like(batch))


@jit
def affine_resample_batch(x, params, copy, order, mode, cval, channels_last, out):
    """``affine_resample`` of every image ``x[n]`` with its own ``params[n]`` = (m00, m01, m10,
    m11, o0, o1); an image whose ``copy[n]`` is set is copied unchanged."""
    for n in range(x.shape[0]):
        if copy[n]:
            out[n] = x[n]
            continue
        p = params[n]
        affine_resample(x[n], p[0], p[1], p[2], p[3], p[4], p[5], order, mode, cval,
                        channels_last, out[n])
