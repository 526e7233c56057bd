"""Issue 10, finding 10: valid but extreme inputs (an all-zero probability row, a probability of
exactly 0 or 1, a saturated sigmoid or softmax) give a finite loss and a finite gradient in
every loss (Keras gives NaN for several of them), with the values the docstrings state."""

import math
import warnings

import numpy as np
import pytest

import shenjing
from shenjing import losses, metrics
from shenjing.autograd.tensor import Tensor
from shenjing.losses.functions import EPSILON

NEG_LOG_EPS = -math.log(np.float32(EPSILON))  # about 16.118
ONE_HOT = np.array([[0, 1, 0], [1, 0, 0]], dtype="float32")


def value_and_grad(fn, y_true, y_pred, **kwargs):
    pred = Tensor(np.asarray(y_pred, dtype="float32"), requires_grad=True)
    out = fn(y_true, pred, **kwargs)
    (out.sum() if out.ndim else out).backward()
    return np.asarray(out.data), np.asarray(getattr(pred.grad, "data", pred.grad))


# name, function, y_true, y_pred, kwargs
EXTREME = [
    ("cce all-zero row", losses.categorical_crossentropy, ONE_HOT, [[0, 0, 0], [0.2, 0.3, 0.5]], {}),
    ("cce tiny row", losses.categorical_crossentropy, ONE_HOT, [[1e-30] * 3, [0.2, 0.3, 0.5]], {}),
    ("cce smoothed all-zero", losses.categorical_crossentropy, ONE_HOT, [[0, 0, 0], [0.2, 0.3, 0.5]],
     {"label_smoothing": 0.1}),
    ("cce exact wrong one-hot", losses.categorical_crossentropy, ONE_HOT, [[0, 1, 0], [0, 1, 0]], {}),
    ("cce axis 0 all-zero column", losses.categorical_crossentropy, ONE_HOT.T, [[0, 0.5], [0, 0.2], [0, 0.3]],
     {"axis": 0}),
    ("cce logits huge", losses.categorical_crossentropy, ONE_HOT, [[1e30, -1e30, 0], [0, 0, 0]],
     {"from_logits": True}),
    ("scce all-zero row", losses.sparse_categorical_crossentropy, [1, 0], [[0, 0, 0], [0.2, 0.3, 0.5]], {}),
    ("scce tiny row", losses.sparse_categorical_crossentropy, [1, 0], [[1e-30] * 3, [0.2, 0.3, 0.5]], {}),
    ("scce ignore_class all-zero", losses.sparse_categorical_crossentropy, [1, 2], [[0, 0, 0], [0, 0, 0]],
     {"ignore_class": 2}),
    ("scce logits huge", losses.sparse_categorical_crossentropy, [1, 0], [[1e30, -1e30, 0], [0, 0, 0]],
     {"from_logits": True}),
    ("bce exact 0/1", losses.binary_crossentropy, [[0, 1]], [[1, 0]], {}),
    ("bce logits huge", losses.binary_crossentropy, [[0, 1]], [[1e30, -1e30]], {"from_logits": True}),
    ("kld zeros", losses.kl_divergence, [[0, 1, 0]], [[0, 0, 0]], {}),
    ("poisson zero rate", losses.poisson, [[0, 3]], [[0, 0]], {}),
    ("msle negative", losses.mean_squared_logarithmic_error, [[0, 3]], [[0, -1]], {}),
    ("mape zero target", losses.mean_absolute_percentage_error, [[0, 3]], [[0, -1]], {}),
    ("cosine zero vectors", losses.cosine_similarity, [[0, 0]], [[0, 0]], {}),
    ("log_cosh huge", losses.log_cosh, [[0, 3]], [[1e30, -1]], {}),
    ("huber huge", losses.huber, [[0, 3]], [[1e30, -1]], {}),
    ("binary focal exact 0/1", losses.binary_focal_crossentropy, [[0, 1]], [[0, 1]], {}),
    ("binary focal gamma 0", losses.binary_focal_crossentropy, [[0, 1]], [[0, 1]], {"gamma": 0.0}),
    ("binary focal gamma 0.5", losses.binary_focal_crossentropy, [[0, 1]], [[0, 1]], {"gamma": 0.5}),
    ("binary focal saturated sigmoid", losses.binary_focal_crossentropy, [[0, 1]], [[-100, 100]],
     {"from_logits": True, "gamma": 0.5}),
    ("categorical focal all-zero", losses.categorical_focal_crossentropy, ONE_HOT,
     [[0, 0, 0], [0.2, 0.3, 0.5]], {}),
    ("generalized ce p=0", losses.categorical_generalized_cross_entropy, [1, 0], [[1, 0, 0], [0.2, 0.3, 0.5]],
     {"q": 0.5}),
    ("dice zeros", losses.dice, [[0, 0]], [[0, 0]], {}),
    ("tversky zeros", losses.tversky, [[0, 0]], [[0, 0]], {}),
    ("categorical hinge zeros", losses.categorical_hinge, ONE_HOT, [[0, 0, 0], [0, 0, 0]], {}),
    ("circle no positive pair", losses.circle, [0, 1, 2], [[1, 0], [0, 1], [0.6, 0.8]], {}),
    ("circle zero embeddings", losses.circle, [0, 0, 1], [[0, 0], [0, 0], [0, 0]], {}),
]


@pytest.mark.parametrize("name, fn, y_true, y_pred, kwargs", EXTREME, ids=[c[0] for c in EXTREME])
def test_extreme_inputs_give_a_finite_loss_and_gradient(name, fn, y_true, y_pred, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            value, grad = value_and_grad(fn, y_true, y_pred, **kwargs)
    assert np.all(np.isfinite(value)), value
    assert np.all(np.isfinite(grad)), grad


@pytest.mark.parametrize("fn", [losses.categorical_crossentropy, losses.sparse_categorical_crossentropy])
def test_an_all_zero_row_costs_minus_log_eps_with_a_zero_gradient(fn):
    y_true = ONE_HOT if fn is losses.categorical_crossentropy else [1, 0]
    value, grad = value_and_grad(fn, y_true, [[0, 0, 0], [0.2, 0.3, 0.5]])
    np.testing.assert_allclose(value, [NEG_LOG_EPS, -math.log(0.2)], rtol=1e-5)
    np.testing.assert_array_equal(grad[0], 0.0)
    # The other row is untouched: d(-log(y0 / s))/dy = -1/y0 + 1/s, 1/s elsewhere (s = 1).
    np.testing.assert_allclose(grad[1], [-1 / 0.2 + 1, 1, 1], rtol=1e-5)


def test_an_all_zero_row_scales_with_the_target_mass():
    """-log(eps) sum(t): a soft (smoothed) target row sums to 1 too; an unnormalised one counts its mass."""
    value, _ = value_and_grad(losses.categorical_crossentropy, [[0.5, 0.5, 1.0]], [[0, 0, 0]])
    np.testing.assert_allclose(value, [2.0 * NEG_LOG_EPS], rtol=1e-5)


def test_rows_summing_to_eps_or_more_are_normalised_as_in_keras():
    """Unnormalised rows (relu outputs) are divided by their sum, as Keras does."""
    y_pred = np.array([[2.0, 6.0, 2.0], [1e-6, 3e-6, 6e-6]], dtype="float32")
    value, _ = value_and_grad(losses.categorical_crossentropy, ONE_HOT, y_pred)
    np.testing.assert_allclose(value, [-math.log(0.6), -math.log(0.1)], rtol=1e-5)


def test_generalized_ce_at_p_zero_keeps_keras_value_with_a_zero_gradient():
    value, grad = value_and_grad(losses.categorical_generalized_cross_entropy, [1, 1], [[1, 0, 0], [0, 1e-9, 1]],
                                 q=0.5)
    np.testing.assert_allclose(value, [1 / 0.5, (1 - math.sqrt(1e-9)) / 0.5], rtol=1e-6)
    np.testing.assert_array_equal(grad[0], 0.0)
    np.testing.assert_allclose(grad[1], [0, -0.5 * 1e-9 ** -0.5 / 0.5, 0], rtol=1e-4)  # Keras's, finite
    for q in (0.01, 0.99):  # p^(q - 1) at the 1e-30 floor stays within float32
        _, grad = value_and_grad(losses.categorical_generalized_cross_entropy, [1], [[1, 1e-31, 0]], q=q)
        assert np.all(np.isfinite(grad))


def test_loss_classes_and_the_metric_agree_on_an_all_zero_row():
    y_pred = np.array([[0, 0, 0], [0.2, 0.3, 0.5]], dtype="float32")
    expected = (NEG_LOG_EPS - math.log(0.2)) / 2
    assert float(losses.CategoricalCrossentropy()(ONE_HOT, y_pred).data) == pytest.approx(expected, rel=1e-5)
    assert float(losses.SparseCategoricalCrossentropy()([1, 0], y_pred).data) == pytest.approx(expected, rel=1e-5)
    for metric, labels in ((metrics.CategoricalCrossentropy(), ONE_HOT),
                           (metrics.SparseCategoricalCrossentropy(), np.array([1, 0]))):
        metric.update_state(labels, y_pred)
        assert float(metric.result()) == pytest.approx(expected, rel=1e-5)


def test_training_on_an_all_zero_prediction_row_stays_finite():
    """A relu output layer whose units are all dead for some sample: the loss stays finite."""
    x = np.array([[1.0, 1.0], [-1.0, -1.0], [2.0, 0.5], [-3.0, -1.0]], dtype="float32")
    y = np.eye(2, dtype="float32")[[0, 1, 0, 1]]
    layer = shenjing.keras.layers.Dense(2, activation="relu", kernel_initializer="ones", bias_initializer="zeros")
    model = shenjing.keras.Sequential([shenjing.keras.Input((2,)), layer])
    model.compile("sgd", "categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert all(np.isfinite(history.history["loss"]))
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())
