"""Gradient checks for ``keras.ops.core`` (the harness of tests/autograd/test_autograd_op_gradients.py):
writes (scatter, scatter_update, slice, slice_update, unstack), casts, the eager control flow
(gradients flow through the steps taken) and ``custom_gradient``.
"""

import numpy as np
import pytest

from op_harness import harness_tests
from shenjing import ops

_R = np.random.default_rng(99)
CASES = []
COVERED = set()

# No gradient by design: facts about a tensor, host copies, and stop_gradient itself
# (its behaviour is tested in test_ops_core_values.py).
NO_GRADIENT = {"convert_to_numpy", "shape", "dtype", "is_tensor", "stop_gradient"}


def case(op, case_id, fn, *inputs, **tolerance):
    COVERED.add(op)
    CASES.append(pytest.param(fn, inputs, tolerance, id=f"{op}-{case_id}"))


def randn(*shape):
    return _R.standard_normal(shape)


def _log1pexp(x):
    e = ops.exp(x)

    def grad(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return upstream * (1.0 - 1.0 / (1 + e))

    return ops.log(1 + e), grad


def _scaled(x, scale):  # a constant argument passes through
    def grad(upstream):
        return upstream * scale

    return x * scale, grad


case("convert_to_tensor", "tensor", lambda x: ops.convert_to_tensor(x) * 2.0, randn(3))
case("cast", "float64-and-back", lambda x: ops.cast(ops.cast(x, "float64") * 2.0, x.dtype), randn(2, 3))
case("saturate_cast", "float", lambda x: ops.saturate_cast(ops.cast(x, "float64") * 3.0, x.dtype), randn(4))
case("slice", "box", lambda x: ops.slice(x, (1, 0), (2, 3)), randn(3, 4))
case("slice", "to-end", lambda x: ops.slice(x, [0, 1, 1], [-1, 2, -1]), randn(2, 3, 4))
case("slice_update", "both", lambda x, u: ops.slice_update(x, (1, 1), u), randn(3, 4), randn(2, 2))
case("scatter", "points", lambda v: ops.scatter([[0, 1], [2, 2], [0, 1]], v, (3, 3)), randn(3))
case("scatter", "rows", lambda v: ops.scatter([[1], [0]], v, (3, 4)), randn(2, 4))
case("scatter_update", "set", lambda x, u: ops.scatter_update(x, [[0, 1], [2, 0]], u), randn(3, 2), randn(2))
case("scatter_update", "set-repeated", lambda x, u: ops.scatter_update(x, [[1], [1], [0]], u),
     randn(3, 2), randn(3, 2))
case("scatter_update", "add", lambda x, u: ops.scatter_update(x, [[1], [1]], u, reduction="add"),
     randn(3, 2), randn(2, 2))
case("unstack", "axis1", lambda x: ops.unstack(x, axis=1)[1] * 3.0, randn(2, 3, 2))
case("cond", "true", lambda x: ops.cond(True, lambda: x * 2.0, lambda: x), randn(3))
case("cond", "tensor-pred", lambda x: ops.cond(ops.sum(x) > 1e6, lambda: x, lambda: ops.exp(x)), randn(3))
case("switch", "clamped", lambda x: ops.switch(5, [lambda a: a, lambda a: a * a], x), randn(3))
case("while_loop", "tuple", lambda x: ops.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x),
                                                     (0, x * 0.0 + 1.0))[1], randn(3))
case("fori_loop", "sum", lambda x: ops.fori_loop(0, 3, lambda i, v: v + x * float(i), x), randn(2, 2))
case("map", "square", lambda x: ops.map(lambda row: row * row, x), randn(3, 2))
case("map", "dict", lambda x, y: ops.map(lambda d: d["a"] * d["b"], {"a": x, "b": y}), randn(3, 2), randn(3, 2))
case("vectorized_map", "outer", lambda x: ops.vectorized_map(lambda r: ops.sum(r) * r, x), randn(3, 2))
case("scan", "cumprod", lambda c, xs: ops.scan(lambda c, x: (c * x, c + x), c, xs)[1], randn(2), randn(3, 2))
case("scan", "reverse-carry", lambda c, xs: ops.scan(lambda c, x: (c * x, None), c, xs, reverse=True)[0],
     randn(2), randn(3, 2))
case("associative_scan", "cumsum-axis1", lambda x: ops.associative_scan(lambda a, b: a + b, x, axis=1), randn(2, 4))
case("associative_scan", "cumprod-reverse", lambda x: ops.associative_scan(lambda a, b: a * b, x, reverse=True),
     randn(4, 2))
case("custom_gradient", "log1pexp", ops.custom_gradient(_log1pexp), randn(4))
case("custom_gradient", "constant-argument", lambda x: ops.custom_gradient(_scaled)(x, 2.5), randn(3))


# -- the tests: the shared harness (op_harness.py) over this module's CASES --------------
(test_gradcheck, test_float32_gradients_keep_dtype_and_match_float64,
 test_ops_change_neither_inputs_nor_gradients_nor_saved_values) = harness_tests(CASES)
