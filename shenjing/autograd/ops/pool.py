"""Pooling, channels-last: max and average over windows, plus global pooling.

Windows come from the same strided view as convolution (``conv.windows``);
the backward pass scatters each window's gradient back with ``scatter_windows``.
With 'same' padding, max pooling pads with -inf and average pooling divides by
the number of real (unpadded) values in each window, as Keras does.
"""

import numpy as np

from ..function import Function
from ..tensor import as_tensor
from .conv import (check_padding, normalize_tuple, output_length, pad_spatial,
                   same_padding, scatter_windows, windows)
from .reduce import max as reduce_max
from .reduce import mean as reduce_mean

_ONE = (1, 1)


def _geometry(x, pool, strides, padding):
    _, h, w, _ = x.shape
    ho = output_length(h, pool[0], strides[0], 1, padding)
    wo = output_length(w, pool[1], strides[1], 1, padding)
    pads = ((0, 0), (0, 0))
    if padding == "same":
        pads = (same_padding(h, pool[0], strides[0], 1), same_padding(w, pool[1], strides[1], 1))
    return (ho, wo), pads


class MaxPool(Function):
    """y = max over each window;  dx = g routed to the (first) maximum of its window."""

    def forward(self, x, pool, strides, padding):
        self.one_d = x.ndim == 3
        if self.one_d:
            x = x[:, None]
        n, h, w, c = x.shape
        out_hw, pads = _geometry(x, pool, strides, padding)
        xp = pad_spatial(x, pads, value=-np.inf)
        win = windows(xp, pool, strides, _ONE, out_hw).reshape(n, *out_hw, pool[0] * pool[1], c)
        arg = win.argmax(axis=3)[:, :, :, None, :]
        y = np.take_along_axis(win, arg, axis=3)[:, :, :, 0, :]
        if self.requires_grad:
            self.arg, self.win_shape, self.pool, self.strides = arg, win.shape, pool, strides
            self.padded_shape, self.pads, self.x_hw = xp.shape, pads, (h, w)
        return y[:, 0] if self.one_d else y

    def backward(self, g):
        if self.one_d:
            g = g[:, None]
        gwin = np.zeros(self.win_shape, dtype=g.dtype)
        np.put_along_axis(gwin, self.arg, g[:, :, :, None, :], axis=3)
        n, ho, wo, _, c = self.win_shape
        gwin = gwin.reshape(n, ho, wo, self.pool[0], self.pool[1], c)
        gx = _crop(scatter_windows(gwin, self.padded_shape, self.strides, _ONE), self.pads, self.x_hw)
        return gx[:, 0] if self.one_d else gx


class AveragePool(Function):
    """y = mean over each window's real values;  dx = g / count spread over its window."""

    def forward(self, x, pool, strides, padding):
        self.one_d = x.ndim == 3
        if self.one_d:
            x = x[:, None]
        n, h, w, c = x.shape
        out_hw, pads = _geometry(x, pool, strides, padding)
        xp = pad_spatial(x, pads)
        total = windows(xp, pool, strides, _ONE, out_hw).sum(axis=(3, 4))
        if padding == "same":
            ones = pad_spatial(np.ones((1, h, w, 1), dtype=x.dtype), pads)
            count = windows(ones, pool, strides, _ONE, out_hw).sum(axis=(3, 4))
        else:
            count = np.asarray(pool[0] * pool[1], dtype=x.dtype)
        self.count, self.pool, self.strides = count, pool, strides
        self.padded_shape, self.pads, self.x_hw = xp.shape, pads, (h, w)
        y = total / count
        return y[:, 0] if self.one_d else y

    def backward(self, g):
        if self.one_d:
            g = g[:, None]
        share = (g / self.count)[:, :, :, None, None, :]
        gwin = np.broadcast_to(share, g.shape[:3] + self.pool + g.shape[3:])
        gx = _crop(scatter_windows(gwin, self.padded_shape, self.strides, _ONE), self.pads, self.x_hw)
        return gx[:, 0] if self.one_d else gx


def _crop(gx, pads, hw):
    (top, _), (left, _) = pads
    return gx[:, top: top + hw[0], left: left + hw[1], :]


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
