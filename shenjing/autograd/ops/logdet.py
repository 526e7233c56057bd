"""log|det(x)| of square matrices, the one primitive behind ``keras.ops.logdet`` and the
second part of ``keras.ops.slogdet``."""

from ... import backend
from ..function import Function
from ..tensor import as_tensor


class LogAbsDet(Function):
    """y = log|det(x)| over the last two axes (slogdet's second part);  dx = g inv(x)^T."""

    def forward(self, x):
        self.x = x
        return backend.xp.linalg.slogdet(x)[1].astype(x.dtype, copy=False)

    def backward(self, g):
        xp = backend.xp
        return g[..., None, None] * xp.swapaxes(xp.linalg.inv(self.x), -1, -2)


def logabsdet(x):
    return LogAbsDet.apply(as_tensor(x))
