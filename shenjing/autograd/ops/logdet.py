"""log|det(x)| of square matrices, the primitive behind ``keras.ops.logdet``."""

from ... import backend
from ..function import Function


class LogDet(Function):
    """y = log|det(x)| (slogdet's second part);  dx = g inv(x)^T."""

    def forward(self, x):
        xp = backend.xp
        self.x = x
        return xp.linalg.slogdet(x)[1].astype(x.dtype, copy=False)

    def backward(self, g):
        xp = backend.xp
        inv_t = xp.swapaxes(xp.linalg.inv(self.x), -1, -2)
        return g[..., None, None] * inv_t
