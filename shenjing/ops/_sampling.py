"""Resampling for ``keras.ops.image``: resize weight matrices and ``map_coordinates``.

Both are built from differentiable primitives (matmul, take, multiply) with constant
weights computed on the host, so gradients flow to the images (not to coordinates).

Resize follows ``jax.image.resize`` (Keras's JAX backend): output pixel i samples the
input at s = (i + 0.5) * in / out - 0.5; its weights are ``kernel(|s - j|)`` over input
pixels j (the kernel widened by in/out when downsampling with ``antialias``), normalized
to sum to one, and zero where s falls outside [-0.5, in - 0.5]. Nearest takes pixel
floor((i + 0.5) * in / out).

map_coordinates follows ``jax.scipy.ndimage.map_coordinates`` (order 0: round half away from zero; order 1: the 2^d corners' linear weights) with its fill modes.
"""

import itertools

import numpy as np  # host-side weights and indices; arrays that ops return go through backend.xp

from .. import backend
from ..autograd.ops import arithmetic, shape as shape_ops
from ..autograd.ops.linalg import matmul
from ..autograd.tensor import Tensor


def _linear(x):
    return np.maximum(0.0, 1.0 - x)


def _cubic(x):  # Keys, a = -0.5
    out = ((1.5 * x - 2.5) * x) * x + 1.0
    out = np.where(x >= 1.0, ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0, out)
    return np.where(x >= 2.0, 0.0, out)


def _lanczos(radius):
    def kernel(x):
        return np.where(x < radius, np.sinc(x) * np.sinc(x / radius), 0.0)
    return kernel


KERNELS = {"bilinear": _linear, "bicubic": _cubic, "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0)}


def resize_weights(in_size, out_size, interpolation, antialias):
    """The (in_size, out_size) matrix W with out = in @ W along one axis."""
    scale = out_size / in_size
    inv_scale = 1.0 / scale
    kernel_scale = max(inv_scale, 1.0) if antialias else 1.0
    sample = (np.arange(out_size) + 0.5) * inv_scale - 0.5
    x = np.abs(sample[None, :] - np.arange(in_size)[:, None]) / kernel_scale
    weights = KERNELS[interpolation](x)
    total = weights.sum(axis=0, keepdims=True)
    weights = np.where(np.abs(total) > 1000.0 * float(np.finfo(np.float32).eps),
                       weights / np.where(total != 0, total, 1), 0.0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return np.where(inside[None, :], weights, 0.0)


def resize_axis(x, axis, out_size, interpolation, antialias):
    """x resampled to ``out_size`` along ``axis`` (differentiable in x)."""
    in_size = x.shape[axis]
    if in_size == out_size:
        return x
    if interpolation == "nearest":
        offsets = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * np.float32(in_size) \
            / np.float32(out_size)
        index = np.clip(np.floor(offsets).astype(np.int64), 0, in_size - 1)
        return shape_ops.take(x, index, axis=axis)
    w = resize_weights(in_size, out_size, interpolation, antialias).astype(x.dtype)
    moved = shape_ops.swapaxes(x, axis, -1)
    return shape_ops.swapaxes(matmul(moved, Tensor(backend.xp.asarray(w))), axis, -1)


# -- map_coordinates ------------------------------------------------------------------------
def _mirror(index, size):
    if size == 1:
        return np.zeros_like(index)
    s = size - 1
    return np.abs((index + s) % (2 * s) - s)


def _reflect(index, size):
    return (_mirror(2 * index + 1, 2 * size + 1) - 1) // 2


FIXERS = {
    "constant": lambda index, size: index,
    "nearest": lambda index, size: np.clip(index, 0, size - 1),
    "wrap": lambda index, size: index % size,
    "mirror": _mirror,
    "reflect": _reflect,
}


def _corners(coordinate, size, order, fill_mode):
    """The (index, valid, weight) of each input point one coordinate axis interpolates from:
    one for order 0 (round half away from zero, as lax.round), the two neighbours for order 1;
    indices mapped by ``fill_mode`` and clipped (``valid`` is False outside for "constant")."""
    if order == 0:
        half = coordinate.dtype.type(0.5)
        candidates = [((np.sign(coordinate) * np.floor(np.abs(coordinate) + half)).astype(np.int64),
                       np.ones_like(coordinate))]
    else:
        lower = np.floor(coordinate)
        upper_weight = coordinate - lower
        candidates = [(lower.astype(np.int64), 1.0 - upper_weight),
                      (lower.astype(np.int64) + 1, upper_weight)]
    fixed = []
    for index, weight in candidates:
        index = FIXERS[fill_mode](index, size)
        valid = (index >= 0) & (index < size) if fill_mode == "constant" else np.ones(index.shape, bool)
        fixed.append((np.clip(index, 0, size - 1), valid, weight))
    return fixed


def map_coordinates(x, coordinates, order, fill_mode, fill_value):
    """x (a float Tensor) sampled at ``coordinates`` (a host array of shape (x.ndim, ...))."""
    per_axis = [_corners(coordinate, x.shape[axis], order, fill_mode)
                for axis, coordinate in enumerate(coordinates)]
    flat = shape_ops.reshape(x, (-1,))
    total, fill = None, np.zeros(coordinates.shape[1:])
    for corner in itertools.product(*per_axis):
        indices, valids, weights = zip(*corner)
        valid = np.logical_and.reduce(valids)
        weight = np.prod(weights, axis=0)
        gathered = shape_ops.take(flat, np.ravel_multi_index(indices, x.shape), axis=0)
        term = arithmetic.multiply(gathered, Tensor(backend.xp.asarray((weight * valid).astype(x.dtype))))
        total = term if total is None else arithmetic.add(total, term)
        fill = fill + weight * ~valid
    if fill_mode == "constant" and fill_value and fill.any():
        total = arithmetic.add(total, Tensor(backend.xp.asarray((fill * fill_value).astype(x.dtype))))
    return total


def map_spatial(x, rows, cols, order, fill_mode, fill_value):
    """Images x (a float Tensor (B, H, W, C)) sampled at (rows, cols) (host arrays (B, H', W'):
    image b's output pixel samples image b there), every channel alike: the same values as
    ``map_coordinates`` with the batch and channel coordinates exact, one gather of C-wide rows
    per corner instead of one per channel."""
    batch, height, width, channels = x.shape
    table = shape_ops.reshape(x, (batch * height * width, channels))
    base = (np.arange(batch) * (height * width)).reshape(batch, 1, 1)
    total, fill = None, np.zeros(rows.shape)
    for (row, row_ok, row_w), (col, col_ok, col_w) in itertools.product(
            _corners(rows, height, order, fill_mode), _corners(cols, width, order, fill_mode)):
        valid, weight = row_ok & col_ok, row_w * col_w
        gathered = shape_ops.take(table, (base + row * width + col).reshape(-1), axis=0)
        scale = (weight * valid).astype(x.dtype).reshape(-1, 1)
        term = arithmetic.multiply(gathered, Tensor(backend.xp.asarray(scale)))
        total = term if total is None else arithmetic.add(total, term)
        fill = fill + weight * ~valid
    if fill_mode == "constant" and fill_value and fill.any():
        total = arithmetic.add(total, Tensor(backend.xp.asarray(
            (fill * fill_value).astype(x.dtype).reshape(-1, 1))))
    return shape_ops.reshape(total, rows.shape + (channels,))
