"""``keras.ops.linalg``: cholesky, cholesky_inverse, det, eig, eigh, inv, lu_factor, lstsq, matrix_rank,
norm, pinv, qr, solve, solve_triangular, svd.

Matrices are the last two axes; leading axes are a batch. Differentiable: cholesky,
cholesky_inverse, det, eigh, inv, norm, solve, solve_triangular and svd with
``compute_uv=False`` (the primitives in ``autograd/ops/linalg_extra.py``). eig, lu_factor,
lstsq, matrix_rank, pinv, qr and svd's factors return tensors with no gradient.
Integer inputs become floatx, as in Keras.
"""

import numpy as np  # dtype checks and host-side bookkeeping only

from .. import backend
from ..autograd.ops import arithmetic, reduce, shape
from ..autograd.ops.linalg_extra import Cholesky, Det, Eigh, Inv, SingularValues, Solve
from ..autograd.tensor import Tensor, as_tensor
from .dispatch import keras_op

__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "lu_factor", "lstsq",
           "matrix_rank", "norm", "pinv", "qr", "solve", "solve_triangular", "svd"]


def _float(x):
    x = as_tensor(x)
    if x.dtype.kind != "f":
        x = arithmetic.cast(x, backend.floatx())
    return x


def _matrix(x, name, square=True):
    x = _float(x)
    if x.ndim < 2 or (square and x.shape[-1] != x.shape[-2]):
        kind = "square matrices" if square else "matrices"
        raise ValueError(f"{name}: Expected a tensor of {kind} (rank >= 2, the last two axes "
                         f"the matrix). Received: x.shape={x.shape}")
    return x


def _plain(x, name, square=True):
    return _matrix(x, name, square).data


@keras_op("cholesky", module="linalg")
def cholesky(x, upper=False):
    """L with L L^T = x (lower), or its transpose U (upper=True); x must be positive definite."""
    x = _matrix(x, "cholesky")
    try:
        lower = Cholesky.apply(x)
    except np.linalg.LinAlgError as error:
        raise ValueError(f"cholesky: the input is not positive definite ({error}). "
                         f"Received: x.shape={x.shape}") from None
    return shape.swapaxes(lower, -1, -2) if upper else lower


@keras_op("cholesky_inverse", module="linalg")
def cholesky_inverse(x, upper=False):
    """A^-1 from A's Cholesky factor: L^-T L^-1 (lower x = L), or U^-1 U^-T (upper x = U)."""
    x = _matrix(x, "cholesky_inverse")
    inv_factor = inv(x)
    t = shape.swapaxes(inv_factor, -1, -2)
    return inv_factor @ t if upper else t @ inv_factor


@keras_op("det", module="linalg")
def det(x):
    return Det.apply(_matrix(x, "det"))


@keras_op("eig", module="linalg")
def eig(x):
    """(eigenvalues, eigenvectors) of a general square matrix (complex in general); no gradient."""
    w, v = backend.xp.linalg.eig(_plain(x, "eig"))
    return Tensor(w), Tensor(v)


@keras_op("eigh", module="linalg")
def eigh(x):
    """(w, V) of a symmetric matrix, w ascending; the input is symmetrized, (x + x^T) / 2."""
    x = _matrix(x, "eigh")
    packed = Eigh.apply(x)
    return packed[..., 0, :], packed[..., 1:, :]


@keras_op("inv", module="linalg")
def inv(x):
    x = _matrix(x, "inv")
    try:
        return Inv.apply(x)
    except np.linalg.LinAlgError as error:
        raise ValueError(f"inv: the matrix is singular ({error}). Received: x.shape={x.shape}") from None


@keras_op("lu_factor", module="linalg")
def lu_factor(x):
    """(lu, pivots) as ``scipy.linalg.lu_factor`` (0-based int32 pivots), batched; no gradient."""
    import scipy.linalg

    array = backend.to_numpy(_plain(x, "lu_factor"))
    flat = array.reshape((-1,) + array.shape[-2:])
    lus, pivots = zip(*(scipy.linalg.lu_factor(m, check_finite=False) for m in flat)) if len(flat) \
        else ((), ())
    lu = np.stack(lus).reshape(array.shape) if lus else array.copy()
    piv = np.stack(pivots).astype(np.int32).reshape(array.shape[:-1]) if pivots \
        else np.zeros(array.shape[:-1], np.int32)
    return Tensor(backend.xp.asarray(lu)), Tensor(backend.xp.asarray(piv))


@keras_op("lstsq", module="linalg")
def lstsq(a, b, rcond=None):
    """The least-squares solution x of a x = b (a of shape (M, N)); no gradient."""
    a, b = _float(a), _float(b)
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(f"lstsq: Expected a of shape (M, N) and b of shape (M,) or (M, K). "
                         f"Received: a.shape={a.shape}, b.shape={b.shape}")
    return Tensor(backend.xp.linalg.lstsq(a.data, b.data.astype(a.dtype), rcond=rcond)[0])


@keras_op("matrix_rank", module="linalg")
def matrix_rank(x, tol=None):
    return Tensor(backend.xp.linalg.matrix_rank(_plain(x, "matrix_rank", square=False), tol=tol).astype(np.int32))


@keras_op("pinv", module="linalg")
def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse (rcond defaults to 1e-15, as NumPy's); no gradient."""
    return Tensor(backend.xp.linalg.pinv(_plain(x, "pinv", square=False),
                                         rcond=1e-15 if rcond is None else rcond))


@keras_op("qr", module="linalg")
def qr(x, mode="reduced"):
    """(q, r) with x = q r; no gradient."""
    if mode not in {"reduced", "complete"}:
        raise ValueError("`mode` argument value not supported. Expected one of "
                         f"{{'reduced', 'complete'}}. Received: mode={mode}")
    q, r = backend.xp.linalg.qr(_plain(x, "qr", square=False), mode=mode)
    return Tensor(q), Tensor(r)


def _solve_shapes(a, b, name):
    if b.ndim == 0 or b.shape[0 if b.ndim == 1 else -2] != a.shape[-1]:
        raise ValueError(f"{name}: Expected b of shape (..., {a.shape[-1]}, K) or ({a.shape[-1]},) "
                         f"to match a. Received: a.shape={a.shape}, b.shape={b.shape}")


@keras_op("solve", module="linalg")
def solve(a, b):
    """x with a x = b; b is a vector when 1-D (NumPy 2's rule), else (..., M, K)."""
    a, b = _matrix(a, "solve"), _float(b)
    _solve_shapes(a, b, "solve")
    vector = b.ndim == 1
    if vector:
        b = shape.expand_dims(b, -1)
    if b.dtype != a.dtype:
        b = arithmetic.cast(b, a.dtype)
    try:
        x = Solve.apply(a, b)
    except np.linalg.LinAlgError as error:
        raise ValueError(f"solve: the matrix a is singular ({error}). Received: a.shape={a.shape}") from None
    return x[..., 0] if vector else x


@keras_op("solve_triangular", module="linalg")
def solve_triangular(a, b, lower=False):
    """x with a x = b, reading only a's lower (lower=True) or upper triangle."""
    a = _matrix(a, "solve_triangular")
    n = a.shape[-1]
    keep = np.tril(np.ones((n, n))) if lower else np.triu(np.ones((n, n)))
    return solve(a * backend.xp.asarray(keep.astype(a.dtype)), b)


@keras_op("svd", module="linalg", class_name="SVD")
def svd(x, full_matrices=True, compute_uv=True):
    """(u, s, vh) with x = u diag(s) vh; s alone (differentiable) when compute_uv=False."""
    x = _matrix(x, "svd", square=False)
    if not compute_uv:
        return SingularValues.apply(x)
    u, s, vh = backend.xp.linalg.svd(x.data, full_matrices=full_matrices)
    return Tensor(u), Tensor(s), Tensor(vh)


# -- norm ------------------------------------------------------------------------------
def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return arithmetic.sqrt(reduce.sum(arithmetic.square(x), axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"norm: Invalid norm order {ord!r} for vectors. Received: ord={ord!r}")
    if ord == np.inf:
        return reduce.max(arithmetic.abs(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return reduce.min(arithmetic.abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return Tensor((x.data != 0).sum(axis=axis, keepdims=keepdims).astype(x.dtype))
    if ord == 1:
        return reduce.sum(arithmetic.abs(x), axis=axis, keepdims=keepdims)
    p = float(ord)
    total = reduce.sum(arithmetic.power(arithmetic.abs(x), p), axis=axis, keepdims=keepdims)
    return arithmetic.power(total, 1.0 / p)


def _matrix_norm(x, ord, axis, keepdims):
    row, col = axis
    if ord is None or ord == "fro":
        return arithmetic.sqrt(reduce.sum(arithmetic.square(x), axis=axis, keepdims=keepdims))
    if ord in (1, -1, np.inf, -np.inf):
        inner, outer = (row, col) if ord in (1, -1) else (col, row)
        sums = reduce.sum(arithmetic.abs(x), axis=inner, keepdims=True)
        pick = reduce.max if ord > 0 else reduce.min
        out = pick(sums, axis=outer, keepdims=True)
    elif ord in (2, -2, "nuc"):
        moved = shape.transpose(x, [a for a in range(x.ndim) if a not in (row, col)] + [row, col])
        s = SingularValues.apply(moved)
        out = (reduce.sum(s, axis=-1) if ord == "nuc" else
               reduce.max(s, axis=-1) if ord == 2 else reduce.min(s, axis=-1))
        out = shape.expand_dims(shape.expand_dims(out, -1), -1)
        out = shape.transpose(out, list(np.argsort([a for a in range(x.ndim) if a not in (row, col)]
                                                   + [row, col])))
    else:
        raise ValueError(f"norm: Invalid norm order for matrices. Expected one of None, 'fro', "
                         f"'nuc', 1, -1, 2, -2, inf, -inf. Received: ord={ord!r}")
    return out if keepdims else shape.squeeze(out, axis=(row, col))


@keras_op("norm", module="linalg")
def norm(x, ord=None, axis=None, keepdims=False):
    """NumPy's ``linalg.norm``: a vector norm over one axis, a matrix norm over two, the
    2-norm of all elements when ``axis`` and ``ord`` are None."""
    x = _float(x)
    if axis is None:
        if ord is None:
            out = arithmetic.sqrt(reduce.sum(arithmetic.square(x)))
            return shape.reshape(out, (1,) * x.ndim) if keepdims else out
        if x.ndim not in (1, 2):
            raise ValueError(f"norm: with ord={ord!r} and axis=None the input must be 1-D or 2-D. "
                             f"Received: x.shape={x.shape}")
        axis = tuple(range(x.ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    try:
        axes = tuple(int(a) % x.ndim if -x.ndim <= a < x.ndim else None for a in axes)
    except TypeError:
        raise ValueError(f"norm: Expected axis to be None, an int or a tuple of ints. Received: axis={axis!r}") from None
    if None in axes or len(set(axes)) != len(axes) or len(axes) not in (1, 2):
        raise ValueError(f"norm: Expected one axis or two distinct axes within rank {x.ndim}. "
                         f"Received: axis={axis!r}")
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    return _matrix_norm(x, ord, axes, keepdims)
