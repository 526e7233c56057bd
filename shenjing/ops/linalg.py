"""``keras.ops.linalg``: keras.ops.linalg: cholesky, det, eig, eigh, inv, lu_factor, norm, qr, solve, solve_triangular, svd, lstsq.

Each public name is listed in ``__all__`` and wears ``dispatch.keras_op(name, module="linalg")``.
"""

__all__ = []
