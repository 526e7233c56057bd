"""Gradient checks for ``keras.ops.linalg`` (the harness of tests/autograd/test_autograd_op_gradients.py).

Matrices are well conditioned (a random matrix plus a multiple of the identity; symmetric
positive definite ones for cholesky and eigh, whose inputs are symmetrized), so float32
and float64 agree and central differences are accurate.
"""

import numpy as np
import pytest

from op_harness import harness_tests
from shenjing import ops

_R = np.random.default_rng(4321)
CASES = []
COVERED = set()

# No gradient by design (factorizations whose factors are not unique, integer results).
NO_GRADIENT = {"eig", "lu_factor", "lstsq", "matrix_rank", "pinv", "qr"}


def case(op, case_id, fn, *inputs, **tolerance):
    COVERED.add(op)
    CASES.append(pytest.param(fn, inputs, tolerance, id=f"{op}-{case_id}"))


def randn(*shape):
    return _R.standard_normal(shape)


def well_conditioned(*shape):
    n = shape[-1]
    return _R.standard_normal(shape) * 0.5 + n * np.eye(n)


def spd(*shape):
    m = _R.standard_normal(shape)
    return m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1])


def away_from_zero(*shape):
    x = _R.standard_normal(shape)
    return np.where(x >= 0, 1.0, -1.0) * (0.3 + np.abs(x))


case("inv", "2d", ops.inv, well_conditioned(3, 3))
case("inv", "batched", ops.inv, well_conditioned(2, 3, 3))
case("det", "2d", ops.det, well_conditioned(3, 3))
case("det", "batched", ops.det, well_conditioned(2, 3, 3))
case("solve", "matrix", ops.solve, well_conditioned(3, 3), randn(3, 2))
case("solve", "vector", ops.solve, well_conditioned(3, 3), randn(3))
case("solve", "batched", ops.solve, well_conditioned(2, 3, 3), randn(2, 3, 2))
case("solve_triangular", "lower", lambda a, b: ops.solve_triangular(a, b, lower=True),
     well_conditioned(3, 3), randn(3, 2))
case("solve_triangular", "upper", ops.solve_triangular, well_conditioned(2, 3, 3), randn(2, 3, 1))
case("cholesky", "lower", ops.cholesky, spd(3, 3))
case("cholesky", "upper-batched", lambda a: ops.cholesky(a, upper=True), spd(2, 3, 3))
case("cholesky_inverse", "lower", lambda a: ops.cholesky_inverse(ops.cholesky(a)), spd(3, 3))
case("cholesky_inverse", "upper", lambda u: ops.cholesky_inverse(u, upper=True),
     np.triu(well_conditioned(3, 3)))
case("eigh", "values", lambda a: ops.eigh(a)[0], spd(4, 4))
case("eigh", "vectors-squared", lambda a: ops.eigh(a)[1] ** 2, spd(2, 3, 3))
case("svd", "values", lambda a: ops.svd(a, compute_uv=False), randn(3, 4))
case("svd", "values-batched", lambda a: ops.svd(a, compute_uv=False), randn(2, 4, 3))
case("norm", "all", ops.norm, randn(3, 4))
case("norm", "all-keepdims", lambda x: ops.norm(x, keepdims=True), randn(2, 3, 2))
for _ord in (None, 1, 2, 3, 0.5, np.inf, -np.inf):
    case("norm", f"vector-ord{_ord}", lambda x, _ord=_ord: ops.norm(x, ord=_ord, axis=-1),
         away_from_zero(3, 4) if _ord != np.inf else _R.permutation(12).reshape(3, 4) * 0.3 + 0.1)
for _ord in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
    case("norm", f"matrix-ord{_ord}", lambda x, _ord=_ord: ops.norm(x, ord=_ord, axis=(0, 2)),
         away_from_zero(3, 2, 4))
case("norm", "matrix-keepdims", lambda x: ops.norm(x, ord=2, axis=(2, 1), keepdims=True), randn(2, 3, 4))


# -- the tests: the shared harness (op_harness.py) over this module's CASES --------------
(test_gradcheck, test_float32_gradients_keep_dtype_and_match_float64,
 test_ops_change_neither_inputs_nor_gradients_nor_saved_values) = harness_tests(CASES)
