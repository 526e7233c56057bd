"""Keras activations that need their own primitive (the rest are compositions of ops).

Sparsemax (Martins & Astudillo, 2016): the Euclidean projection of x onto the simplex along
``axis``: y = max(x - tau, 0), tau chosen so that sum(y) = 1. With z sorted descending,
k = max{j : 1 + j z_j > sum_{i<=j} z_i} and tau = (sum_{i<=k} z_i - 1) / k.
Backward, with S = {y > 0}: dx = s (g - sum(g s) / |S|), s the indicator of S.
"""

from ... import backend
from ..function import Function
from ..tensor import as_tensor


class Sparsemax(Function):
    """y = max(x - tau(x), 0) along ``axis``;  dx = s (g - sum(g s) / sum(s)), s = (y > 0)."""

    def forward(self, x, axis):
        xp = backend.xp
        moved = xp.moveaxis(x, axis, -1)
        z = -xp.sort(-moved, axis=-1)
        ranks = xp.arange(1, z.shape[-1] + 1, dtype=x.dtype)
        cumulative = xp.cumsum(z, axis=-1)
        support = (1 + ranks * z) > cumulative
        k = support.sum(axis=-1, keepdims=True)
        tau = (xp.take_along_axis(cumulative, k - 1, axis=-1) - 1) / k.astype(x.dtype)
        y = xp.moveaxis(xp.maximum(moved - tau, 0), -1, axis)
        self.s, self.axis = (y > 0).astype(x.dtype), axis
        return y

    def backward(self, g):
        s = self.s
        count = s.sum(axis=self.axis, keepdims=True)
        return s * (g - (g * s).sum(axis=self.axis, keepdims=True) / count)


def sparsemax(x, axis=-1):
    """The sparsemax of ``x`` along ``axis`` (a probability vector with exact zeros)."""
    x = as_tensor(x)
    if x.ndim == 0:
        raise ValueError(f"sparsemax needs an input of rank >= 1. Received: x.shape={x.shape}")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"Expected `axis` in [-{x.ndim}, {x.ndim}) for sparsemax. Received: axis={axis}")
    return Sparsemax.apply(x, axis=axis % x.ndim)
