"""Graph semantics: accumulation, retain_graph, no_grad, detach, deep graphs, no-gradient ops."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops
from shenjing.autograd import graph


def leaf(values, dtype=np.float64):
    return sj.tensor(np.array(values, dtype=dtype), requires_grad=True)


# -- gradient accumulation inside one graph ----------------------------------------------
def test_tensor_used_several_times_accumulates():
    x = leaf([1.0, -2.0, 3.0])
    (x * x + x).sum().backward()
    np.testing.assert_allclose(x.grad, 2 * x.data + 1)


def test_tensor_used_in_two_branches():
    x = leaf([0.5, 1.5])
    a = ops.exp(x)
    b = ops.tanh(x) * x
    (a * 2.0 + b).sum().backward()
    t = np.tanh(x.data)
    np.testing.assert_allclose(x.grad, 2 * np.exp(x.data) + (1 - t ** 2) * x.data + t)


def test_diamond_graph():
    # x -> a, b -> c: dc/dx = da/dx * dc/da + db/dx * dc/db through a shared intermediate.
    x = leaf([0.3, -0.7])
    h = x * 2.0
    a = ops.square(h)
    b = ops.exp(h)
    c = (a * b).sum()
    c.backward()
    hv = 2 * x.data
    np.testing.assert_allclose(x.grad, 2 * (2 * hv * np.exp(hv) + hv ** 2 * np.exp(hv)))


def test_same_leaf_on_both_sides_of_an_op():
    x = leaf([2.0, 3.0])
    (x / x + x - x).sum().backward()
    np.testing.assert_allclose(x.grad, [0.0, 0.0], atol=1e-12)


# -- backward twice ----------------------------------------------------------------------
def test_second_backward_raises_with_clear_message():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_second_backward_through_shared_freed_intermediate_raises():
    x = leaf([1.0, 2.0])
    h = ops.exp(x)
    h.sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        (h * 2.0).sum().backward()


def test_retain_graph_allows_second_backward_and_accumulates():
    x = leaf([1.0, 2.0])
    y = (x * x * 3.0).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * 6 * x.data)


@pytest.mark.parametrize("make", [
    lambda z: ops.sparse_softmax_cross_entropy(np.array([0, 2]), z).sum(),
    lambda z: ops.softmax_cross_entropy(np.eye(3)[[1, 0]], z).sum(),
    lambda z: ops.sigmoid_cross_entropy(np.ones((2, 3)), z).sum(),
    lambda z: ops.max_pool(ops.reshape(z, (1, 6, 1)), 2).sum(),
    lambda z: ops.log_softmax(z).sum() + ops.softmax(z)[:, 0].sum(),
    lambda z: ops.conv(ops.reshape(z, (1, 6, 1)), np.ones((2, 1, 1))).sum(),
])
def test_retained_backward_twice_gives_twice_the_gradient(make):
    """No op may change what it saved for backward: a retained graph gives the same gradient again."""
    z = leaf([[0.1, 2.0, -1.0], [0.5, 0.3, -0.4]])
    y = make(z)
    y.backward(retain_graph=True)
    first = z.grad.copy()
    y.backward(retain_graph=True)
    np.testing.assert_allclose(z.grad, 2 * first)


def test_grads_accumulate_across_separate_backward_calls():
    x = leaf([1.0, -1.0])
    (x * 3.0).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad, 3.0 + 2 * x.data)
    x.grad = None
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad, [3.0, 3.0])


def test_leaf_grads_are_writable_and_not_shared():
    """Optimizers update .grad in place: each leaf must own a writable array."""
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    assert a.grad is not b.grad
    a.grad *= 10.0
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])

    x = leaf(np.ones((2, 3)))
    x.sum().backward()  # the gradient of a sum is a broadcast view
    assert x.grad.flags.writeable
    x.grad += 1.0
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 2.0))

    user_grad = np.array([1.0, 1.0])
    c = leaf([1.0, 2.0])
    (c * 1.0).backward(user_grad)
    c.grad += 1.0
    np.testing.assert_array_equal(user_grad, [1.0, 1.0])


# -- backward arguments ------------------------------------------------------------------
def test_backward_on_non_scalar_without_grad_raises():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"scalar output.*\(2,\)"):
        (x * 2.0).backward()


def test_backward_with_explicit_grad():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(grad=np.array([1.0, 0.0, -1.0]))
    np.testing.assert_allclose(x.grad, [2.0, 0.0, -6.0])
    z = leaf([1.0, 2.0])
    (z * 3.0).backward(sj.tensor(np.array([2.0, 1.0])))
    np.testing.assert_allclose(z.grad, [6.0, 3.0])


def test_backward_with_grad_of_wrong_shape_raises():
    x = leaf([1.0, 2.0])
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        (x * 2.0).backward(np.ones(3))


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        sj.tensor([1.0, 2.0]).sum().backward()


def test_backward_on_a_leaf():
    x = sj.tensor(3.0, requires_grad=True)
    x.backward()
    assert x.grad == 1.0


def test_gradient_flows_only_to_inputs_that_require_it():
    x, c = leaf([1.0, 2.0]), sj.tensor(np.array([3.0, 4.0]))
    (x * c).sum().backward()
    np.testing.assert_allclose(x.grad, [3.0, 4.0])
    assert c.grad is None


def test_unused_leaf_gets_no_gradient():
    x, unused = leaf([1.0]), leaf([2.0])
    (x * 2.0).sum().backward()
    assert unused.grad is None


def test_deep_chain_does_not_hit_the_recursion_limit():
    x = leaf([1.0])
    y = x
    for _ in range(5000):
        y = y + 1.0
    y.sum().backward(retain_graph=True)
    np.testing.assert_allclose(x.grad, [1.0])
    assert y.data[0] == 5001.0
    del y  # freeing a retained deep graph must not recurse either


def test_deep_chain_of_mixed_ops():
    x = leaf([0.5])
    y = x
    for _ in range(3000):
        y = ops.tanh(y) * 1.0
    y.sum().backward()
    assert np.isfinite(x.grad).all()


# -- no_grad / enable_grad / detach ------------------------------------------------------
def test_no_grad_records_nothing():
    x = leaf([1.0, 2.0])
    with sj.no_grad():
        assert not sj.is_grad_enabled()
        y = x * 2.0 + 1.0
    assert sj.is_grad_enabled()
    assert not y.requires_grad and y._ctx is None
    np.testing.assert_allclose(y.numpy(), [3.0, 5.0])


def test_enable_grad_inside_no_grad():
    x = leaf([1.0, 2.0])
    with sj.no_grad():
        with sj.enable_grad():
            y = (x * x).sum()
        z = x * 2.0
    assert y.requires_grad and y._ctx is not None
    assert not z.requires_grad
    y.backward()
    np.testing.assert_allclose(x.grad, [2.0, 4.0])


def test_no_grad_as_decorator_restores_mode_even_recursively():
    @sj.no_grad()
    def depth(n):
        assert not sj.is_grad_enabled()
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(3) == 3
    assert sj.is_grad_enabled()


def test_no_grad_restores_mode_after_exception():
    with pytest.raises(KeyError):
        with sj.no_grad():
            raise KeyError("boom")
    assert sj.is_grad_enabled()


def test_detach_cuts_the_graph():
    x = leaf([1.0, 2.0])
    d = (x * 2.0).detach()
    assert not d.requires_grad and d._ctx is None and d.is_leaf
    y = (x * d).sum()
    y.backward()
    np.testing.assert_allclose(x.grad, d.numpy())


def test_requires_grad_flag_propagates():
    a, b = leaf([1.0]), sj.tensor(np.array([2.0]))
    assert (a * b).requires_grad and not (b * b).requires_grad
    assert not (a * b).is_leaf and a.is_leaf


# -- tensors that cannot carry gradients -----------------------------------------------
def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match="int64"):
        sj.Tensor(np.arange(3), requires_grad=True)
    with pytest.raises(TypeError, match="bool"):
        sj.tensor(np.array([True, False]), requires_grad=True)
    with pytest.raises(TypeError):
        sj.tensor(np.arange(3)).requires_grad_()
    assert sj.tensor(np.arange(3)).requires_grad_(False).requires_grad is False


@pytest.mark.parametrize("compare", [
    lambda a, b: a < b, lambda a, b: a <= b, lambda a, b: a > b, lambda a, b: a >= b,
    lambda a, b: a == b, lambda a, b: a != b, ops.equal, ops.not_equal, ops.less, ops.less_equal,
    ops.greater, ops.greater_equal,
])
def test_comparisons_return_bool_tensors_without_grad(compare):
    a, b = leaf([1.0, 2.0, 3.0]), leaf([2.0, 2.0, 2.0])
    out = compare(a, b)
    assert isinstance(out, sj.Tensor)
    assert out.dtype == np.bool_ and not out.requires_grad and out._ctx is None
    np.testing.assert_array_equal(out.numpy(), compare(a.numpy(), b.numpy()))


def test_no_gradient_ops():
    x = leaf([[1.0, -3.0], [2.0, 0.5]])
    for out in (ops.sign(x), ops.argmax(x, axis=1), ops.argmin(x), x.argmax(),
                ops.one_hot(np.array([0, 2]), 3)):
        assert isinstance(out, sj.Tensor) and not out.requires_grad
    np.testing.assert_array_equal(ops.argmax(x, axis=1).numpy(), [0, 0])
    np.testing.assert_array_equal(ops.one_hot(np.array([0, 2]), 3).numpy(), [[1, 0, 0], [0, 0, 1]])
    assert ops.one_hot(np.array([1]), 2).dtype == np.float32


def test_setitem_raises_type_error():
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match="item assignment"):
        x[0] = 3.0


def test_bool_of_tensor():
    with pytest.raises(ValueError, match="ambiguous"):
        bool(sj.tensor([1.0, 2.0]))
    assert bool(sj.tensor([1.0])) is True
    assert bool(sj.tensor(0.0)) is False


def test_cast_gradient_returns_to_input_dtype():
    x = leaf([1.0, 2.0])
    y = ops.cast(x, "float32")
    assert y.dtype == np.float32 and y.requires_grad
    (y * 3.0).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad, [3.0, 3.0])
    assert ops.cast(x, "float64") is x
    assert not ops.cast(x, "int32").requires_grad


def test_dropout_is_deterministic_with_a_seed_and_scales_the_kept_values():
    x = leaf(np.ones((50, 40)))
    a = ops.dropout(x, 0.25, seed=123)
    b = ops.dropout(x, 0.25, seed=123)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(a.numpy(), ops.dropout(x, 0.25, seed=124).numpy())
    values = set(np.unique(a.numpy()).tolist())
    assert values == {0.0, 1.0 / 0.75}
    kept = (a.numpy() != 0).mean()
    assert 0.7 < kept < 0.8
    np.testing.assert_allclose(a.numpy().mean(), 1.0, atol=0.05)  # the expectation is preserved
    a.sum().backward()
    np.testing.assert_array_equal(x.grad, a.numpy())  # d(x * mask)/dx = mask
    assert ops.dropout(x, 0.0) is x


def test_dropout_keeps_float32_and_uses_the_global_seed():
    x = sj.tensor(np.ones((4, 4), dtype=np.float32))
    assert ops.dropout(x, 0.5, seed=1).dtype == np.float32
    sj.set_random_seed(7)
    first = ops.dropout(x, 0.5).numpy()
    sj.set_random_seed(7)
    np.testing.assert_array_equal(ops.dropout(x, 0.5).numpy(), first)


def test_grad_dtype_follows_the_leaf():
    x = leaf([1.0, 2.0], dtype=np.float32)
    w = leaf([0.5, 0.5], dtype=np.float64)
    (x * w).sum().backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float64


def test_graph_is_freed_after_backward():
    x = leaf([1.0, 2.0])
    y = ops.exp(x)
    z = y.sum()
    z.backward()
    assert z._ctx is graph.FREED and y._ctx is graph.FREED
