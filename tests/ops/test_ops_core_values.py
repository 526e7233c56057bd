"""Values and errors of ``keras.ops.core`` (gradients: test_ops_core_gradients.py)."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops


def test_convert_to_tensor_follows_keras_dtypes():
    assert ops.convert_to_tensor([1, 2]).dtype == np.int32
    assert ops.convert_to_tensor([1.0, 2.0]).dtype == np.float32
    assert ops.convert_to_tensor(np.arange(3)).dtype == np.int64
    assert ops.convert_to_tensor([1, 2], dtype="float64").dtype == np.float64
    v = sj.Variable(np.ones(2))
    assert ops.convert_to_tensor(v) is v
    with pytest.raises(ValueError, match="sparse"):
        ops.convert_to_tensor([1.0], sparse=True)


def test_conversion_facts_and_casts():
    x = ops.convert_to_tensor(np.arange(6.0).reshape(2, 3).astype(np.float32))
    assert isinstance(ops.convert_to_numpy(x), np.ndarray)
    assert ops.shape(x) == (2, 3) and ops.dtype(x) == "float32" and ops.is_tensor(x)
    assert not ops.is_tensor(np.ones(2))
    np.testing.assert_array_equal(ops.cast(np.array([1.7, -1.7]), "int32").numpy(), [1, -1])
    np.testing.assert_array_equal(ops.saturate_cast(np.array([-300.0, 1.5, 300.0]), "uint8").numpy(), [0, 1, 255])
    assert ops.saturate_cast(np.array([1e40, -np.inf]), "float32").numpy().tolist() == \
        [np.finfo(np.float32).max, np.finfo(np.float32).min]
    with pytest.raises(ValueError, match="Invalid dtype"):
        ops.cast(x, "no-such-dtype")


def test_stop_gradient_blocks_the_gradient():
    v = sj.Variable(np.array([1.0, 2.0]))
    (v * ops.stop_gradient(v)).sum().backward()
    np.testing.assert_allclose(v.grad, [1.0, 2.0])


def test_scatter_and_scatter_update_match_numpy():
    out = ops.scatter([[0, 1], [1, 0], [0, 1]], [1.0, 2.0, 3.0], (2, 2)).numpy()
    np.testing.assert_allclose(out, [[0, 4], [2, 0]])
    x = np.arange(6.0).reshape(3, 2)
    np.testing.assert_allclose(ops.scatter_update(x, [[0], [2]], [[9, 9], [8, 8]]).numpy(), [[9, 9], [2, 3], [8, 8]])
    np.testing.assert_allclose(ops.scatter_update(x, [[1, 1]], [5.0], reduction="max").numpy()[1], [2, 5])
    np.testing.assert_allclose(ops.scatter_update(x, [[1, 1], [1, 1]], [2.0, 3.0], reduction="mul").numpy()[1], [2, 18])
    np.testing.assert_allclose(x, np.arange(6.0).reshape(3, 2))  # the input is untouched
    with pytest.raises(IndexError, match="out of range"):
        ops.scatter_update(x, [[3, 0]], [1.0])
    with pytest.raises(ValueError, match="Unsupported reduction"):
        ops.scatter_update(x, [[0, 0]], [1.0], reduction="avg")
    with pytest.raises(ValueError, match="Expected values of shape"):
        ops.scatter([[0], [1]], [1.0, 2.0, 3.0], (3,))


def test_slice_slice_update_and_unstack():
    x = np.arange(24).reshape(2, 3, 4)
    np.testing.assert_array_equal(ops.slice(x, (1, 0, 2), (1, -1, 2)).numpy(), x[1:2, :, 2:4])
    updated = ops.slice_update(np.zeros((3, 4)), (1, 2), np.ones((2, 2))).numpy()
    assert updated.sum() == 4 and updated[1:, 2:].all()
    with pytest.raises(ValueError, match="does not fit"):
        ops.slice(x, (0, 2, 0), (1, 2, 4))
    parts = ops.unstack(x, axis=2)
    assert len(parts) == 4 and parts[1].shape == (2, 3)
    with pytest.raises(ValueError, match="num=3"):
        ops.unstack(x, num=3)


def test_control_flow_runs_eagerly_with_keras_conventions():
    assert ops.cond(ops.convert_to_tensor(False), lambda: 1, lambda: 2) == 2
    assert ops.switch(-3, [lambda: "a", lambda: "b"]) == "a"
    assert ops.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i), (0, 0)) == (5, 10)
    assert ops.while_loop(lambda i: i < 100, lambda i: i + 1, 0, maximum_iterations=7) == 7
    assert ops.fori_loop(0, 4, lambda i, v: v + i, 0) == 6
    carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0.0, np.arange(4.0))
    assert float(carry) == 6.0 and ys.numpy().tolist() == [0.0, 0.0, 2.0, 9.0]
    carry, ys = ops.scan(lambda c, _: (c + 1, c), 0, length=3)
    assert carry == 3 and ys.numpy().tolist() == [0, 1, 2]
    np.testing.assert_allclose(ops.associative_scan(lambda a, b: a + b, np.arange(5.0)).numpy(), np.cumsum(np.arange(5.0)))
    np.testing.assert_allclose(ops.associative_scan(lambda a, b: a + b, np.arange(5.0), reverse=True).numpy(),
                               np.cumsum(np.arange(5.0)[::-1])[::-1])
    out = ops.map(lambda d: {"s": d["a"] + d["b"]}, {"a": np.arange(3.0), "b": np.ones(3)})
    np.testing.assert_allclose(out["s"].numpy(), [1, 2, 3])
    np.testing.assert_allclose(ops.vectorized_map(lambda r: r.sum(), np.ones((3, 2))).numpy(), [2, 2, 2])


def test_custom_gradient_errors_are_clear():
    @ops.custom_gradient
    def wrong(x):
        return x * 2.0, lambda g: (g, g)

    v = sj.Variable(np.ones(2))
    with pytest.raises(ValueError, match="Expected grad_fn to return 1"):
        wrong(v).sum().backward()

    @ops.custom_gradient
    def not_a_pair(x):
        return x

    with pytest.raises(TypeError, match="output, grad_fn"):
        not_a_pair(v)
