"""The switch for the affine resampling of images (the legacy ImageDataGenerator's transforms):
the compiled loop (``warp_numba``) where ``backend.kernels`` would run its loops on the
image, else array-module code (``warp_numpy``); shifts and zooms alone (a diagonal matrix)
always take NumPy's separable rows-then-columns path, which is faster than the loop.

``affine_resample(x, channel_axis, matrix, offset, order, mode, cval)``: ``x`` rank 3 with
its channels on axis 0 or 2, sampled at ``matrix @ (i, j) + offset`` (2x2 and 2 floats, in
the order of the two spatial axes) for every output pixel; orders 0 and 1, fill modes
``warp_numpy.MODES``; a new array of ``x``'s shape and dtype.

``preload()`` loads the compiled loop now (a no-op where it would not run): before forking
worker processes, so that each does not load it again. While one thread loads it, other
threads asking for it wait (``lazy_loop``), so that all get the same code's values.
"""

import numpy as np

from . import compiled, warp_numpy
from .lazy_loop import LazyLoop

_LOOP = LazyLoop("warp_numba", "image-warp loop", "image transforms")


def _compiled_loop():
    """The loaded ``warp_numba``, or None where it cannot load."""
    return _LOOP.get()


def preload():
    """Load the compiled loop now where it would run on float32 images; its module or None."""
    if compiled(np.zeros(1, np.float32)) is None:
        return None
    return _compiled_loop()


def affine_resample(x, channel_axis, matrix, offset, order, mode, cval):
    """``x`` resampled through the affine map (see the module docstring)."""
    module = None
    separable = matrix[0, 1] == 0 and matrix[1, 0] == 0  # NumPy's rows-then-columns is faster
    if not separable and x.dtype in (np.float32, np.float64) and type(x) is np.ndarray:
        x = np.ascontiguousarray(x)  # a flipped or transposed view: one copy, then the loop
        module = _compiled_loop() if compiled(x) is not None else None
    if module is not None:
        out = np.empty_like(x)
        module.affine_resample(x, float(matrix[0, 0]), float(matrix[0, 1]),
                               float(matrix[1, 0]), float(matrix[1, 1]), float(offset[0]),
                               float(offset[1]), int(order), module.MODE_CODES[mode],
                               float(cval), channel_axis == 2, out)
        return out
    planes = np.moveaxis(x, channel_axis, 0)
    out = warp_numpy.affine_resample(planes, matrix, offset, order, mode, cval)
    return np.moveaxis(out, 0, channel_axis)


def affine_resample_batch(x, channel_axis, matrices, offsets, copy, order, mode, cval):
    """``affine_resample`` of each image ``x[n]`` (``x`` rank 4, channels on axis 1 or 3) with
    ``matrices[n]`` (2x2) and ``offsets[n]``; images where ``copy[n]`` are copied unchanged.
    One call of the compiled loop for the whole batch where it runs, else image by image."""
    x = np.ascontiguousarray(x)
    module = _compiled_loop() if compiled(x) is not None else None
    if module is None:
        out = np.empty_like(x)
        for n in range(len(x)):
            out[n] = x[n] if copy[n] else affine_resample(x[n], channel_axis - 1, matrices[n],
                                                          offsets[n], order, mode, cval)
        return out
    params = np.concatenate([np.asarray(matrices, np.float64).reshape(-1, 4),
                             np.asarray(offsets, np.float64).reshape(-1, 2)], axis=1)
    out = np.empty_like(x)
    module.affine_resample_batch(x, params, np.asarray(copy, np.bool_), int(order),
                                 module.MODE_CODES[mode], float(cval), channel_axis == 3, out)
    return out
