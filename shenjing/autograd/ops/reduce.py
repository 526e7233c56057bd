"""Reductions: sum, mean, max, min, logsumexp, var, std; argmax/argmin (no gradient)."""

import math

import numpy as np  # isinstance(np.integer) on axis arguments only: arrays go through backend.xp

from ... import backend
from ..function import Function
from ..tensor import Tensor, as_tensor
from .arithmetic import sqrt, square


def _axes(axis, ndim):
    """``axis`` as a sorted tuple of non-negative ints (None means all axes)."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        axis = (axis,)
    out = []
    for a in axis:
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for a tensor of rank {ndim}")
        out.append(a % ndim)
    return tuple(sorted(out))


def _expand(g, shape, axes, keepdims):
    """Re-insert the reduced axes into ``g`` so that it broadcasts against ``shape``."""
    xp = backend.xp
    if not keepdims:
        g = xp.expand_dims(g, axes)
    return xp.broadcast_to(g, shape)


class Sum(Function):
    """y = sum(x, axes);  dx = g broadcast back over the summed axes."""

    def forward(self, x, axes, keepdims):
        self.shape, self.axes, self.keepdims = x.shape, axes, keepdims
        return x.sum(axis=axes, keepdims=keepdims)

    def backward(self, g):
        return _expand(g, self.shape, self.axes, self.keepdims)


class Mean(Function):
    """y = sum(x, axes) / n;  dx = g / n broadcast back."""

    def forward(self, x, axes, keepdims):
        self.shape, self.axes, self.keepdims = x.shape, axes, keepdims
        self.n = math.prod(x.shape[a] for a in axes)
        return x.mean(axis=axes, keepdims=keepdims)

    def backward(self, g):
        return _expand(g / self.n, self.shape, self.axes, self.keepdims)


class Max(Function):
    """y = max(x, axes);  dx = g at the maxima (split evenly between ties)."""

    reduction = "max"

    def forward(self, x, axes, keepdims):
        y = getattr(backend.xp, self.reduction)(x, axis=axes, keepdims=True)
        if self.requires_grad:
            mask = (x == y).astype(x.dtype)
            self.weights = mask / mask.sum(axis=axes, keepdims=True)
            self.axes, self.keepdims = axes, keepdims
        return y if keepdims else backend.xp.squeeze(y, axis=axes)

    def backward(self, g):
        if not self.keepdims:
            g = backend.xp.expand_dims(g, self.axes)
        return g * self.weights


class Min(Max):
    """y = min(x, axes);  dx = g at the minima (split evenly between ties)."""

    reduction = "min"


class LogSumExp(Function):
    """y = m + log(sum(exp(x - m)));  dx = g * softmax(x) over the axes."""

    def forward(self, x, axes, keepdims):
        xp = backend.xp
        m = x.max(axis=axes, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        e = xp.exp(x - m)
        s = e.sum(axis=axes, keepdims=True)
        y = xp.log(s) + m
        self.p, self.axes, self.keepdims = e / s, axes, keepdims
        return y if keepdims else xp.squeeze(y, axis=axes)

    def backward(self, g):
        if not self.keepdims:
            g = backend.xp.expand_dims(g, self.axes)
        return g * self.p


def _reduce(cls, x, axis, keepdims):
    x = as_tensor(x)
    return cls.apply(x, axes=_axes(axis, x.ndim), keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001  (keras.ops.sum)
    return _reduce(Sum, x, axis, keepdims)


def mean(x, axis=None, keepdims=False):
    return _reduce(Mean, x, axis, keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001  (keras.ops.max)
    return _reduce(Max, x, axis, keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001  (keras.ops.min)
    return _reduce(Min, x, axis, keepdims)


amax, amin = max, min


def logsumexp(x, axis=None, keepdims=False):
    return _reduce(LogSumExp, x, axis, keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance: mean((x - mean(x))**2)."""
    x = as_tensor(x)
    centered = x - mean(x, axis=axis, keepdims=True)
    return mean(square(centered), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return sqrt(var(x, axis=axis, keepdims=keepdims))


def argmax(x, axis=None, keepdims=False):
    """Index of the largest value (no gradient)."""
    return Tensor(backend.xp.argmax(as_tensor(x).data, axis=axis, keepdims=keepdims))


def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value (no gradient)."""
    return Tensor(backend.xp.argmin(as_tensor(x).data, axis=axis, keepdims=keepdims))
