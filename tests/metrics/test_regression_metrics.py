"""Regression, probabilistic and hinge metrics against hand computations."""

import numpy as np
import pytest

from shenjing import metrics

Y_TRUE = np.array([[0.0, 1.0], [0.0, 0.0]])
Y_PRED = np.array([[1.0, 1.0], [1.0, 0.0]])


def test_error_functions_per_sample():
    np.testing.assert_allclose(metrics.mse(Y_TRUE, Y_PRED), [0.5, 0.5])
    np.testing.assert_allclose(metrics.mae([[1.0, 2.0]], [[2.0, 4.0]]), [1.5])
    np.testing.assert_allclose(metrics.mape([[2.0, 4.0]], [[1.0, 5.0]]), [100 * (0.5 + 0.25) / 2])
    np.testing.assert_allclose(metrics.msle([[0.0]], [[np.e - 1]]), [1.0], rtol=1e-6)
    np.testing.assert_allclose(metrics.cosine_similarity([[1.0, 0.0]], [[1.0, 1.0]]),
                               [np.sqrt(0.5)])
    np.testing.assert_allclose(metrics.log_cosh([[0.0, 0.0]], [[1.0, -30.0]]),
                               [(np.log(np.cosh(1.0)) + 30 - np.log(2)) / 2], rtol=1e-6)


def test_mse_mae_classes_weighted_and_accumulated():
    m = metrics.MeanSquaredError()
    m.update_state(Y_TRUE, Y_PRED)
    assert m.result() == 0.5
    m.update_state([[2.0, 2.0]], [[0.0, 0.0]])  # one more sample with error 4
    assert m.result() == pytest.approx((0.5 + 0.5 + 4) / 3)
    m.reset_state()
    m.update_state([[0, 1], [0, 0], [1, 1]], [[1, 1], [1, 0], [1, 1]], sample_weight=[1, 0, 2])
    assert m.result() == pytest.approx(0.5 / 3)
    a = metrics.MeanAbsoluteError()
    a.update_state([1.0, 2.0, 3.0], [[1.5], [2.0], [2.0]])  # (N,) vs (N, 1)
    assert a.result() == pytest.approx(1.5 / 3)


def test_root_mean_squared_error():
    m = metrics.RootMeanSquaredError()
    m.update_state([2, 4, 6], [1, 3, 2])
    assert m.result() == pytest.approx(np.sqrt((1 + 1 + 16) / 3))
    m.reset_state()
    m.update_state([2, 4, 6], [1, 3, 2], sample_weight=[0, 1, 0])
    assert m.result() == pytest.approx(1.0)
    m.update_state([[3.0]], [[0.0]], sample_weight=[1])
    assert m.result() == pytest.approx(np.sqrt((1 + 9) / 2))
    with pytest.raises(ValueError, match=r"root_mean_squared_error.*\(3, 2\).*\(3, 4\)"):
        m.update_state(np.zeros((3, 2)), np.zeros((3, 4)))


def test_crossentropy_metrics():
    y = np.array([[0, 1, 0], [0, 0, 1]])
    p = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    expected = np.array([-np.log(0.95), -np.log(0.1)])
    np.testing.assert_allclose(metrics.categorical_crossentropy(y, p), expected, rtol=1e-6)
    np.testing.assert_allclose(metrics.sparse_categorical_crossentropy([1, 2], p), expected,
                               rtol=1e-6)
    logits = np.log(p + 1e-12)
    np.testing.assert_allclose(
        metrics.sparse_categorical_crossentropy([[1], [2]], logits, from_logits=True),
        expected, rtol=1e-5)
    m = metrics.CategoricalCrossentropy()
    m.update_state(y, p)
    assert m.result() == pytest.approx(expected.mean(), rel=1e-6)
    b = metrics.BinaryCrossentropy()
    b.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    manual = -(np.log(0.4) + np.log(0.4) + np.log(0.6) + np.log(0.4)) / 4
    assert b.result() == pytest.approx(manual, rel=1e-6)
    bl = metrics.BinaryCrossentropy(from_logits=True)
    bl.update_state([[1.0]], [[0.0]])
    assert bl.result() == pytest.approx(np.log(2.0))


def test_kld_poisson_hinge():
    np.testing.assert_allclose(metrics.kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]),
                               [0.5 * np.log(2) + 0.5 * np.log(0.5 / 0.75)], rtol=1e-6)
    np.testing.assert_allclose(metrics.poisson([[1.0]], [[2.0]]), [2 - np.log(2)], rtol=1e-6)
    # {0, 1} labels become {-1, 1}: max(1 - y p, 0)
    np.testing.assert_allclose(metrics.hinge([[0, 1]], [[0.5, 0.5]]), [(1.5 + 0.5) / 2])
    np.testing.assert_allclose(metrics.squared_hinge([[0, 1]], [[0.5, 0.5]]), [(2.25 + 0.25) / 2])
    np.testing.assert_allclose(metrics.categorical_hinge([[0, 1]], [[0.7, 0.3]]), [1.4])
