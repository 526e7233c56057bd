"""Pooling over any number of spatial axes (used for 3-D), channels-last.

One loop over the offsets a of the pooling window, each step a whole-batch strided slice
    v_a[n, p, c] = x_pad[n, p*s + a, c]
* max:     y = max_a v_a (the first maximum wins);  dx = g routed to that offset.
* average: y = sum_a v_a / count, count = the real (unpadded) values of the window
           ('same' divides by it, as Keras does);  dx = g / count added at every offset.
'same' pads max pooling with -inf, average pooling with 0.
"""

import itertools

import numpy as np  # dtypes only

from ... import backend
from ..function import Function
from .conv import output_length, same_padding
from .conv_nd import crop_nd, pad_nd
from .pool import _argmax_stage, _route


def pool_geometry(spatial, pool, strides, padding):
    out = tuple(output_length(n, p, s, 1, padding) for n, p, s in zip(spatial, pool, strides))
    pads = tuple(same_padding(n, p, s, 1) if padding == "same" else (0, 0)
                 for n, p, s in zip(spatial, pool, strides))
    return out, pads


def _view(x, offset, strides, out):
    return x[(slice(None),) + tuple(slice(a, a + s * (o - 1) + 1, s) for a, s, o in zip(offset, strides, out))]


class PoolND(Function):
    """Max or average pooling over ``len(pool)`` spatial axes (see the module docstring)."""

    def forward(self, x, pool, strides, padding, mode):
        spatial = x.shape[1:-1]
        out, pads = pool_geometry(spatial, pool, strides, padding)
        offsets = list(itertools.product(*(range(p) for p in pool)))
        self.mode, self.offsets, self.strides, self.out = mode, offsets, strides, out
        self.pads, self.spatial = pads, spatial
        if mode == "max":
            xpad = pad_nd_value(x, pads, -np.inf)
            self.padded_shape = xpad.shape
            y, index = _argmax_stage([_view(xpad, a, strides, out) for a in offsets])
            if self.requires_grad:
                self.index = index
            return y
        xpad = pad_nd(x, pads)
        self.padded_shape = xpad.shape
        total = _view(xpad, offsets[0], strides, out).copy()
        for a in offsets[1:]:
            total += _view(xpad, a, strides, out)
        if padding == "same":
            ones = pad_nd(backend.xp.ones((1, *spatial, 1), dtype=x.dtype), pads)
            count = sum(_view(ones, a, strides, out) for a in offsets)
        else:
            count = backend.xp.asarray(len(offsets), dtype=x.dtype)
        self.count = count
        total /= count
        return total

    def backward(self, g):
        gx = backend.xp.zeros(self.padded_shape, dtype=g.dtype)
        if self.mode == "max":
            for k, a in enumerate(self.offsets):
                view = _view(gx, a, self.strides, self.out)
                view += _route(g, self.index, k)
        else:
            share = g / self.count
            for a in self.offsets:
                view = _view(gx, a, self.strides, self.out)
                view += share
        return crop_nd(gx, self.pads, self.spatial)


def pad_nd_value(x, pads, value):
    if all(p == (0, 0) for p in pads):
        return x
    return backend.xp.pad(x, ((0, 0), *pads, (0, 0)), constant_values=value)
