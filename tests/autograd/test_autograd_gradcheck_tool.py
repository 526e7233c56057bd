"""The gradient checker itself: it must catch wrong gradients and read every element."""

import numpy as np
import pytest

import shenjing as sj


def test_gradcheck_needs_a_tensor_output():
    with pytest.raises(TypeError, match="must return a Tensor"):
        sj.gradcheck(lambda a: a.numpy(), [np.ones(2)])


def test_gradcheck_catches_a_wrong_gradient():
    class BadSquare(sj.Function):
        """y = x^2 with a wrong backward (x instead of 2x)."""

        def forward(self, x):
            self.x = x
            return x * x

        def backward(self, g):
            return g * self.x

    with pytest.raises(AssertionError, match="gradient of input 0"):
        sj.gradcheck(lambda a: BadSquare.apply(a), [np.array([1.0, 2.0])])


def test_numerical_gradient_on_a_non_contiguous_view():
    base = np.arange(6.0).reshape(2, 3)
    view = base.T  # Fortran-ordered: a flat reshape of it would be a copy
    grad = sj.autograd.numerical_gradient(lambda: float((base ** 2).sum()), view)
    np.testing.assert_allclose(grad, 2 * view, atol=1e-6)
    np.testing.assert_array_equal(base, np.arange(6.0).reshape(2, 3))  # restored


def test_gradcheck_passes_integer_inputs_through():
    seen = []

    def fn(x, labels):
        seen.append((x.requires_grad, labels.requires_grad, labels.dtype.kind))
        return x * 2.0

    assert sj.gradcheck(fn, [np.ones(3), np.array([1, 2, 3])])
    assert seen[0] == (True, False, "i")
