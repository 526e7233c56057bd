"""The three checks every op gradient harness (tests/autograd, tests/ops) runs on its CASES, written once.

``test_gradcheck, test_float32_..., test_ops_change_... = harness_tests(CASES)`` in a
harness module gives it the parametrized tests of tests/autograd/test_autograd_op_gradients.py:
the numerical gradient check, float32 against float64, and no mutation of inputs, incoming
gradients or saved values (a retained graph gives the same gradients twice).
"""

import numpy as np
import pytest

import shenjing as sj


def _tensors(inputs, dtype, copy=False):
    make = np.array if copy else np.asarray
    return [sj.Tensor(make(a, dtype=dtype), requires_grad=True) if np.asarray(a).dtype.kind == "f"
            else sj.Tensor(make(a)) for a in inputs]


def harness_tests(cases):
    @pytest.mark.parametrize("fn, inputs, tolerance", cases)
    def test_gradcheck(fn, inputs, tolerance):
        assert sj.gradcheck(fn, inputs, **tolerance)

    @pytest.mark.parametrize("fn, inputs, tolerance", cases)
    def test_float32_gradients_keep_dtype_and_match_float64(fn, inputs, tolerance):
        grads = {}
        for dtype in (np.float64, np.float32):
            tensors = _tensors(inputs, dtype)
            out = fn(*tensors)
            if dtype is np.float32:
                assert out.dtype == np.float32, f"output dtype {out.dtype} for float32 inputs"
            (out * np.random.default_rng(0).standard_normal(out.shape)).sum().backward()
            grads[dtype] = [t.grad for t in tensors if t.requires_grad]
            for t in tensors:
                if t.requires_grad:
                    assert t.grad is not None and t.grad.dtype == dtype and t.grad.shape == t.shape
        for g32, g64 in zip(grads[np.float32], grads[np.float64]):
            np.testing.assert_allclose(g32, g64, rtol=2e-3, atol=2e-3 * max(1.0, np.abs(g64).max()))

    @pytest.mark.parametrize("fn, inputs, tolerance", cases)
    def test_ops_change_neither_inputs_nor_gradients_nor_saved_values(fn, inputs, tolerance):
        tensors = _tensors(inputs, np.float64, copy=True)
        before = [t.data.copy() for t in tensors]
        out = fn(*tensors)
        g = np.random.default_rng(1).standard_normal(out.shape)
        g_before = g.copy()
        out.backward(g, retain_graph=True)
        first = [None if t.grad is None else t.grad.copy() for t in tensors]
        out.backward(g)
        np.testing.assert_array_equal(g, g_before)
        for t, old, grad in zip(tensors, before, first):
            np.testing.assert_array_equal(t.data, old)
            if grad is not None:
                np.testing.assert_allclose(t.grad, 2 * grad, rtol=1e-12, atol=1e-12)

    return (test_gradcheck, test_float32_gradients_keep_dtype_and_match_float64,
            test_ops_change_neither_inputs_nor_gradients_nor_saved_values)
