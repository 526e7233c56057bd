"""The compiled loops (``backend.kernels``) against their NumPy twins: the same values, NaN and ties included.

Every op that can use a compiled loop runs here twice on the same inputs, once
as it runs by default and once inside ``kernels.disabled()``, and the forward
values and gradients must agree (exactly, where the two do the same float
operations in the same order). The gradient checks of test_autograd_op_gradients.py
cover the default path; the NumPy path gets its own gradient checks below.
"""

import importlib

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops, optimizers
from shenjing.autograd import gradcheck
from shenjing.backend import kernels

pytestmark = pytest.mark.skipif(not kernels.available(), reason="numba is not installed")


def both_ways(fn, *arrays):
    """fn's output and the gradients of sum(output * weights) w.r.t. each array, compiled then NumPy."""
    results = []
    for compiled in (True, False):
        previous = kernels.set_enabled(compiled)
        try:
            tensors = [sj.Variable(a.copy()) for a in arrays]
            y = fn(*tensors)
            weights = np.random.default_rng(1).standard_normal(y.shape).astype(y.dtype)
            (y * weights).sum().backward()
            results.append((y.numpy(), [t.grad for t in tensors]))
        finally:
            kernels.set_enabled(previous)
    return results


def assert_same(results, exact=True):
    (y1, g1), (y2, g2) = results
    check = np.testing.assert_array_equal if exact else \
        (lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6))
    check(y1, y2)
    for a, b in zip(g1, g2):
        check(a, b)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,pool,strides", [
    ((2, 6, 6, 3), 2, None),
    ((2, 7, 5, 4), 2, None),       # a last row and column that no window covers
    ((1, 9, 9, 2), 3, None),
    ((3, 8, 6, 5), (2, 3), None),
])
def test_max_pool_tiled_matches_numpy(dtype, shape, pool, strides):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    assert_same(both_ways(lambda t: ops.max_pool(t, pool, strides), x))


def test_max_pool_ties_go_to_the_first_maximum_either_way():
    x = np.zeros((1, 4, 4, 2), np.float32)
    x[0, 0, 1] = x[0, 1, 0] = 5.0  # two maxima in the first window: the row-major first wins
    results = both_ways(lambda t: ops.max_pool(t, 2), x)
    assert_same(results)
    grad = results[0][1][0]
    assert grad[0, 0, 1, 0] != 0 and grad[0, 1, 0, 0] == 0


def test_max_pool_compiled_propagates_nan():
    x = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)
    x[0, 1, 1, 0] = np.nan
    y = ops.max_pool(sj.Variable(x), 2).numpy()
    assert np.isnan(y[0, 0, 0, 0]) and not np.isnan(y[0, 0, 0, 1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", [
    dict(x=(2, 7, 7, 1), k=(3, 3, 1, 4)),
    dict(x=(2, 6, 5, 3), k=(3, 3, 3, 4), strides=2, padding="same"),
    dict(x=(2, 8, 8, 2), k=(2, 3, 2, 3), dilation_rate=2),
    dict(x=(3, 9, 2), k=(3, 2, 4), padding="same"),  # 1-D
])
@pytest.mark.parametrize("activation", [None, "relu"])
@pytest.mark.parametrize("with_bias", [False, True])
def test_conv_matches_numpy(dtype, case, activation, with_bias):
    rng = np.random.default_rng(0)
    case = dict(case)
    x = rng.standard_normal(case.pop("x")).astype(dtype)
    k = rng.standard_normal(case.pop("k")).astype(dtype)
    arrays = [x, k] + ([rng.standard_normal(k.shape[-1]).astype(dtype)] if with_bias else [])

    def fn(x, k, b=None):
        return ops.conv(x, k, bias=b, activation=activation, **case)
    # col2im sums a pixel's contributions in another order than the per-offset GEMMs
    assert_same(both_ways(fn, *arrays), exact=False)


def test_relu_matches_numpy_and_keeps_nan():
    x = np.random.default_rng(0).standard_normal((5, 7)).astype(np.float32)
    x[0, 0] = np.nan
    assert_same(both_ways(ops.relu, x))
    assert np.isnan(ops.relu(sj.Variable(x)).numpy()[0, 0])


def test_conv_without_gradient_in_chunks_equals_one_pass(monkeypatch):
    conv_module = importlib.import_module("shenjing.autograd.ops.conv")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((7, 6, 6, 2)).astype(np.float32)
    k = rng.standard_normal((3, 3, 2, 4)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    whole = ops.conv(sj.Variable(x), k, bias=b, activation="relu").numpy()  # kept for backward: one pass
    monkeypatch.setattr(conv_module, "CHUNK_BYTES", 1)  # one sample per chunk
    with sj.no_grad():
        chunked = ops.conv(sj.Variable(x), k, bias=b, activation="relu").numpy()
    np.testing.assert_allclose(chunked, whole, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_compiled_step_is_bit_identical_to_numpy(dtype):
    rng = np.random.default_rng(0)
    start = rng.standard_normal((13, 5)).astype(dtype)
    grads = [rng.standard_normal((13, 5)).astype(dtype) for _ in range(4)]
    finals = []
    for compiled in (True, False):
        previous = kernels.set_enabled(compiled)
        try:
            w = sj.Variable(start.copy())
            opt = optimizers.Adam(learning_rate=0.01)
            for g in grads:
                opt.apply_gradients([(g, w)])
            finals.append(w.numpy())
        finally:
            kernels.set_enabled(previous)
    np.testing.assert_array_equal(finals[0], finals[1])


@pytest.mark.parametrize("op,shape", [
    (lambda t: ops.max_pool(t, 2), (2, 4, 5, 2)),
    (lambda t: ops.conv(t, np.linspace(-1, 1, 36).reshape(3, 3, 2, 2), bias=np.array([0.1, -0.2]),
                        activation="relu"), (2, 5, 5, 2)),
    (ops.relu, (3, 4)),
])
def test_numpy_path_gradients(op, shape):  # the array-module implementations, under gradcheck
    x = np.random.default_rng(3).standard_normal(shape)
    with kernels.disabled():
        gradcheck(op, [x])


def test_non_contiguous_and_integer_arrays_take_the_numpy_path():
    a = np.zeros((4, 6), np.float32)
    assert kernels.compiled(a) is not None
    assert kernels.compiled(a[:, ::2]) is None
    assert kernels.compiled(a.astype(np.int32)) is None
    assert kernels.compiled(a.astype(np.float16)) is None
    with kernels.disabled():
        assert kernels.compiled(a) is None
    assert kernels.compiled(a) is not None


def test_max_pool_without_gradient_equals_with_gradient():
    x = np.random.default_rng(0).standard_normal((3, 7, 6, 4)).astype(np.float32)
    x[0, 2, 2, 1] = np.nan
    with_grad = ops.max_pool(sj.Variable(x), 2).numpy()
    with sj.no_grad():
        without = ops.max_pool(sj.Variable(x), 2).numpy()
    np.testing.assert_array_equal(without, with_grad)


def test_warm_up_loads_every_loop_and_reports_when_off():
    assert kernels.warm_up("float32") is True
    assert kernels.warm_up(np.float64) is True
    assert kernels.warm_up(np.int32) is False
    with kernels.disabled():
        assert kernels.warm_up() is False


def test_loops_that_fail_to_load_warn_once_and_leave_numpy(monkeypatch):
    monkeypatch.setitem(kernels._state, "module", None)
    monkeypatch.setitem(kernels._state, "tried", False)

    def broken(loops, dtype):
        raise RuntimeError("no locator available for the cache")
    monkeypatch.setattr(kernels, "_exercise", broken)
    a = np.ones((3, 4), np.float32)
    with pytest.warns(RuntimeWarning, match="could not be loaded.*no locator"):
        assert kernels.compiled(a) is None
    assert kernels.compiled(a) is None  # no second attempt, no second warning
    np.testing.assert_array_equal(ops.relu(sj.Variable(-a)).numpy(), 0 * a)


def test_a_failing_import_of_the_loops_warns_and_an_absent_numba_is_silent(monkeypatch):
    monkeypatch.setitem(kernels._state, "module", None)
    a = np.ones((3, 4), np.float32)
    for error, warns in ((RuntimeError("cannot cache function 'bias_relu': no locator"), True),
                         (ImportError("No module named 'numba'"), False)):
        monkeypatch.setitem(kernels._state, "tried", False)

        def failing_import(error=error):
            raise error
        monkeypatch.setattr(kernels, "_import_loops", failing_import)
        if warns:
            with pytest.warns(RuntimeWarning, match="could not be loaded.*no locator"):
                assert kernels.compiled(a) is None
        else:
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                assert kernels.compiled(a) is None


def test_relu_gradient_of_nan_and_inf_where_clipped_is_zero_either_way():
    x = np.array([-1.0, 2.0, -3.0, 4.0], np.float32)
    g = np.array([np.nan, 1.0, np.inf, -2.0], np.float32)
    for compiled in (True, False):
        previous = kernels.set_enabled(compiled)
        try:
            t = sj.Variable(x)
            y = ops.relu(t)
            y.backward(g)
            np.testing.assert_array_equal(t.grad, [0.0, 1.0, 0.0, -2.0])
            assert not np.signbit(t.grad[0]) and not np.signbit(t.grad[2])
        finally:
            kernels.set_enabled(previous)


@pytest.mark.parametrize("pool,strides", [(2, None), (2, 1)])  # tiled, and the window path
def test_max_pool_nan_wins_its_window_and_gets_the_gradient_either_way(pool, strides):
    x = np.array([1.0, 2.0, 3.0, np.nan, 0.0, 6.0, 7.0, 8.0, 9.0], np.float32).reshape(1, 3, 3, 1)
    results = both_ways(lambda t: ops.max_pool(t, pool, strides), x)
    assert_same(results)
    y, (grad,) = results[0]
    assert np.isnan(y[0, 0, 0, 0])
    assert grad[0, 1, 0, 0] != 0 and grad[0, 0, 1, 0] == 0  # routed to the NaN, not to the 2


def test_max_pool_nan_upstream_gradient_stays_in_its_window_either_way():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    g = np.zeros((1, 2, 2, 1), np.float32)
    g[0, 0, 0, 0] = np.nan
    grads = []
    for compiled in (True, False):
        previous = kernels.set_enabled(compiled)
        try:
            t = sj.Variable(x)
            ops.max_pool(t, 2).backward(g)
            grads.append(t.grad)
        finally:
            kernels.set_enabled(previous)
    np.testing.assert_array_equal(grads[0], grads[1])
    assert np.isnan(grads[0]).sum() == 1


def test_bias_of_the_wrong_shape_never_reaches_the_loop():
    y = np.zeros((3, 8), np.float32)
    with pytest.raises(ValueError):
        kernels.bias_act(y, np.ones(2, np.float32), relu=True)


def test_max_pool_switched_off_between_forward_and_backward_routes_the_same():
    x = np.random.default_rng(2).standard_normal((2, 7, 6, 3)).astype(np.float32)
    g = np.random.default_rng(3).standard_normal((2, 3, 3, 3)).astype(np.float32)
    t = sj.Variable(x)
    y = ops.max_pool(t, 2)  # compiled forward keeps the window index
    with kernels.disabled():
        y.backward(g)
    reference = sj.Variable(x)
    ops.max_pool(reference, 2).backward(g)
    np.testing.assert_array_equal(t.grad, reference.grad)


def test_each_loop_has_an_array_module_twin_of_the_same_name_and_arguments():
    import inspect

    from shenjing.backend.kernels import numba_kernels, numpy_kernels

    loops = {name: f.py_func for name, f in vars(numba_kernels).items() if hasattr(f, "py_func")}
    assert set(loops) == {"bias_relu", "relu", "relu_grad", "max_pool_tiled", "max_pool_tiled_grad",
                          "col2im", "adam_update"}
    for name, loop in loops.items():
        twin = getattr(numpy_kernels, name)
        assert inspect.signature(twin) == inspect.signature(loop), name


@pytest.mark.parametrize("shape,pool", [((2, 6, 6, 3), (2, 2)), ((1, 7, 5, 2), (3, 2)), ((2, 4, 4, 1), (1, 4))])
def test_max_pool_loops_write_the_same_values_and_window_index(shape, pool):
    """The loops themselves, side by side: the same maxima, the same index a*pw + b (NaN and ties
    included) and the same routed gradient, rows no tile covers left as they were."""
    from shenjing.backend.kernels import numba_kernels, numpy_kernels

    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, shape).astype(np.float32)  # many ties
    x[0, 0, 0, 0] = np.nan
    (ph, pw), (n, h, w, c) = pool, shape
    out = (n, h // ph, w // pw, c)
    g = rng.standard_normal(out).astype(np.float32)
    results = []
    for loops in (numba_kernels, numpy_kernels):
        y, index = np.empty(out, np.float32), np.empty(out, np.uint8)
        loops.max_pool_tiled(x, ph, pw, y, index)
        gx = np.full(shape, 7.0, np.float32)
        loops.max_pool_tiled_grad(g, index, ph, pw, gx)
        results.append((y, index, gx))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
