"""``tf.linalg``: matmul, inv, det, norm, diag, diag_part, band_part, trace, eye, qr, svd,
cholesky, eigh, solve, triangular_solve, matrix_transpose, adjoint.

Aliases of ``shenjing.ops`` (``ops.linalg`` and the primitives) with TensorFlow's argument
names and return conventions (``svd`` returns ``(s, u, v)``, ``qr`` defaults to reduced).
diag, diag_part, band_part and trace are differentiable compositions over the last two axes.
"""

import numpy as np  # host-side masks and shapes

from .. import ops as _ops
from .. import backend
from ..autograd import Tensor
from ..autograd.ops import arithmetic, shape as _shape
from ..ops import core as _core, linalg as _linalg
from ..ops import matmul as _matmul

__all__ = ["adjoint", "band_part", "cholesky", "det", "diag", "diag_part", "eigh", "eye", "inv",
           "matmul", "matrix_transpose", "norm", "qr", "solve", "svd", "trace", "triangular_solve"]


def matrix_transpose(a, name=None, conjugate=False):
    return _shape.swapaxes(_core.convert_to_tensor(a), -1, -2)


adjoint = matrix_transpose  # real tensors: the conjugate transpose is the transpose


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """a @ b over the last two axes, either side transposed first."""
    a, b = _core.convert_to_tensor(a), _core.convert_to_tensor(b)
    if transpose_a or adjoint_a:
        a = matrix_transpose(a)
    if transpose_b or adjoint_b:
        b = matrix_transpose(b)
    out = _matmul(a, b)
    return out if output_type is None else _core.cast(out, output_type)


def inv(input, adjoint=False, name=None):  # noqa: A002
    out = _linalg.inv(input)
    return matrix_transpose(out) if adjoint else out


def det(input, name=None):  # noqa: A002
    return _linalg.det(input)


def cholesky(input, name=None):  # noqa: A002
    return _linalg.cholesky(input)


def eigh(tensor, name=None):
    return _linalg.eigh(tensor)


def solve(matrix, rhs, adjoint=False, name=None):
    return _linalg.solve(matrix_transpose(matrix) if adjoint else matrix, rhs)


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    if adjoint:
        return _linalg.solve_triangular(matrix_transpose(matrix), rhs, lower=not lower)
    return _linalg.solve_triangular(matrix, rhs, lower=lower)


def qr(input, full_matrices=False, name=None):  # noqa: A002
    return _linalg.qr(input, mode="complete" if full_matrices else "reduced")


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """TensorFlow's order: ``(s, u, v)`` with tensor = u diag(s) v^T; ``s`` alone without uv."""
    if not compute_uv:
        return _linalg.svd(tensor, compute_uv=False)
    u, s, vh = _linalg.svd(tensor, full_matrices=full_matrices)
    return s, u, matrix_transpose(vh)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):
    """TensorFlow's norm: ``"euclidean"`` (the default) is the 2-norm of the flattened
    tensor or, with two axes, the Frobenius norm; otherwise NumPy's meaning of ``ord``."""
    keepdims = bool(keepdims)
    if ord == "euclidean":
        if axis is not None and not isinstance(axis, (int, np.integer)) and len(axis) == 2:
            return _linalg.norm(tensor, "fro", axis, keepdims)
        return _linalg.norm(tensor, None, axis, keepdims)
    return _linalg.norm(tensor, ord, axis, keepdims)


def diag(diagonal, name=None, k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    """The (..., n, n) matrices with ``diagonal`` (..., n) on the main diagonal."""
    if k != 0 or num_rows != -1 or num_cols != -1 or padding_value != 0:
        raise ValueError("tf.linalg.diag: only the main diagonal is supported (k=0, default num_rows, "
                         f"num_cols, padding_value). Received: k={k}, num_rows={num_rows}, "
                         f"num_cols={num_cols}, padding_value={padding_value}")
    d = _core.convert_to_tensor(diagonal)
    n = d.shape[-1]
    eye_n = Tensor(backend.xp.eye(n, dtype=d.dtype))
    return arithmetic.multiply(_shape.expand_dims(d, -2), eye_n)


def diag_part(input, name=None, k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """The k-th diagonal (..., min(m, n)) of (..., m, n) matrices (``ops.diagonal``)."""
    return _ops.diagonal(input, offset=k, axis1=-2, axis2=-1)


def band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Entries with -num_lower <= j - i <= num_upper kept (a negative count keeps that whole triangle)."""
    x = _core.convert_to_tensor(input)
    m, n = x.shape[-2:]
    offset = np.arange(n)[None, :] - np.arange(m)[:, None]
    keep = np.ones((m, n), dtype=np.bool_)
    if num_lower >= 0:
        keep &= offset >= -num_lower
    if num_upper >= 0:
        keep &= offset <= num_upper
    return arithmetic.multiply(x, Tensor(backend.xp.asarray(keep.astype(x.dtype))))


def trace(x, name=None):
    """The sum of the main diagonal of each (..., m, n) matrix (``ops.trace``)."""
    return _ops.trace(x, axis1=-2, axis2=-1)


def eye(num_rows, num_columns=None, batch_shape=None, dtype="float32", name=None):
    n_cols = num_rows if num_columns is None else num_columns
    out = backend.xp.eye(int(num_rows), int(n_cols), dtype=_core.standardize_dtype(dtype))
    if batch_shape is not None:
        out = backend.xp.broadcast_to(out, tuple(batch_shape) + out.shape).copy()
    return Tensor(out)
