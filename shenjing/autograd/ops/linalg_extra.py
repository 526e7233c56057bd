"""Matrix functions with gradients: inverse, determinant, solve, Cholesky, eigh, singular values.

All act on the last two axes and batch over the leading ones. ``X^T`` below is the
transpose of the last two axes. The formulas are the standard matrix-calculus results
(Giles 2008, "Collected matrix derivative results"; Murray 2016 for Cholesky).
"""

from ... import backend
from ..function import Function


def _t(a):
    return backend.xp.swapaxes(a, -1, -2)


def _sym(a):
    return (a + _t(a)) * 0.5


class Inv(Function):
    """Y = A^-1;  dA = -Y^T g Y^T."""

    def forward(self, a):
        self.y = backend.xp.linalg.inv(a)
        return self.y

    def backward(self, g):
        yt = _t(self.y)
        return -(yt @ g @ yt)


class Det(Function):
    """y = det(A);  dA = g * det(A) * A^-T (A invertible)."""

    def forward(self, a):
        self.a = a
        self.y = backend.xp.linalg.det(a)
        return self.y

    def backward(self, g):
        xp = backend.xp
        scale = (g * self.y)[..., None, None]
        return scale * _t(xp.linalg.inv(self.a))


class Solve(Function):
    """X = A^-1 B (B a matrix per batch);  dB = A^-T g, dA = -dB X^T."""

    def forward(self, a, b):
        self.a = a
        self.x = backend.xp.linalg.solve(a, b)
        return self.x

    def backward(self, g):
        gb = backend.xp.linalg.solve(_t(self.a), g)
        return -(gb @ _t(self.x)), gb


class Cholesky(Function):
    """L = chol((A + A^T) / 2), lower;  S = Phi(L^T g), dA = sym(L^-T S L^-1),
    Phi = lower triangle with the diagonal halved (the input is symmetrized, as in JAX)."""

    def forward(self, a):
        self.l = backend.xp.linalg.cholesky(_sym(a))
        return self.l

    def backward(self, g):
        xp = backend.xp
        lower = self.l
        s = _t(lower) @ g
        s = xp.tril(s) - 0.5 * xp.tril(xp.triu(s))  # Phi: tril with the diagonal halved
        linv = xp.linalg.inv(lower)
        return _sym(_t(linv) @ s @ linv)


class Eigh(Function):
    """w, V = eigh((A + A^T) / 2), returned packed as one array [w; V] of shape (..., n+1, n).
    dA = sym(V (diag(gw) + F o (V^T gV)) V^T), F_ij = 1 / (w_j - w_i) off the diagonal."""

    def forward(self, a):
        xp = backend.xp
        self.w, self.v = xp.linalg.eigh(_sym(a))
        return xp.concatenate([self.w[..., None, :], self.v], axis=-2)

    def backward(self, g):
        xp = backend.xp
        gw, gv = g[..., 0, :], g[..., 1:, :]
        w, v = self.w, self.v
        diff = w[..., None, :] - w[..., :, None]  # w_j - w_i
        n = w.shape[-1]
        eye = xp.eye(n, dtype=w.dtype)
        f = (1 - eye) / (diff + eye)  # zero on the diagonal
        inner = f * (_t(v) @ gv) + eye * gw[..., None, :]
        return _sym(v @ inner @ _t(v))


class SingularValues(Function):
    """s = singular values of A (descending);  dA = U diag(g) V^T (thin SVD)."""

    def forward(self, a):
        self.u, s, self.vt = backend.xp.linalg.svd(a, full_matrices=False)
        return s

    def backward(self, g):
        return (self.u * g[..., None, :]) @ self.vt
