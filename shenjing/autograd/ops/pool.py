"""Pooling, channels-last: max and average over windows, plus global pooling.

Every path loops over the few offsets inside a pooling window (4 for 2x2),
each step a whole-batch array operation; never over samples or pixels.

* Max pooling with non-overlapping windows (strides == pool_size, 'valid', the
  usual case) runs as one of the loops of ``backend.kernels`` each way, which
  keeps the window index of the first maximum (uint8) and routes g back by it.
* Any other geometry keeps a running max over the ph*pw offsets of the
  window with the index of the first maximum.
* 'same' padding pads max pooling with -inf and divides average pooling by the
  number of real (unpadded) values in each window, as Keras does.
"""

import numpy as np  # dtypes only: every array function goes through backend.xp

from ... import backend
from ...backend import kernels
from ..function import Function
from ..tensor import as_tensor
from .conv import check_padding, normalize_tuple, output_length, pad_spatial, same_padding
from .reduce import max as reduce_max
from .reduce import mean as reduce_mean


def _geometry(shape, pool, strides, padding):
    _, h, w, _ = shape
    ho = output_length(h, pool[0], strides[0], 1, padding)
    wo = output_length(w, pool[1], strides[1], 1, padding)
    pads = ((0, 0), (0, 0))
    if padding == "same":
        pads = (same_padding(h, pool[0], strides[0], 1), same_padding(w, pool[1], strides[1], 1))
    return (ho, wo), pads


def _offset(x, a, b, strides, out_hw):
    """x[:, a + i*sh, b + j*sw, :] for every output (i, j): the values at one window offset."""
    (sh, sw), (ho, wo) = strides, out_hw
    return x[:, a: a + sh * (ho - 1) + 1: sh, b: b + sw * (wo - 1) + 1: sw, :]


def _beats(v, best):
    """v > best, or v is the first NaN (a NaN wins its window, as np.maximum makes it the max)."""
    xp = backend.xp
    return (v > best) | (xp.isnan(v) & ~xp.isnan(best))


def _argmax_stage(slices):
    """Running max over ``slices`` and the index of the first maximum, per element."""
    xp = backend.xp
    kind = np.uint8 if len(slices) <= 256 else np.int32
    best = slices[0].copy()
    index = xp.zeros(best.shape, dtype=kind)
    for k, v in enumerate(slices[1:], start=1):
        xp.copyto(index, k, where=_beats(v, best))
        xp.maximum(best, v, out=best)
    return best, index


def _route(g, index, k):
    """g where ``index == k``, else 0 (also where g is NaN or inf)."""
    return backend.xp.where(index == k, g, backend.xp.zeros((), dtype=g.dtype))


class MaxPool(Function):
    """y = max over each window;  dx = g routed to the first maximum of its window."""

    def forward(self, x, pool, strides, padding):
        self.one_d = x.ndim == 3
        if self.one_d:
            x = x[:, None]
        out_hw, pads = _geometry(x.shape, pool, strides, padding)
        self.x_shape, self.pool, self.strides, self.out_hw, self.pads = x.shape, pool, strides, out_hw, pads
        self.tiled = padding == "valid" and strides == pool
        y = self._tiled_forward(x) if self.tiled else self._window_forward(x)
        return y[:, 0] if self.one_d else y

    def _tiled_forward(self, x):
        y, index = kernels.max_pool_tiled(x, *self.pool, self.out_hw)
        if self.requires_grad:
            self.index = index
        return y

    def _window_forward(self, x):
        (ph, pw) = self.pool
        xpad = pad_spatial(x, self.pads, value=-np.inf)
        self.padded_shape = xpad.shape
        slices = [_offset(xpad, a, b, self.strides, self.out_hw) for a in range(ph) for b in range(pw)]
        y, self.index = _argmax_stage(slices)
        return y

    def backward(self, g):
        if self.one_d:
            g = g[:, None]
        gx = self._tiled_backward(g) if self.tiled else self._window_backward(g)
        return gx[:, 0] if self.one_d else gx

    def _tiled_backward(self, g):
        return kernels.max_pool_tiled_grad(g, self.index, *self.pool, self.x_shape)

    def _window_backward(self, g):
        (ph, pw) = self.pool
        gx = backend.xp.zeros(self.padded_shape, dtype=g.dtype)
        for k, (a, b) in enumerate((a, b) for a in range(ph) for b in range(pw)):
            view = _offset(gx, a, b, self.strides, self.out_hw)
            view += _route(g, self.index, k)
        return _crop(gx, self.pads, self.x_shape)


class AveragePool(Function):
    """y = mean over each window's real values;  dx = g / count added to every value of its window."""

    def forward(self, x, pool, strides, padding):
        self.one_d = x.ndim == 3
        if self.one_d:
            x = x[:, None]
        n, h, w, c = x.shape
        out_hw, pads = _geometry(x.shape, pool, strides, padding)
        xpad = pad_spatial(x, pads)
        offsets = [(a, b) for a in range(pool[0]) for b in range(pool[1])]
        total = _offset(xpad, *offsets[0], strides, out_hw).copy()
        for a, b in offsets[1:]:
            total += _offset(xpad, a, b, strides, out_hw)
        if padding == "same":
            ones = pad_spatial(backend.xp.ones((1, h, w, 1), dtype=x.dtype), pads)
            count = sum(_offset(ones, a, b, strides, out_hw) for a, b in offsets)
        else:
            count = backend.xp.asarray(pool[0] * pool[1], dtype=x.dtype)
        self.count, self.offsets, self.strides, self.out_hw = count, offsets, strides, out_hw
        self.padded_shape, self.pads, self.x_shape = xpad.shape, pads, x.shape
        total /= count
        return total[:, 0] if self.one_d else total

    def backward(self, g):
        if self.one_d:
            g = g[:, None]
        share = g / self.count
        gx = backend.xp.zeros(self.padded_shape, dtype=g.dtype)
        for a, b in self.offsets:
            view = _offset(gx, a, b, self.strides, self.out_hw)
            view += share
        gx = _crop(gx, self.pads, self.x_shape)
        return gx[:, 0] if self.one_d else gx


def _crop(gx, pads, x_shape):
    (top, _), (left, _) = pads
    return gx[:, top: top + x_shape[1], left: left + x_shape[2], :]


def _pool(cls, name, inputs, pool_size, strides, padding, data_format):
    x = as_tensor(inputs)
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{name}: only data_format='channels_last' is supported, received {data_format!r}")
    if x.ndim not in (3, 4):
        raise ValueError(
            f"{name}: expected inputs of rank 3 (N, L, C) or 4 (N, H, W, C), received shape {x.shape}"
        )
    rank = x.ndim - 2
    pool = normalize_tuple(pool_size, rank, "pool_size")
    strides = pool if strides is None else normalize_tuple(strides, rank, "strides")
    padding = check_padding(padding)
    if rank == 1:
        pool, strides = (1,) + pool, (1,) + strides
    spatial = x.shape[1:-1] if rank == 2 else (1,) + x.shape[1:-1]
    for length, p, s in zip(spatial, pool, strides):
        if output_length(length, p, s, 1, padding) < 1:
            raise ValueError(
                f"{name}: input of shape {x.shape} is smaller than the pool window {pool[-rank:]} "
                f"with padding='valid'"
            )
    return cls.apply(x, pool=pool, strides=strides, padding=padding)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """keras.ops.max_pool for (N, L, C) and (N, H, W, C) inputs; strides default to pool_size."""
    return _pool(MaxPool, "max_pool", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """keras.ops.average_pool for (N, L, C) and (N, H, W, C) inputs; strides default to pool_size."""
    return _pool(AveragePool, "average_pool", inputs, pool_size, strides, padding, data_format)


def global_average_pool(inputs, keepdims=False):
    """Mean over every spatial axis: (N, ..., C) -> (N, C)."""
    x = as_tensor(inputs)
    return reduce_mean(x, axis=tuple(range(1, x.ndim - 1)), keepdims=keepdims)


def global_max_pool(inputs, keepdims=False):
    """Max over every spatial axis: (N, ..., C) -> (N, C)."""
    x = as_tensor(inputs)
    return reduce_max(x, axis=tuple(range(1, x.ndim - 1)), keepdims=keepdims)
