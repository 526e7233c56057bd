"""Upsampling along spatial axes, channels-last: nearest (repeat) and linear (half-pixel).

* nearest, integer factors f: y[n, i*f + r, c] = x[n, i, c];  dx = g summed over each block of f.
* linear (bilinear in 2-D, as jax.image.resize / keras.ops.image.resize with
  "bilinear" when enlarging): output i samples the input at u = (i + 0.5) / f - 0.5,
  clamped to [0, L - 1], and blends its two neighbours; per axis y = W x with a small
  (L*f, L) interpolation matrix W, so dx = W^T g.
"""

from ... import backend
from ..function import Function
from ..tensor import as_tensor
from .conv import normalize_tuple


def linear_matrix(length, size, dtype):
    """The (length*size, length) half-pixel linear interpolation matrix of one axis."""
    xp = backend.xp
    u = (xp.arange(length * size, dtype=dtype) + 0.5) / size - 0.5
    u = xp.clip(u, 0, length - 1)
    lo = xp.floor(u).astype(int)
    hi = xp.minimum(lo + 1, length - 1)
    frac = (u - lo).astype(dtype)
    w = xp.zeros((length * size, length), dtype=dtype)
    rows = xp.arange(length * size)
    xp.add.at(w, (rows, lo), 1 - frac)
    xp.add.at(w, (rows, hi), frac)
    return w


class UpsampleNearest(Function):
    """Repeat each spatial position ``size[i]`` times along spatial axis i."""

    def forward(self, x, size):
        self.size = size
        y = x
        for axis, f in enumerate(size, start=1):
            if f != 1:
                y = backend.xp.repeat(y, f, axis=axis)
        return y

    def backward(self, g):
        n, c = g.shape[0], g.shape[-1]
        shape = [n]
        for length, f in zip(g.shape[1:-1], self.size):
            shape += [length // f, f]
        gx = g.reshape(*shape, c)
        return (gx.sum(axis=tuple(range(2, 2 * len(self.size) + 1, 2))),)


class UpsampleLinear(Function):
    """y = W_1 x W_2 ... along each spatial axis (see the module docstring)."""

    def forward(self, x, size):
        self.matrices = [linear_matrix(length, f, x.dtype) for length, f in zip(x.shape[1:-1], size)]
        return self._apply(x, transpose=False)

    def backward(self, g):
        return (self._apply(g, transpose=True),)

    def _apply(self, a, transpose):
        xp = backend.xp
        for axis, w in enumerate(self.matrices, start=1):
            m = w.T if transpose else w
            a = xp.moveaxis(xp.tensordot(m, a, axes=([1], [axis])), 0, axis)
        return xp.ascontiguousarray(a)


def _check(x, size, name):
    rank = x.ndim - 2
    if rank < 1:
        raise ValueError(f"{name}: expected inputs (batch, spatial..., channels), received shape {x.shape}")
    return normalize_tuple(size, rank, "size")


def upsample_nearest(x, size):
    """Channels-last nearest upsampling by integer factors ``size`` (one per spatial axis)."""
    x = as_tensor(x)
    return UpsampleNearest.apply(x, size=_check(x, size, "upsample_nearest"))


def upsample_linear(x, size):
    """Channels-last half-pixel linear upsampling by integer factors (bilinear in 2-D)."""
    x = as_tensor(x)
    return UpsampleLinear.apply(x, size=_check(x, size, "upsample_linear"))
