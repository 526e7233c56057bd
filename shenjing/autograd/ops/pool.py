"""Pooling, channels-last: max and average over windows, plus global pooling.

Every path loops over the few offsets inside a pooling window (4 for 2x2),
each step a whole-batch array operation; never over samples or pixels.

* Max pooling with non-overlapping windows (strides == pool_size, 'valid', the
  usual case) runs as one compiled loop each way where ``kernels`` allows
  (window index of the first maximum kept as uint8). In NumPy it is separable: a running max over the pw columns of each tile,
  then over its ph rows, keeping at each stage the index of the winner (the
  first maximum wins ties), so the backward pass routes g to one value per window.
* Any other geometry keeps a running max over the ph*pw offsets of the
  window with the index of the first maximum.
* 'same' padding pads max pooling with -inf and divides average pooling by the
  number of real (unpadded) values in each window, as Keras does.
"""

import numpy as np

from ..function import Function
from ..tensor import as_tensor
from . import kernels
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
    return (v > best) | (np.isnan(v) & ~np.isnan(best))


def _argmax_stage(slices):
    """Running max over ``slices`` and the index of the first maximum, per element."""
    kind = np.uint8 if len(slices) <= 256 else np.int32
    best = slices[0].copy()
    index = np.zeros(best.shape, dtype=kind)
    for k, v in enumerate(slices[1:], start=1):
        index = np.where(_beats(v, best), kind(k), index)
        np.maximum(best, v, out=best)
    return best, index


def _route(g, index, k):
    """g where ``index == k``, else 0 (also where g is NaN or inf)."""
    return np.where(index == k, g, np.zeros((), dtype=g.dtype))


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
        n, _, _, c = x.shape
        (ph, pw), (ho, wo) = self.pool, self.out_hw
        loops = kernels.compiled(x) if ph * pw <= 256 else None
        self.index = None
        if loops is not None:
            y = np.empty((n, ho, wo, c), dtype=x.dtype)
            index = np.empty((n, ho, wo, c), dtype=np.uint8)
            loops.max_pool_tiled(x, ph, pw, y, index)
            if self.requires_grad:
                # one index per window, as the window path keeps it: its backward serves too
                self.index, self.padded_shape = index, x.shape
            return y
        x = x[:, : ho * ph, : wo * pw]
        cols = x.reshape(n, ho * ph, wo, pw * c)  # each tile row's pw values side by side
        rows, self.col_index = _argmax_stage([cols[..., j * c: (j + 1) * c] for j in range(pw)])
        rows = rows.reshape(n, ho, ph, wo, c)
        y, self.row_index = _argmax_stage([rows[:, :, i] for i in range(ph)])
        return y

    def _window_forward(self, x):
        (ph, pw) = self.pool
        xp = pad_spatial(x, self.pads, value=-np.inf)
        self.padded_shape = xp.shape
        slices = [_offset(xp, a, b, self.strides, self.out_hw) for a in range(ph) for b in range(pw)]
        y, self.index = _argmax_stage(slices)
        return y

    def backward(self, g):
        if self.one_d:
            g = g[:, None]
        gx = self._tiled_backward(g) if self.tiled else self._window_backward(g)
        return gx[:, 0] if self.one_d else gx

    def _tiled_backward(self, g):
        n, h, w, c = self.x_shape
        (ph, pw), (ho, wo) = self.pool, self.out_hw
        if self.index is not None:
            g = np.ascontiguousarray(g)
            loops = kernels.compiled(g)
            if loops is None:  # the loops were switched off since forward
                return self._window_backward(g)
            covered = (ho * ph, wo * pw) == (h, w)
            gx = (np.empty if covered else np.zeros)(self.x_shape, dtype=g.dtype)
            loops.max_pool_tiled_grad(g, self.index, ph, pw, gx)
            return gx
        grows = np.empty((n, ho, ph, wo, c), dtype=g.dtype)
        for i in range(ph):
            grows[:, :, i] = _route(g, self.row_index, i)
        grows = grows.reshape(n, ho * ph, wo, c)
        gcols = np.empty((n, ho * ph, wo, pw * c), dtype=g.dtype)
        for j in range(pw):
            gcols[..., j * c: (j + 1) * c] = _route(grows, self.col_index, j)
        gx = gcols.reshape(n, ho * ph, wo * pw, c)
        if gx.shape[1:3] != (h, w):  # rows or columns that no window covered get no gradient
            gx = np.pad(gx, ((0, 0), (0, h - ho * ph), (0, w - wo * pw), (0, 0)))
        return gx

    def _window_backward(self, g):
        (ph, pw) = self.pool
        gx = np.zeros(self.padded_shape, dtype=g.dtype)
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
        xp = pad_spatial(x, pads)
        offsets = [(a, b) for a in range(pool[0]) for b in range(pool[1])]
        total = _offset(xp, *offsets[0], strides, out_hw).copy()
        for a, b in offsets[1:]:
            total += _offset(xp, a, b, strides, out_hw)
        if padding == "same":
            ones = pad_spatial(np.ones((1, h, w, 1), dtype=x.dtype), pads)
            count = sum(_offset(ones, a, b, strides, out_hw) for a, b in offsets)
        else:
            count = np.asarray(pool[0] * pool[1], dtype=x.dtype)
        self.count, self.offsets, self.strides, self.out_hw = count, offsets, strides, out_hw
        self.padded_shape, self.pads, self.x_shape = xp.shape, pads, x.shape
        total /= count
        return total[:, 0] if self.one_d else total

    def backward(self, g):
        if self.one_d:
            g = g[:, None]
        share = g / self.count
        gx = np.zeros(self.padded_shape, dtype=g.dtype)
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
