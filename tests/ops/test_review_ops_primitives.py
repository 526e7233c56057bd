"""Review regressions: one primitive per operation, dtypes kept, in ops and autograd."""

import numpy as np

import shenjing
from shenjing import ops
from shenjing.autograd import ops as P
from shenjing.autograd.ops import logdet as logdet_module


def test_logdet_and_slogdet_share_one_primitive_and_keep_float32():
    x = shenjing.Tensor((np.eye(3) * 2 + 0.1 * np.arange(9).reshape(3, 3)).astype("float32"),
                        requires_grad=True)
    a = ops.logdet(x)
    b = ops.slogdet(x)[1]
    assert type(a._ctx) is logdet_module.LogAbsDet and type(b._ctx) is logdet_module.LogAbsDet
    assert a.dtype == np.float32 and b.dtype == np.float32
    np.testing.assert_allclose(a.numpy(), np.linalg.slogdet(x.numpy().astype("float64"))[1], rtol=1e-5)
    a.backward()
    np.testing.assert_allclose(x.grad, np.linalg.inv(x.numpy()).T, rtol=1e-4)
    assert not hasattr(__import__("shenjing.autograd.ops.einsum", fromlist=["x"]), "LogAbsDet")
    assert P.logabsdet is logdet_module.logabsdet


def test_l2_normalization_is_one_op_with_a_finite_gradient_at_zero_vectors():
    import warnings
    from shenjing import keras
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4)).astype("float32")
    x[1] = 0.0
    norm = np.sqrt(np.sum(x * x, axis=-1, keepdims=True))
    expected = x * np.minimum(1 / np.where(norm == 0, 1, norm), 1e7)
    runs = {
        "ops.normalize": lambda t: ops.normalize(t, axis=-1),
        "tf.nn.l2_normalize": lambda t: shenjing.nn.l2_normalize(t, axis=-1, epsilon=1e-14),
        "UnitNormalization": lambda t: keras.layers.UnitNormalization(axis=-1)(t),
    }
    for name, fn in runs.items():
        t = shenjing.Tensor(x, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no divide-by-zero on the zero row
            y = fn(t)
            (y * shenjing.Tensor(rng.normal(size=(3, 4)).astype("float32"))).sum().backward()
        np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5, atol=1e-7, err_msg=name)
        assert y.dtype == np.float32, name
        assert np.isfinite(t.grad).all(), name
    a = shenjing.Tensor(x, requires_grad=True)
    out = keras.layers.Dot(axes=1, normalize=True)([a, shenjing.Tensor(x)])
    out.sum().backward()
    assert np.isfinite(a.grad).all()
    np.testing.assert_allclose(out.numpy()[[0, 2], 0], [1.0, 1.0], rtol=1e-5)


def test_normalize_makes_integers_floatx():
    from shenjing import backend
    assert ops.normalize(np.array([3, 4])).dtype == np.dtype(backend.floatx())


def test_scatter_update_repeated_indices_last_write_wins_in_values_and_gradients():
    x = np.zeros((4, 2), "float32")
    v = shenjing.Variable(np.arange(10.0, dtype="float32").reshape(5, 2))
    weights = np.arange(8.0, dtype="float32").reshape(4, 2)
    with shenjing.GradientTape() as tape:
        y = ops.scatter_update(x, np.array([[1], [3], [1], [0], [1]]), v)
        loss = shenjing.reduce_sum(y * weights)
    np.testing.assert_array_equal(y.numpy(), [[6, 7], [8, 9], [0, 0], [2, 3]])
    np.testing.assert_array_equal(tape.gradient(loss, v).numpy(),
                                  [[0, 0], [6, 7], [0, 0], [0, 1], [2, 3]])


def test_cdist_errors_say_what_was_received():
    import pytest
    with pytest.raises(ValueError, match=r"Received: x.shape=\(3,\), y.shape=\(2, 3\)"):
        ops.cdist(np.zeros(3), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"must match. Received: x.shape=\(2, 3\), y.shape=\(2, 4\)"):
        ops.cdist(np.zeros((2, 3)), np.zeros((2, 4)))
