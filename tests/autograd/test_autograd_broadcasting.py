"""Broadcasting gradients, mixed operands (numbers, ndarrays, Tensors) and dtype preservation."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops
from shenjing.autograd.graph import unbroadcast


def leaf(array):
    return sj.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def test_column_plus_row():
    a, b = leaf(np.arange(3.0).reshape(3, 1)), leaf(np.arange(4.0).reshape(1, 4))
    y = a + b
    assert y.shape == (3, 4)
    y.sum().backward()
    np.testing.assert_array_equal(a.grad, np.full((3, 1), 4.0))
    np.testing.assert_array_equal(b.grad, np.full((1, 4), 3.0))


def test_3d_times_vector():
    rng = np.random.default_rng(0)
    a, b = leaf(rng.standard_normal((2, 3, 4))), leaf(rng.standard_normal(4))
    (a * b).sum().backward()
    np.testing.assert_allclose(a.grad, np.broadcast_to(b.data, (2, 3, 4)))
    np.testing.assert_allclose(b.grad, a.data.sum(axis=(0, 1)))
    assert b.grad.shape == (4,)


def test_scalar_tensor_times_tensor():
    s, t = leaf(2.0), leaf([1.0, 2.0, 3.0])
    (s * t).sum().backward()
    assert s.grad.shape == () and s.grad == 6.0
    np.testing.assert_array_equal(t.grad, [2.0, 2.0, 2.0])


def test_python_scalars_on_both_sides():
    t = leaf([1.0, 2.0])
    y = 2.0 * t + 1 - (3 - t) / 2.0 + 2 ** t + t ** 2
    y.sum().backward()
    np.testing.assert_allclose(y.numpy(), 2 * t.data + 1 - (3 - t.data) / 2 + 2 ** t.data + t.data ** 2)
    np.testing.assert_allclose(t.grad, 2 + 0.5 + np.log(2) * 2 ** t.data + 2 * t.data)


@pytest.mark.parametrize("op, expected", [
    (lambda a, t: a + t, lambda a, t: a + t),
    (lambda a, t: a - t, lambda a, t: a - t),
    (lambda a, t: a * t, lambda a, t: a * t),
    (lambda a, t: a / t, lambda a, t: a / t),
    (lambda a, t: a ** t, lambda a, t: a ** t),
    (lambda a, t: a @ t, lambda a, t: a @ t),
])
def test_ndarray_on_the_left_gives_a_tensor(op, expected):
    a = np.array([1.0, 2.0, 3.0])
    t = sj.tensor(np.array([0.5, 1.5, 2.5]), requires_grad=True)
    out = op(a, t)
    assert isinstance(out, sj.Tensor) and out.requires_grad
    np.testing.assert_allclose(out.numpy(), expected(a, t.numpy()))


def test_broadcast_against_ndarray_on_the_left():
    t = leaf([1.0, 2.0, 3.0])
    out = np.ones((2, 3)) * t
    assert isinstance(out, sj.Tensor) and out.shape == (2, 3)
    out.sum().backward()
    np.testing.assert_array_equal(t.grad, [2.0, 2.0, 2.0])


def test_float32_tensor_with_python_float_stays_float32():
    t = sj.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    for out in (t + 1.5, 1.5 + t, t * 2.0, 2.0 / t, t - 1, t ** 2.0, 2.0 ** t, ops.maximum(t, 0.5),
                ops.where(np.array([True, False]), t, 0.0)):
        assert out.dtype == np.float32, out
    (t * 2.0).sum().backward()
    assert t.grad.dtype == np.float32


def test_float32_tensor_with_float64_ndarray_stays_float32():
    t = sj.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    other = np.array([0.5, 0.25])
    for out in (t + other, other + t, t * other, other * t, other - t, ops.matmul(other, t),
                other @ t, t @ other, ops.divide(other, t)):
        assert out.dtype == np.float32, out
    (other * t).sum().backward()
    assert t.grad.dtype == np.float32


def test_python_float_makes_a_float32_tensor():
    assert sj.tensor(1.5).dtype == np.float32
    assert sj.tensor([1.0, 2.0]).dtype == np.float32
    assert sj.tensor(np.array([1.0])).dtype == np.float64  # ndarrays keep their dtype
    assert sj.tensor([1, 2]).dtype.kind == "i"


def test_float64_leaf_keeps_float64_gradient_through_float32_ops():
    x = leaf([1.0, 2.0])
    w = sj.tensor(np.array([3.0, 4.0], dtype=np.float32), requires_grad=True)
    y = (x * w).sum()
    assert y.dtype == np.float64
    y.backward()
    assert x.grad.dtype == np.float64 and w.grad.dtype == np.float32


def test_where_broadcasts_condition_bigger_than_branches():
    a, b = leaf([1.0, 2.0]), leaf(5.0)
    cond = np.array([[True, False], [False, False], [True, True]])
    ops.where(cond, a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [2.0, 1.0])
    assert b.grad == 3.0


@pytest.mark.parametrize("grad_shape, shape", [
    ((2, 3, 4), (4,)), ((2, 3, 4), (3, 1)), ((2, 3, 4), (1, 3, 1)), ((2, 3, 4), ()),
    ((2, 3), (2, 3)), ((5,), (1, 5)),
])
def test_unbroadcast_sums_to_the_input_shape(grad_shape, shape):
    g = np.random.default_rng(0).standard_normal(grad_shape)
    out = unbroadcast(g, shape)
    assert out.shape == shape
    np.testing.assert_allclose(out.sum(), g.sum())


def test_unbroadcast_refuses_a_gradient_that_is_not_a_broadcast():
    # A backward that returns (4, 3) for a (3, 4) input is a bug; reshaping it would hide it.
    with pytest.raises(RuntimeError, match=r"\(4, 3\).*\(3, 4\)"):
        unbroadcast(np.ones((4, 3)), (3, 4))
