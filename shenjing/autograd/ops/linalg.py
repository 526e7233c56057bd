"""Matrix products: matmul (batched, with NumPy's 1-D rules) and dense (x @ W + b)."""

import numpy as np  # broadcast_shapes on shape tuples only: arrays go through backend.xp

from ... import backend
from ..function import Function
from ..tensor import as_tensor
from .arithmetic import _pair


def column_sums(a):
    """a.sum(axis=0) of a 2-D array as one matrix-vector product (BLAS is several times
    faster than NumPy's reduction over a long axis); the bias gradient of Dense and Conv."""
    return backend.xp.ones(a.shape[0], dtype=a.dtype) @ a


class MatMul(Function):
    """y = a @ b;  da = g @ b^T, db = a^T @ g (over the last two axes, batched)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return backend.xp.matmul(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        a_vec, b_vec = a.ndim == 1, b.ndim == 1
        # Vectors act as matrices, as in matmul itself: (k,) @ B is (1, k) @ B.
        # g gets back the axes matmul dropped, the last one (b's) first, so that
        # (k,) @ (k,) -> () becomes (1, 1).
        xp = backend.xp
        if b_vec:
            b, g = b[:, None], g[..., None]
        if a_vec:
            a, g = a[None, :], g[..., None, :]
        need_a, need_b = self.needs_input_grad
        ga = gb = None
        if need_a:
            ga = xp.matmul(g, xp.swapaxes(b, -1, -2))
            if a_vec:
                ga = ga.reshape(-1, ga.shape[-1]).sum(axis=0)
        if need_b:
            gb = xp.matmul(xp.swapaxes(a, -1, -2), g)
            if b_vec:
                gb = gb[..., 0].reshape(-1, gb.shape[-2]).sum(axis=0)
        return ga, gb


class Dense(Function):
    """y = x @ W + b over the last axis of x;  dx = g W^T, dW = x^T g, db = sum(g)."""

    def forward(self, x, w, b=None):
        self.x, self.w = x, w
        x2 = x.reshape(-1, x.shape[-1])
        y = x2 @ w
        if b is not None:
            y += b
        return y.reshape(x.shape[:-1] + (w.shape[1],))

    def backward(self, g):
        g2 = g.reshape(-1, g.shape[-1])
        need = self.needs_input_grad
        gx = (g2 @ self.w.T).reshape(self.x.shape) if need[0] else None
        gw = self.x.reshape(-1, self.x.shape[-1]).T @ g2 if need[1] else None
        if len(need) == 2:
            return gx, gw
        return gx, gw, (column_sums(g2) if need[2] else None)


def _check_matmul(a, b, where="matmul"):
    ka = a.shape[-1] if a.ndim else None
    kb = b.shape[0] if b.ndim == 1 else b.shape[-2] if b.ndim else None
    if a.ndim == 0 or b.ndim == 0 or ka != kb:
        raise ValueError(
            f"{where}: incompatible shapes {a.shape} and {b.shape}: the last axis of the "
            f"first ({ka if a.ndim else 'scalar'}) must equal the "
            f"{'first' if b.ndim == 1 else 'second-to-last'} axis of the second "
            f"({kb if b.ndim else 'scalar'})"
        )
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(
            f"{where}: batch dimensions of shapes {a.shape} and {b.shape} do not broadcast"
        ) from None


def matmul(x1, x2):
    """Matrix product with NumPy's rules (batched over leading axes, 1-D promoted)."""
    a, b = _pair(x1, x2)  # an ndarray on either side takes the Tensor's float dtype
    _check_matmul(a, b)
    return MatMul.apply(a, b)


def dense(x, kernel, bias=None):
    """x @ kernel + bias on the last axis: the fused op of a Dense layer."""
    x = as_tensor(x)
    kernel = as_tensor(kernel, like=x)
    if kernel.ndim != 2:
        raise ValueError(f"dense: the kernel must have rank 2 (in, out), received shape {kernel.shape}")
    if x.ndim == 0 or x.shape[-1] != kernel.shape[0]:
        raise ValueError(
            f"dense: the last axis of the input {x.shape} must equal the kernel's input "
            f"size {kernel.shape[0]} (kernel shape {kernel.shape})"
        )
    if bias is None:
        return Dense.apply(x, kernel)
    return Dense.apply(x, kernel, as_tensor(bias, like=x))


def outer(x1, x2):
    from .shape import reshape

    a, b = as_tensor(x1), as_tensor(x2)
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))
