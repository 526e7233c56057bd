"""The losses issue 9 added (focal cross-entropies, Dice, Tversky, Circle, generalized
cross-entropy, SparseCategoricalCrossentropy's axis): values against NumPy formulas and
Keras's documented examples, gradients, config round trips and bad-input errors."""

import numpy as np
import pytest

import shenjing
from shenjing import losses

EPS = 1e-7
rng = np.random.default_rng(1)
BIN_TRUE = rng.integers(0, 2, (4, 3)).astype(np.float64)
BIN_PROBS = rng.uniform(0.05, 0.95, (4, 3))
LABELS = np.array([0, 2, 1, 2])
PROBS = rng.uniform(0.1, 1.0, (4, 3))
PROBS /= PROBS.sum(-1, keepdims=True)


def _t(x):
    return shenjing.tensor(np.asarray(x, dtype=np.float64))


def test_binary_focal_crossentropy_formula():
    t, p, gamma, alpha = BIN_TRUE, BIN_PROBS, 2.0, 0.25
    bce = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    p_t = t * p + (1 - t) * (1 - p)
    expected = ((t * alpha + (1 - t) * (1 - alpha)) * (1 - p_t) ** gamma * bce).mean(-1)
    out = losses.binary_focal_crossentropy(t, _t(p), apply_class_balancing=True)
    np.testing.assert_allclose(out.data, expected, rtol=1e-6)
    # gamma = 0 without balancing is the binary cross-entropy
    np.testing.assert_allclose(losses.binary_focal_crossentropy(t, _t(p), gamma=0.0).data,
                               losses.binary_crossentropy(t, _t(p)).data, rtol=1e-6)


def test_categorical_focal_crossentropy_formula_and_label_smoothing_on_last_axis():
    t = np.eye(3)[LABELS]
    smoothed = t * 0.8 + 0.2 / 3
    expected = (0.25 * (1 - PROBS) ** 2 * -smoothed * np.log(PROBS)).sum(-1)
    out = losses.categorical_focal_crossentropy(t, _t(PROBS), label_smoothing=0.2)
    np.testing.assert_allclose(out.data, expected, rtol=1e-6)
    # axis=0 still smooths by the last axis's size, as Keras does
    t2, p2 = np.eye(4)[[0, 1, 2]], rng.uniform(0.1, 1, (3, 4))
    out = losses.categorical_crossentropy(t2, _t(p2), label_smoothing=0.3, axis=0)
    q = np.clip(p2 / p2.sum(0, keepdims=True), EPS, 1 - EPS)
    np.testing.assert_allclose(out.data, -((t2 * 0.7 + 0.3 / 4) * np.log(q)).sum(0), rtol=1e-6)


def test_dice_and_tversky_match_kerass_documented_example():
    y_true = [[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]]
    y_pred = [[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]]
    out = losses.Dice(axis=(1, 2, 3), reduction=None)(y_true, _t(y_pred))
    np.testing.assert_allclose(out.data, [0.5, 0.75757575], rtol=1e-5)
    np.testing.assert_allclose(losses.Dice()(y_true, _t(y_pred)).item(), 0.6164384, rtol=1e-5)
    out = losses.Tversky(alpha=0.5, beta=0.5, axis=(1, 2, 3), reduction=None)(y_true, _t(y_pred))
    np.testing.assert_allclose(out.data, [0.5, 0.75757575], rtol=1e-5)  # alpha = beta = 0.5: Dice


def test_circle_loss_and_its_mask():
    emb = rng.normal(size=(6, 4))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    labels = np.array([0, 0, 1, 1, 2, 2])
    values = losses.circle(labels, _t(emb)).data
    assert values.shape == (6,) and np.all(values >= 0)
    single = np.array([0, 1, 2, 3, 4, 5])  # no positive pairs: every loss is 0 and masked out
    assert losses.Circle()(single, _t(emb)).item() == 0.0
    assert shenjing.gradcheck(lambda e: losses.Circle(gamma=2.0)(labels, e), [emb])


def test_generalized_cross_entropy():
    out = losses.categorical_generalized_cross_entropy(LABELS, _t(PROBS), q=0.5)
    np.testing.assert_allclose(out.data, (1 - PROBS[np.arange(4), LABELS] ** 0.5) / 0.5, rtol=1e-6)
    with pytest.raises(ValueError, match=r"q must be in the interval \(0, 1\)"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.5)
    with pytest.raises(ValueError, match="out of range"):
        losses.categorical_generalized_cross_entropy(np.array([0, 5, 1, 1]), _t(PROBS), q=0.5)


def test_sparse_categorical_crossentropy_axis():
    logits = rng.normal(size=(2, 3, 4))  # classes on axis 1
    labels = rng.integers(0, 3, (2, 4))
    out = losses.SparseCategoricalCrossentropy(from_logits=True, axis=1, reduction=None)(labels, _t(logits))
    log_p = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    expected = -np.take_along_axis(log_p, labels[:, None, :], axis=1)[:, 0]
    np.testing.assert_allclose(out.data, expected, rtol=1e-6)


@pytest.mark.parametrize("loss,y_true,y_pred", [
    (losses.BinaryFocalCrossentropy(from_logits=True, label_smoothing=0.1), BIN_TRUE, BIN_PROBS),
    (losses.CategoricalFocalCrossentropy(from_logits=True), np.eye(3)[LABELS], PROBS),
    (losses.Dice(axis=1), BIN_TRUE, BIN_PROBS),
    (losses.Tversky(alpha=0.3, beta=0.7), BIN_TRUE, BIN_PROBS),
    (losses.CategoricalGeneralizedCrossEntropy(q=0.3), LABELS, PROBS),
], ids=["binary_focal", "categorical_focal", "dice", "tversky", "gce"])
def test_gradients_and_config_round_trip(loss, y_true, y_pred):
    assert shenjing.gradcheck(lambda p: loss(y_true, p, sample_weight=[1.0, 0.5, 2.0, 0.0]), [y_pred])
    again = losses.deserialize(losses.serialize(loss))
    assert type(again) is type(loss) and again.get_config() == loss.get_config()
    np.testing.assert_allclose(again(y_true, _t(y_pred)).data, loss(y_true, _t(y_pred)).data)


def test_new_losses_resolve_by_name():
    assert losses.get("dice") is losses.dice
    assert isinstance(losses.get("BinaryFocalCrossentropy"), losses.BinaryFocalCrossentropy)
    assert losses.get("categorical_generalized_cross_entropy") is losses.categorical_generalized_cross_entropy


def test_ctc_loss_single_path_and_errors():
    # One step, one label: the only path emits the label, so the loss is -log p(label)
    logits = rng.normal(size=(1, 1, 3))
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    out = losses.ctc(np.array([[2, 0]]), _t(logits))
    np.testing.assert_allclose(out.data, [-log_p[0, 0, 2]], rtol=1e-6)
    labels, logits = np.array([[1, 2, 0], [2, 2, 1]]), rng.normal(size=(2, 6, 3))
    assert shenjing.gradcheck(lambda p: losses.CTC()(labels, p), [logits])
    with pytest.raises(ValueError, match="y_true.shape"):
        losses.ctc(np.array([1, 2]), _t(logits))
    with pytest.raises(ValueError, match="out of range|must lie in"):
        losses.ctc(np.array([[5, 0]]), _t(logits[:1]))
