"""Running and full products and sums along an axis: cumsum, cumprod, prod.

The gradients are exact also where inputs are zero: ``prod`` multiplies the exclusive
products on either side of each element instead of dividing ``y`` by ``x``.
"""

from ... import backend
from ..function import Function
from ..tensor import as_tensor
from .reduce import _axes


def _exclusive_cumprod(x, axis, reverse=False):
    """Products of the elements strictly before (or after, ``reverse``) each one."""
    xp = backend.xp
    if reverse:
        x = xp.flip(x, axis)
    ones = xp.ones_like(xp.take(x, [0], axis=axis))
    shifted = xp.concatenate([ones, xp.take(x, range(x.shape[axis] - 1), axis=axis)], axis=axis)
    out = xp.cumprod(shifted, axis=axis)
    return xp.flip(out, axis) if reverse else out


class Cumsum(Function):
    """y_j = sum_{i<=j} x_i along ``axis``;  dx_i = sum_{j>=i} g_j (a reversed cumsum)."""

    def forward(self, x, axis):
        self.axis = axis
        return backend.xp.cumsum(x, axis=axis)

    def backward(self, g):
        xp = backend.xp
        return xp.flip(xp.cumsum(xp.flip(g, self.axis), axis=self.axis), self.axis)


class Cumprod(Function):
    """y_j = prod_{i<=j} x_i along ``axis``;  dx_i = sum_{j>=i} g_j prod_{k<=j, k!=i} x_k.

    Without zeros that is reversed_cumsum(g y) / x; with zeros each row is recomputed with
    x_i replaced by 1 (quadratic in the axis length, exact)."""

    def forward(self, x, axis):
        self.x, self.axis = x, axis
        self.y = backend.xp.cumprod(x, axis=axis)
        return self.y

    def backward(self, g):
        xp, axis, x = backend.xp, self.axis, self.x
        if bool((x != 0).all()):
            gy = xp.flip(xp.cumsum(xp.flip(g * self.y, axis), axis=axis), axis)
            return gy / x
        xm, gm = xp.moveaxis(x, axis, -1), xp.moveaxis(g, axis, -1)
        n = xm.shape[-1]
        eye = xp.eye(n, dtype=bool)
        # rows[..., i, j] = x_j, with x_i replaced by 1
        rows = xp.where(eye, xp.ones((), dtype=x.dtype), xm[..., None, :])
        partial = xp.cumprod(rows, axis=-1) * xp.triu(xp.ones((n, n), dtype=x.dtype))
        dx = (partial * gm[..., None, :]).sum(axis=-1)
        return xp.moveaxis(dx, -1, axis)


class Prod(Function):
    """y = prod(x, axes);  dx_i = g * prod_{k != i} x_k (exclusive products, exact at zeros)."""

    def forward(self, x, axes, keepdims):
        self.x, self.axes, self.keepdims = x, axes, keepdims
        return x.prod(axis=axes, keepdims=keepdims)

    def backward(self, g):
        xp, x, axes = backend.xp, self.x, self.axes
        if not self.keepdims:
            g = xp.expand_dims(g, axes)
        rest = [a for a in range(x.ndim) if a not in axes]
        moved = xp.transpose(x, rest + list(axes))
        flat = moved.reshape(moved.shape[:len(rest)] + (-1,))
        others = _exclusive_cumprod(flat, -1) * _exclusive_cumprod(flat, -1, reverse=True)
        others = others.reshape(moved.shape)
        inverse = [0] * x.ndim
        for i, a in enumerate(rest + list(axes)):
            inverse[a] = i
        return g * xp.transpose(others, inverse)


def _axis(x, axis):
    if axis is None:
        return x.reshape((-1,)), 0
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"Expected axis in [-{x.ndim}, {x.ndim}): axis {axis} is out of range for "
                         f"a tensor of rank {x.ndim}. Received: axis={axis}")
    return x, axis % x.ndim


def cumsum(x, axis=None):
    x, axis = _axis(as_tensor(x), axis)
    return Cumsum.apply(x, axis=axis)


def cumprod(x, axis=None):
    x, axis = _axis(as_tensor(x), axis)
    return Cumprod.apply(x, axis=axis)


def prod(x, axis=None, keepdims=False):
    x = as_tensor(x)
    return Prod.apply(x, axes=_axes(axis, x.ndim), keepdims=keepdims)
