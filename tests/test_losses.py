"""Losses: values against NumPy (and PyTorch when installed), gradients, reductions,
sample weights, stability on extreme logits, bad-input errors and config round trips."""

import numpy as np
import pytest

import shenjing
from shenjing import losses

EPS = 1e-7
rng = np.random.default_rng(0)

# Regression data (batch 4, features 3), predictions away from kinks (|error| != delta, > 0).
Y_REG = rng.uniform(0.5, 2.0, (4, 3))
P_REG = Y_REG + rng.choice([-1, 1], (4, 3)) * rng.uniform(0.1, 1.8, (4, 3))
P_POS = np.abs(P_REG) + 0.1

# Classification data: 4 samples, 5 classes.
LABELS = np.array([0, 3, 4, 1])
ONE_HOT = np.eye(5)[LABELS]
LOGITS = rng.normal(size=(4, 5)) * 2
PROBS = np.exp(LOGITS) / np.exp(LOGITS).sum(-1, keepdims=True)
BIN_TRUE = rng.integers(0, 2, (4, 3)).astype(np.float64)
BIN_PROBS = rng.uniform(0.05, 0.95, (4, 3))


def _t(x):
    return shenjing.tensor(np.asarray(x, dtype=np.float64))


def _log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def _huber(e, delta=1.0):
    a = np.abs(e)
    return np.where(a <= delta, 0.5 * e**2, delta * a - 0.5 * delta**2)


def _bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def _signed(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def _unit(x):
    return x / np.sqrt(np.maximum((x**2).sum(-1, keepdims=True), 1e-12))


# name -> (function call on (y_true, y_pred), y_true, y_pred, NumPy reference)
CASES = {
    "mse": (losses.mean_squared_error, Y_REG, P_REG, lambda t, p: ((t - p) ** 2).mean(-1)),
    "mae": (losses.mean_absolute_error, Y_REG, P_REG, lambda t, p: np.abs(t - p).mean(-1)),
    "mape": (losses.mean_absolute_percentage_error, Y_REG, P_REG,
             lambda t, p: 100 * (np.abs(t - p) / np.abs(t)).mean(-1)),
    "msle": (losses.mean_squared_logarithmic_error, Y_REG, P_POS,
             lambda t, p: ((np.log1p(p) - np.log1p(t)) ** 2).mean(-1)),
    "huber": (losses.huber, Y_REG, P_REG, lambda t, p: _huber(p - t).mean(-1)),
    "huber_delta": (lambda t, p: losses.huber(t, p, delta=0.5), Y_REG, P_REG,
                    lambda t, p: _huber(p - t, 0.5).mean(-1)),
    "log_cosh": (losses.log_cosh, Y_REG, P_REG, lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
    "cosine_similarity": (losses.cosine_similarity, Y_REG, P_REG,
                          lambda t, p: -(_unit(t) * _unit(p)).sum(-1)),
    "kl_divergence": (losses.kl_divergence, PROBS[::-1].copy(), PROBS,
                      lambda t, p: (t * np.log(t / p)).sum(-1)),
    "poisson": (losses.poisson, Y_REG, P_POS, lambda t, p: (p - t * np.log(p + EPS)).mean(-1)),
    "hinge": (losses.hinge, BIN_TRUE, P_REG - 1,
              lambda t, p: np.maximum(1 - _signed(t) * p, 0).mean(-1)),
    "squared_hinge": (losses.squared_hinge, BIN_TRUE, P_REG - 1,
                      lambda t, p: (np.maximum(1 - _signed(t) * p, 0) ** 2).mean(-1)),
    "categorical_hinge": (losses.categorical_hinge, ONE_HOT, LOGITS,
                          lambda t, p: np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0)),
    "binary_crossentropy": (losses.binary_crossentropy, BIN_TRUE, BIN_PROBS,
                            lambda t, p: _bce(t, p).mean(-1)),
    "binary_crossentropy_logits": (
        lambda t, p: losses.binary_crossentropy(t, p, from_logits=True), BIN_TRUE, LOGITS[:, :3],
        lambda t, z: _bce(t, 1 / (1 + np.exp(-z))).mean(-1)),
    "categorical_crossentropy": (losses.categorical_crossentropy, ONE_HOT, PROBS,
                                 lambda t, p: -(t * np.log(p / p.sum(-1, keepdims=True))).sum(-1)),
    "categorical_crossentropy_logits": (
        lambda t, p: losses.categorical_crossentropy(t, p, from_logits=True), ONE_HOT, LOGITS,
        lambda t, z: -(t * _log_softmax(z)).sum(-1)),
    "sparse_categorical_crossentropy": (
        losses.sparse_categorical_crossentropy, LABELS, PROBS,
        lambda t, p: -np.log(p[np.arange(len(t)), t] / p.sum(-1))),
    "sparse_categorical_crossentropy_logits": (
        lambda t, p: losses.sparse_categorical_crossentropy(t, p, from_logits=True), LABELS, LOGITS,
        lambda t, z: -_log_softmax(z)[np.arange(len(t)), t]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_match_numpy(name):
    fn, y_true, y_pred, reference = CASES[name]
    out = fn(y_true, _t(y_pred))
    assert isinstance(out, shenjing.Tensor)
    assert out.shape == (4,)
    np.testing.assert_allclose(out.numpy(), reference(y_true, y_pred), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    fn, y_true, y_pred, _ = CASES[name]
    assert shenjing.gradcheck(lambda p: fn(y_true, p), [y_pred])


@pytest.mark.parametrize("name", sorted(CASES))
def test_float32_predictions_give_float32_losses(name):
    fn, y_true, y_pred, reference = CASES[name]
    out = fn(y_true, shenjing.tensor(y_pred.astype(np.float32)))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), reference(y_true, y_pred), rtol=2e-4, atol=1e-4)


def test_gradient_reaches_a_target_tensor():
    assert shenjing.gradcheck(losses.mean_squared_error, [Y_REG, P_REG])
    assert shenjing.gradcheck(lambda t, z: losses.categorical_crossentropy(t, z, from_logits=True),
                              [PROBS, LOGITS])


def test_reduces_only_the_last_axis():
    y_true = rng.normal(size=(2, 3, 4))
    y_pred = rng.normal(size=(2, 3, 4))
    assert losses.mean_squared_error(y_true, _t(y_pred)).shape == (2, 3)
    probs = np.abs(y_pred) / np.abs(y_pred).sum(-1, keepdims=True)
    assert losses.categorical_crossentropy(np.eye(4)[[[0, 1, 2]] * 2], _t(probs)).shape == (2, 3)
    assert losses.sparse_categorical_crossentropy(np.zeros((2, 3), int), _t(probs)).shape == (2, 3)


def test_rank_one_labels_against_column_predictions():
    # Dense(1) outputs (N, 1); labels often come as (N,).
    y_true = np.array([0, 1, 1, 0])
    y_pred = _t([[0.2], [0.7], [0.9], [0.4]])
    out = losses.binary_crossentropy(y_true, y_pred)
    assert out.shape == (4,)
    np.testing.assert_allclose(out.numpy(), _bce(y_true, y_pred.numpy()[:, 0]))
    assert losses.mean_squared_error(y_true[:, None], _t([0.1, 0.2, 0.3, 0.4])).shape == (4,)


def test_arrays_and_integer_labels_are_accepted():
    out = losses.categorical_crossentropy(ONE_HOT.astype(int).tolist(), PROBS.astype(np.float32))
    assert isinstance(out, shenjing.Tensor) and out.dtype == np.float32
    out = losses.sparse_categorical_crossentropy(LABELS.astype(np.int32)[:, None], _t(PROBS))
    np.testing.assert_allclose(out.numpy(), CASES["sparse_categorical_crossentropy"][3](LABELS, PROBS))
    floats = losses.sparse_categorical_crossentropy(LABELS.astype(np.float32), _t(PROBS))
    np.testing.assert_allclose(floats.numpy(), out.numpy())


def test_categorical_crossentropy_axis():
    probs = PROBS[:, :, None].repeat(2, -1)  # (4, 5, 2): classes on axis 1
    target = ONE_HOT[:, :, None].repeat(2, -1)
    for from_logits, pred in [(False, probs), (True, np.log(probs))]:
        out = losses.categorical_crossentropy(target, _t(pred), from_logits=from_logits, axis=1)
        assert out.shape == (4, 2)
        expected = CASES["categorical_crossentropy"][3](ONE_HOT, PROBS)
        np.testing.assert_allclose(out.numpy(), np.stack([expected] * 2, -1), rtol=1e-6)


# -- Keras's documented values ---------------------------------------------------------------
def test_keras_docstring_values():
    y_true = np.array([[0, 1, 0], [0, 0, 1]])
    y_pred = _t([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    cce = losses.CategoricalCrossentropy()
    np.testing.assert_allclose(cce(y_true, y_pred).item(), 1.177, atol=1e-3)
    np.testing.assert_allclose(cce(y_true, y_pred, sample_weight=np.array([0.3, 0.7])).item(),
                               0.814, atol=1e-3)
    np.testing.assert_allclose(losses.CategoricalCrossentropy(reduction="sum")(y_true, y_pred).item(),
                               2.354, atol=1e-3)
    np.testing.assert_allclose(losses.SparseCategoricalCrossentropy()([1, 2], y_pred).item(),
                               1.177, atol=1e-3)
    y_true = np.array([[0, 1], [0, 0]])
    logits = _t([[-18.6, 0.51], [2.94, -12.8]])
    bce = losses.BinaryCrossentropy(from_logits=True)
    np.testing.assert_allclose(bce(y_true, logits).item(), 0.8654, atol=1e-4)
    np.testing.assert_allclose(bce(y_true, logits, sample_weight=[0.8, 0.2]).item(), 0.243, atol=1e-3)
    np.testing.assert_allclose(
        losses.BinaryCrossentropy(from_logits=True, reduction=None)(y_true, logits).numpy(),
        [0.235, 1.496], atol=1e-3)
    np.testing.assert_allclose(
        losses.binary_crossentropy(y_true, _t([[0.6, 0.4], [0.4, 0.6]])).numpy(), [0.916, 0.714],
        atol=1e-3)
    np.testing.assert_allclose(
        losses.huber([[0, 1], [0, 0]], _t([[0.6, 0.4], [0.4, 0.6]])).numpy().mean(), 0.155, atol=1e-3)
    np.testing.assert_allclose(
        losses.log_cosh([[0.0, 1.0], [0.0, 0.0]], _t([[1.0, 1.0], [0.0, 0.0]])).numpy().mean(),
        0.108, atol=1e-3)
    np.testing.assert_allclose(
        losses.cosine_similarity([[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]],
                                 _t([[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]])).numpy(),
        [0.0, -1.0, 1.0], atol=1e-6)


# -- probabilities: clipping and renormalisation, as Keras -------------------------------------
def test_probabilities_are_clipped_not_logged_at_zero():
    y_pred = shenjing.tensor(np.array([[0.0, 1.0], [1.0, 0.0]]), requires_grad=True)
    out = losses.binary_crossentropy(np.array([[0.0, 1.0], [0.0, 1.0]]), y_pred)
    np.testing.assert_allclose(out.numpy(), [-np.log(1 - EPS), -np.log(EPS)], rtol=1e-6)
    out.sum().backward()
    assert np.isfinite(y_pred.grad).all()
    y_pred = shenjing.tensor(np.array([[0.0, 1.0, 0.0]]), requires_grad=True)
    out = losses.categorical_crossentropy(np.array([[1.0, 0.0, 0.0]]), y_pred)
    np.testing.assert_allclose(out.numpy(), [-np.log(EPS)], rtol=1e-6)
    out.sum().backward()
    assert np.isfinite(y_pred.grad).all()


def test_categorical_renormalises_predictions():
    scaled = losses.categorical_crossentropy(ONE_HOT, _t(PROBS * 3.0))
    np.testing.assert_allclose(scaled.numpy(), losses.categorical_crossentropy(ONE_HOT, _t(PROBS)).numpy())
    sparse = losses.sparse_categorical_crossentropy(LABELS, _t(PROBS * 3.0))
    np.testing.assert_allclose(sparse.numpy(), scaled.numpy())


# -- from_logits stability --------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logits_of_a_thousand_are_stable(dtype):
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]], dtype=dtype)
    cases = [
        (lambda z: losses.sparse_categorical_crossentropy([0, 0], z, from_logits=True), [0.0, 2000.0]),
        (lambda z: losses.categorical_crossentropy(np.eye(3)[[0, 0]], z, from_logits=True),
         [0.0, 2000.0]),
        (lambda z: losses.binary_crossentropy(np.array([[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]]), z,
                                              from_logits=True),
         [np.log(2) / 3, (1000 + 1000 + np.log(2)) / 3]),
    ]
    for fn, expected in cases:
        z = shenjing.tensor(logits, requires_grad=True)
        out = fn(z)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5)
        out.sum().backward()
        assert np.isfinite(z.grad).all()
        assert np.abs(z.grad).max() <= 1.0 + 1e-6
    with shenjing.check_numerics():  # no inf or NaN anywhere in the graph
        z = shenjing.tensor(logits, requires_grad=True)
        losses.CategoricalCrossentropy(from_logits=True)(np.eye(3)[[1, 2]], z).backward()
        losses.SparseCategoricalCrossentropy(from_logits=True)([2, 0], z).backward()
        losses.BinaryCrossentropy(from_logits=True)(np.ones((2, 3)), z).backward()


# -- label smoothing --------------------------------------------------------------------------
def test_label_smoothing():
    s = 0.2
    out = losses.categorical_crossentropy(ONE_HOT, _t(LOGITS), from_logits=True, label_smoothing=s)
    smooth = ONE_HOT * (1 - s) + s / 5
    np.testing.assert_allclose(out.numpy(), -(smooth * _log_softmax(LOGITS)).sum(-1), rtol=1e-6)
    out = losses.binary_crossentropy(BIN_TRUE, _t(BIN_PROBS), label_smoothing=s)
    np.testing.assert_allclose(out.numpy(), _bce(BIN_TRUE * (1 - s) + s / 2, BIN_PROBS).mean(-1),
                               rtol=1e-6)
    loss = losses.CategoricalCrossentropy(label_smoothing=s, from_logits=True)
    np.testing.assert_allclose(loss(ONE_HOT, _t(LOGITS)).item(),
                               (-(smooth * _log_softmax(LOGITS)).sum(-1)).mean(), rtol=1e-6)


# -- reductions and sample weights --------------------------------------------------------------
def test_reductions():
    per_sample = CASES["mse"][3](Y_REG, P_REG)
    for reduction, expected in [("sum_over_batch_size", per_sample.mean()), ("mean", per_sample.mean()),
                                ("sum", per_sample.sum()), (None, per_sample), ("none", per_sample)]:
        out = losses.MeanSquaredError(reduction=reduction)(Y_REG, _t(P_REG))
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-7)
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_sample_weight_semantics():
    per_sample = CASES["mse"][3](Y_REG, P_REG)
    w = np.array([1.0, 0.0, 2.0, 0.5])
    mse = losses.MeanSquaredError()
    np.testing.assert_allclose(mse(Y_REG, _t(P_REG), sample_weight=w).item(), (per_sample * w).sum() / 4)
    np.testing.assert_allclose(mse(Y_REG, _t(P_REG), sample_weight=w[:, None]).item(),
                               (per_sample * w).sum() / 4)
    np.testing.assert_allclose(mse(Y_REG, _t(P_REG), sample_weight=2.0).item(), 2 * per_sample.mean())
    np.testing.assert_allclose(
        losses.MeanSquaredError(reduction="sum")(Y_REG, _t(P_REG), sample_weight=w).item(),
        (per_sample * w).sum())
    np.testing.assert_allclose(
        losses.MeanSquaredError(reduction="mean_with_sample_weight")(Y_REG, _t(P_REG), sample_weight=w).item(),
        (per_sample * w).sum() / w.sum())
    np.testing.assert_allclose(
        losses.MeanSquaredError(reduction=None)(Y_REG, _t(P_REG), sample_weight=w).numpy(), per_sample * w)


def test_sample_weight_on_sequence_losses_follows_keras_broadcasting():
    y_true = rng.normal(size=(3, 4, 2))
    y_pred = rng.normal(size=(3, 4, 2))
    per_step = ((y_true - y_pred) ** 2).mean(-1)  # (3, 4)
    w = np.array([[1.0], [2.0], [0.0]])  # (B, 1): one weight per sample, broadcast along T
    out = losses.MeanSquaredError()(y_true, _t(y_pred), sample_weight=w)
    np.testing.assert_allclose(out.item(), (per_step * w).sum() / per_step.size)
    out = losses.MeanSquaredError(reduction="mean_with_sample_weight")(y_true, _t(y_pred), sample_weight=w)
    np.testing.assert_allclose(out.item(), (per_step * w).sum() / w.sum())  # unbroadcast sum
    w_steps = rng.uniform(size=(3, 4))
    out = losses.MeanSquaredError()(y_true, _t(y_pred), sample_weight=w_steps)
    np.testing.assert_allclose(out.item(), (per_step * w_steps).sum() / per_step.size)
    with pytest.raises(ValueError, match=r"shape \(batch, 1\)"):
        # (B,) against (B, T) broadcasts along T in Keras, which fails for B != T
        losses.MeanSquaredError()(y_true, _t(y_pred), sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="sample_weight"):
        losses.MeanSquaredError()(y_true, _t(y_pred), sample_weight=np.ones(5))


def test_reduction_none_with_column_weights_keeps_keras_shape():
    out = losses.BinaryCrossentropy(reduction="none")(
        np.array([[0.0], [1.0]]), _t([[0.2], [0.7]]), sample_weight=np.array([[1.0], [2.0]]))
    assert out.shape == (2, 1)


def test_gradient_through_the_reduced_loss():
    w = np.array([1.0, 0.5, 2.0, 0.0])
    for loss in [losses.MeanSquaredError(), losses.Huber(delta=0.5), losses.LogCosh(),
                 losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
                 losses.SparseCategoricalCrossentropy(from_logits=True)]:
        y_true = LABELS if isinstance(loss, losses.SparseCategoricalCrossentropy) else (
            ONE_HOT if isinstance(loss, losses.CategoricalCrossentropy) else Y_REG)
        y_pred = LOGITS if y_true is not Y_REG else P_REG
        assert shenjing.gradcheck(lambda p: loss(y_true, p, sample_weight=w), [y_pred])


def test_ignore_class():
    labels = np.array([0, -1, 4, -1])
    out = losses.sparse_categorical_crossentropy(labels, _t(LOGITS), from_logits=True, ignore_class=-1)
    full = -_log_softmax(LOGITS)[np.arange(4), np.where(labels < 0, 0, labels)]
    np.testing.assert_allclose(out.numpy(), np.where(labels < 0, 0.0, full))
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    np.testing.assert_allclose(loss(labels, _t(LOGITS)).item(), full[[0, 2]].mean())
    assert shenjing.gradcheck(lambda z: loss(labels, z), [LOGITS])
    with pytest.raises(ValueError, match="label 7"):
        loss(np.array([0, 7, -1, 1]), _t(LOGITS))


# -- bad input --------------------------------------------------------------------------------
def test_integer_labels_given_to_categorical_crossentropy():
    with pytest.raises(ValueError) as info:
        losses.categorical_crossentropy(np.zeros(32, dtype=int), _t(np.full((32, 10), 0.1)))
    message = str(info.value)
    assert "categorical_crossentropy" in message and "(32,)" in message and "(32, 10)" in message
    assert "sparse_categorical_crossentropy" in message
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.CategoricalCrossentropy()(np.zeros((32, 1)), _t(np.full((32, 10), 0.1)))


def test_one_hot_labels_given_to_sparse():
    with pytest.raises(ValueError) as info:
        losses.sparse_categorical_crossentropy(ONE_HOT, _t(PROBS))
    message = str(info.value)
    assert "sparse_categorical_crossentropy" in message and "(4, 5)" in message
    assert "categorical_crossentropy" in message


@pytest.mark.parametrize("bad", [5, 12, -1])
@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_labels_out_of_range(bad, from_logits):
    labels = np.array([0, bad, 1, 2])
    with pytest.raises(ValueError) as info:
        losses.sparse_categorical_crossentropy(labels, _t(LOGITS), from_logits=from_logits)
    message = str(info.value)
    assert "sparse_categorical_crossentropy" in message
    assert f"label {bad}" in message and "5 classes" in message


def test_sparse_fractional_labels():
    with pytest.raises(ValueError, match="integer"):
        losses.sparse_categorical_crossentropy(np.array([0.5, 1, 2, 3]), _t(PROBS))


@pytest.mark.parametrize("fn", [losses.mean_squared_error, losses.binary_crossentropy, losses.hinge,
                                losses.kl_divergence, losses.categorical_hinge, losses.huber])
def test_mismatched_shapes(fn):
    with pytest.raises(ValueError) as info:
        fn(np.ones((4, 3)), _t(np.full((4, 2), 0.5)))
    message = str(info.value)
    assert fn.__name__ in message and "(4, 3)" in message and "(4, 2)" in message


def test_single_class_categorical_warns():
    with pytest.warns(UserWarning, match="binary_crossentropy"):
        losses.categorical_crossentropy(np.ones((3, 1)), _t(np.full((3, 1), 0.5)))


# -- against PyTorch ------------------------------------------------------------------------
def test_against_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    T = torch.tensor

    def check(ours, theirs):
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-8)

    check(losses.mean_squared_error(Y_REG, _t(P_REG)), F.mse_loss(T(P_REG), T(Y_REG), reduction="none").mean(-1))
    check(losses.mean_absolute_error(Y_REG, _t(P_REG)), F.l1_loss(T(P_REG), T(Y_REG), reduction="none").mean(-1))
    check(losses.huber(Y_REG, _t(P_REG), delta=0.7),
          F.huber_loss(T(P_REG), T(Y_REG), reduction="none", delta=0.7).mean(-1))
    check(losses.binary_crossentropy(BIN_TRUE, _t(BIN_PROBS)),
          F.binary_cross_entropy(T(BIN_PROBS), T(BIN_TRUE), reduction="none").mean(-1))
    check(losses.binary_crossentropy(BIN_TRUE, _t(LOGITS[:, :3]), from_logits=True),
          F.binary_cross_entropy_with_logits(T(LOGITS[:, :3]), T(BIN_TRUE), reduction="none").mean(-1))
    check(losses.sparse_categorical_crossentropy(LABELS, _t(LOGITS), from_logits=True),
          F.cross_entropy(T(LOGITS), T(LABELS), reduction="none"))
    check(losses.categorical_crossentropy(ONE_HOT, _t(LOGITS), from_logits=True, label_smoothing=0.1),
          F.cross_entropy(T(LOGITS), T(LABELS), reduction="none", label_smoothing=0.1))
    check(losses.kl_divergence(PROBS[::-1].copy(), _t(PROBS)),
          F.kl_div(T(np.log(PROBS)), T(PROBS[::-1].copy()), reduction="none").sum(-1))
    check(losses.cosine_similarity(Y_REG, _t(P_REG)), -F.cosine_similarity(T(P_REG), T(Y_REG), dim=-1))
    np.testing.assert_allclose(
        losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=3)(LABELS, _t(LOGITS)).item(),
        F.cross_entropy(T(LOGITS), T(LABELS), ignore_index=3).item(), rtol=1e-6)
    # gradients of the batch-mean loss
    z = shenjing.tensor(LOGITS, requires_grad=True)
    losses.SparseCategoricalCrossentropy(from_logits=True)(LABELS, z).backward()
    tz = T(LOGITS, requires_grad=True)
    F.cross_entropy(tz, T(LABELS)).backward()
    np.testing.assert_allclose(z.grad, tz.grad.numpy(), rtol=1e-6, atol=1e-12)


# -- classes, registry, serialization -------------------------------------------------------
CLASS_CASES = [
    (losses.MeanSquaredError, "mse"), (losses.MeanAbsoluteError, "mae"),
    (losses.MeanAbsolutePercentageError, "mape"), (losses.MeanSquaredLogarithmicError, "msle"),
    (losses.Huber, "huber"), (losses.LogCosh, "log_cosh"), (losses.CosineSimilarity, "cosine_similarity"),
    (losses.KLDivergence, "kl_divergence"), (losses.Poisson, "poisson"), (losses.Hinge, "hinge"),
    (losses.SquaredHinge, "squared_hinge"), (losses.CategoricalHinge, "categorical_hinge"),
    (losses.BinaryCrossentropy, "binary_crossentropy"),
    (losses.CategoricalCrossentropy, "categorical_crossentropy"),
    (losses.SparseCategoricalCrossentropy, "sparse_categorical_crossentropy"),
]


@pytest.mark.parametrize("cls, case", CLASS_CASES)
def test_class_equals_batch_mean_of_function(cls, case):
    _, y_true, y_pred, reference = CASES[case]
    out = cls()(y_true, _t(y_pred))
    assert out.shape == ()
    np.testing.assert_allclose(out.item(), reference(y_true, y_pred).mean(), rtol=1e-6)


@pytest.mark.parametrize("cls, case", CLASS_CASES)
def test_class_config_round_trip(cls, case):
    loss = cls(reduction="sum", name="my_loss")
    config = losses.serialize(loss)
    assert config["module"] == "keras.losses" and config["class_name"] == cls.__name__
    assert config["config"]["name"] == "my_loss" and config["config"]["reduction"] == "sum"
    clone = losses.deserialize(config)
    assert type(clone) is cls and clone.get_config() == loss.get_config()
    assert cls.from_config(loss.get_config()).get_config() == loss.get_config()


def test_class_arguments_survive_the_round_trip():
    for loss in [losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
                 losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, axis=1),
                 losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255),
                 losses.Huber(delta=2.5), losses.CosineSimilarity(axis=0)]:
        clone = losses.get(losses.serialize(loss))
        assert clone.get_config() == loss.get_config()
    config = losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1).get_config()
    assert config == {"name": "binary_crossentropy", "reduction": "sum_over_batch_size",
                      "from_logits": True, "label_smoothing": 0.1, "axis": -1}


def test_default_names_match_keras():
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.Huber().name == "huber_loss"
    assert losses.SparseCategoricalCrossentropy().name == "sparse_categorical_crossentropy"
    assert losses.KLDivergence().name == "kl_divergence"

    class MyLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return shenjing.ops.mean(shenjing.ops.square(y_pred - y_true), axis=-1)

    custom = MyLoss()
    assert custom.name == "my_loss"
    np.testing.assert_allclose(custom(Y_REG, _t(P_REG)).item(), CASES["mse"][3](Y_REG, P_REG).mean())


@pytest.mark.parametrize(
    "name, expected",
    [("mse", losses.mean_squared_error), ("MSE", losses.mean_squared_error),
     ("mae", losses.mean_absolute_error), ("mape", losses.mean_absolute_percentage_error),
     ("msle", losses.mean_squared_logarithmic_error), ("kld", losses.kl_divergence),
     ("logcosh", losses.log_cosh), ("bce", losses.binary_crossentropy),
     ("binary_crossentropy", losses.binary_crossentropy),
     ("categorical_crossentropy", losses.categorical_crossentropy),
     ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
     ("hinge", losses.hinge), ("huber", losses.huber), ("poisson", losses.poisson)],
)
def test_get_function_names(name, expected):
    assert losses.get(name) is expected
    assert losses.deserialize(losses.serialize(expected)) is expected


def test_aliases():
    assert losses.mse is losses.mean_squared_error
    assert losses.mae is losses.mean_absolute_error
    assert losses.mape is losses.mean_absolute_percentage_error
    assert losses.msle is losses.mean_squared_logarithmic_error
    assert losses.kld is losses.kl_divergence
    assert losses.logcosh is losses.log_cosh


def test_get_other_identifiers():
    assert losses.get(None) is None
    assert isinstance(losses.get("SparseCategoricalCrossentropy"), losses.SparseCategoricalCrossentropy)
    assert isinstance(losses.get(losses.Huber), losses.Huber)
    loss = losses.Hinge()
    assert losses.get(loss) is loss

    def custom(y_true, y_pred):
        return y_pred

    assert losses.get(custom) is custom
    got = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert got.from_logits is True
    assert losses.serialize(losses.mse) == {"module": "keras.losses", "class_name": "function",
                                            "config": "mean_squared_error",
                                            "registered_name": "mean_squared_error"}
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.get("sparse_categorial_crossentropy")
    config = losses.serialize(custom)
    assert config["class_name"] == "function" and config["config"] == "custom"
    with pytest.raises(ValueError, match="custom_objects"):
        losses.deserialize(config)
    assert losses.deserialize(config, custom_objects={"custom": custom}) is custom

    class MyLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return y_pred

    config = losses.serialize(MyLoss(name="mine"))
    assert config["class_name"] == "MyLoss" and config["registered_name"] == "MyLoss"
    assert losses.deserialize(config, custom_objects={"MyLoss": MyLoss}).name == "mine"


def test_function_wrapper_round_trip():
    wrapper = losses.LossFunctionWrapper(losses.huber, delta=0.3)
    assert wrapper.name == "huber"
    config = losses.serialize(wrapper)
    clone = losses.deserialize(config)
    assert clone.fn is losses.huber and clone.get_config() == wrapper.get_config()
    np.testing.assert_allclose(clone(Y_REG, _t(P_REG)).item(),
                               _huber(P_REG - Y_REG, 0.3).mean(), rtol=1e-6)
