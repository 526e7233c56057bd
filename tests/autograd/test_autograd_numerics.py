"""check_numerics, and ops that must stay finite on extreme inputs."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops


# -- check_numerics ----------------------------------------------------------------------
def test_check_numerics_names_the_op_in_forward():
    with np.errstate(all="ignore"):
        with sj.check_numerics():
            with pytest.raises(FloatingPointError, match=r"Log.*1 NaN and 1 inf.*forward"):
                ops.log(sj.tensor([0.0, -1.0]))
        # Outside the block nothing is checked.
        out = ops.log(sj.tensor([0.0, -1.0]))
    assert np.isinf(out.numpy()[0]) and np.isnan(out.numpy()[1])


def test_check_numerics_switch_functions():
    sj.enable_check_numerics()
    try:
        with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="Divide"):
            sj.tensor([1.0]) / sj.tensor([0.0])
    finally:
        sj.disable_check_numerics()
    with np.errstate(all="ignore"):
        assert np.isinf((sj.tensor([1.0]) / sj.tensor([0.0])).numpy()).all()


def test_check_numerics_is_restored_after_an_error():
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError):
        with sj.check_numerics():
            ops.sqrt(sj.tensor([-1.0]))
    assert not sj.autograd.graph.numerics_checked()


def test_check_numerics_checks_the_backward_pass():
    x = sj.tensor(np.array([0.0, 4.0]), requires_grad=True)
    with np.errstate(all="ignore"), sj.check_numerics():
        y = ops.sqrt(x)  # finite: sqrt(0) = 0
        with pytest.raises(FloatingPointError, match=r"Sqrt.*gradient"):
            y.sum().backward()  # d sqrt(x)/dx = inf at 0


def test_check_numerics_passes_finite_graphs():
    x = sj.tensor(np.array([1.0, 2.0]), requires_grad=True)
    with sj.check_numerics():
        (ops.log(x) * ops.exp(x)).sum().backward()
    assert np.isfinite(x.grad).all()


# -- stability on extreme logits -----------------------------------------------------------
BIG = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [1000.0, 1000.0, -1000.0]])


def test_sparse_softmax_cross_entropy_on_huge_logits():
    z = sj.tensor(BIG, requires_grad=True)
    loss = ops.sparse_softmax_cross_entropy(np.array([0, 0, 1]), z)
    np.testing.assert_allclose(loss.numpy(), [0.0, 2000.0, np.log(2.0)], atol=1e-9)
    loss.sum().backward()
    assert np.isfinite(z.grad).all()
    np.testing.assert_allclose(z.grad, [[0, 0, 0], [-1, 0, 1], [0.5, -0.5, 0]], atol=1e-12)


def test_sparse_softmax_cross_entropy_gradient_on_the_wrong_class():
    z = sj.tensor(BIG, requires_grad=True)
    ops.sparse_softmax_cross_entropy(np.array([1, 0, 2]), z).sum().backward()
    np.testing.assert_allclose(z.grad, [[1, -1, 0], [-1, 0, 1], [0.5, 0.5, -1]], atol=1e-12)


def test_softmax_cross_entropy_on_huge_logits():
    z = sj.tensor(BIG, requires_grad=True)
    target = np.eye(3)[[0, 0, 1]]
    loss = ops.softmax_cross_entropy(target, z)
    np.testing.assert_allclose(loss.numpy(), [0.0, 2000.0, np.log(2.0)], atol=1e-9)
    loss.sum().backward()
    np.testing.assert_allclose(z.grad, [[0, 0, 0], [-1, 0, 1], [0.5, -0.5, 0]], atol=1e-12)


def test_sigmoid_cross_entropy_on_huge_logits():
    z = sj.tensor(np.array([1000.0, -1000.0, 1000.0, -1000.0]), requires_grad=True)
    loss = ops.sigmoid_cross_entropy(np.array([1.0, 0.0, 0.0, 1.0]), z)
    np.testing.assert_allclose(loss.numpy(), [0.0, 0.0, 1000.0, 1000.0])
    loss.sum().backward()
    np.testing.assert_allclose(z.grad, [0.0, 0.0, 1.0, -1.0])


def test_sigmoid_of_huge_values_is_finite():
    x = sj.tensor(np.array([1000.0, -1000.0, 0.0], dtype=np.float32), requires_grad=True)
    with sj.check_numerics():
        y = ops.sigmoid(x)
        y.sum().backward()
    np.testing.assert_array_equal(y.numpy(), [1.0, 0.0, 0.5])
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.25])


def test_softplus_of_huge_values():
    x = sj.tensor(np.array([1000.0, -1000.0, 0.0]), requires_grad=True)
    with sj.check_numerics():
        y = ops.softplus(x)
        y.sum().backward()
    assert y.numpy()[0] == 1000.0 and y.numpy()[1] == 0.0
    np.testing.assert_allclose(y.numpy()[2], np.log(2.0))
    np.testing.assert_allclose(x.grad, [1.0, 0.0, 0.5])
    assert ops.softplus(sj.tensor(np.array([1000.0], dtype=np.float32))).dtype == np.float32


def test_log_softmax_and_softmax_of_huge_logits():
    z = sj.tensor(BIG, requires_grad=True)
    with sj.check_numerics():
        out = ops.log_softmax(z)
        out[:, 0].sum().backward()
        probs = ops.softmax(z)
    np.testing.assert_allclose(out.numpy()[0], [0.0, -2000.0, -1000.0])
    np.testing.assert_allclose(probs.numpy()[2], [0.5, 0.5, 0.0])
    assert np.isfinite(z.grad).all()


def test_logsumexp_of_huge_and_minus_infinite_values():
    x = sj.tensor(np.array([[1000.0, 1000.0], [-np.inf, 0.0]]), requires_grad=True)
    y = ops.logsumexp(x, axis=1)
    np.testing.assert_allclose(y.numpy(), [1000.0 + np.log(2.0), 0.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [[0.5, 0.5], [0.0, 1.0]])


def test_elu_and_gelu_and_silu_on_large_negative_values():
    x = sj.tensor(np.array([-1000.0, 1000.0]), requires_grad=True)
    with sj.check_numerics():
        for fn in (ops.elu, ops.silu, lambda t: ops.gelu(t, approximate=True),
                   lambda t: ops.gelu(t, approximate=False), ops.tanh):
            x.grad = None
            fn(x).sum().backward()
            assert np.isfinite(x.grad).all()
