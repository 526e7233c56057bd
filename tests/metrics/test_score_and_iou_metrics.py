"""The metrics issue 9 added: F-scores, R2Score, the IoU family, the constrained rates,
the correlations, ignore_class and from_sorted_ids: values against NumPy formulas, state
saved and loaded (lazily built state included), configs and bad-argument errors."""

import numpy as np
import pytest

from shenjing import metrics

rng = np.random.default_rng(3)


def _round_trip(metric, batches):
    """Update, save into a dict store, load into a fresh metric from the config."""
    for y_true, y_pred, w in batches:
        metric.update_state(y_true, y_pred, sample_weight=w)
    store = {}
    metric.save_own_variables(store)
    fresh = type(metric).from_config(metric.get_config())
    fresh.load_own_variables(store)
    np.testing.assert_allclose(fresh.result(), metric.result())
    return metric.result()


def test_f1_and_fbeta_against_numpy():
    y_true = (rng.random((8, 3)) > 0.5).astype(float)
    y_pred = rng.random((8, 3))
    w = rng.uniform(0, 2, 8)
    predicted = (y_pred > 0.5).astype(float)
    tp = (predicted * y_true * w[:, None]).sum(0)
    fp = (predicted * (1 - y_true) * w[:, None]).sum(0)
    fn = ((1 - predicted) * y_true * w[:, None]).sum(0)
    p, r = tp / (tp + fp + 1e-7), tp / (tp + fn + 1e-7)
    f2 = 5 * p * r / (4 * p + r + 1e-7)
    out = _round_trip(metrics.FBetaScore(beta=2.0, threshold=0.5), [(y_true, y_pred, w)])
    np.testing.assert_allclose(out, f2, rtol=1e-5)
    out = metrics.F1Score(average="macro", threshold=0.5)(y_true, y_pred, sample_weight=w)
    np.testing.assert_allclose(out, (2 * p * r / (p + r + 1e-7)).mean(), rtol=1e-5)
    with pytest.raises(ValueError, match="2D inputs"):
        metrics.F1Score()(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="beta"):
        metrics.FBetaScore(beta=2)


def test_r2_score_against_numpy_and_adjusted():
    y_true, y_pred = rng.normal(size=(10, 2)), rng.normal(size=(10, 2))
    ss_res = ((y_true - y_pred) ** 2).sum(0)
    ss_tot = ((y_true - y_true.mean(0)) ** 2).sum(0)
    r2 = 1 - ss_res / ss_tot
    out = _round_trip(metrics.R2Score(class_aggregation=None), [(y_true[:4], y_pred[:4], None),
                                                                (y_true[4:], y_pred[4:], None)])
    np.testing.assert_allclose(out, r2, rtol=1e-5)
    n = 20  # values seen: 10 rows x 2 columns, as Keras counts them
    adjusted = metrics.R2Score(num_regressors=2)(y_true, y_pred)
    np.testing.assert_allclose(adjusted, 1 - (1 - r2.mean()) * (n - 1) / (n - 3), rtol=1e-5)


def test_iou_family():
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0])
    cm = np.zeros((3, 3))
    np.add.at(cm, (y_true, y_pred), 1)
    iou = np.diag(cm) / (cm.sum(0) + cm.sum(1) - np.diag(cm))
    np.testing.assert_allclose(_round_trip(metrics.MeanIoU(3), [(y_true, y_pred, None)]),
                               iou.mean(), rtol=1e-6)
    np.testing.assert_allclose(metrics.IoU(3, [0, 2])(y_true, y_pred), iou[[0, 2]].mean(), rtol=1e-6)
    onehot = np.eye(3)[y_true]
    scores = np.eye(3)[y_pred] * 0.8 + 0.05
    np.testing.assert_allclose(metrics.OneHotMeanIoU(3)(onehot, scores), iou.mean(), rtol=1e-6)
    np.testing.assert_allclose(metrics.OneHotIoU(3, [1])(onehot, scores), iou[1], rtol=1e-6)
    # ignore_class drops the rows labelled 2
    keep = y_true != 2
    cm2 = np.zeros((3, 3))
    np.add.at(cm2, (y_true[keep], y_pred[keep]), 1)
    denominator = cm2.sum(0) + cm2.sum(1) - np.diag(cm2)
    valid = denominator > 0
    expected = (np.diag(cm2)[valid] / denominator[valid]).sum() / valid.sum()
    np.testing.assert_allclose(metrics.MeanIoU(3, ignore_class=2)(y_true, y_pred), expected, rtol=1e-6)
    binary = metrics.BinaryIoU(target_class_ids=[1], threshold=0.5)
    np.testing.assert_allclose(binary([0, 1, 1, 0], [0.2, 0.7, 0.4, 0.6]), 1 / 3, rtol=1e-6)
    assert metrics.MeanIoU(3).total_cm.dtype == np.int32
    with pytest.raises(ValueError, match="out of range"):
        metrics.IoU(3, [3])


def test_constrained_rates():
    y_true = np.array([0, 0, 1, 1, 1, 0, 1, 0])
    y_pred = np.array([0.1, 0.4, 0.35, 0.8, 0.9, 0.6, 0.7, 0.2])
    # recall >= 0.75 holds for t < 0.7; t in [0.6, 0.7) keeps 3 positives and no negative
    np.testing.assert_allclose(_round_trip(metrics.PrecisionAtRecall(0.75), [(y_true, y_pred, None)]), 1.0)
    np.testing.assert_allclose(metrics.RecallAtPrecision(1.0)(y_true, y_pred), 0.75)
    np.testing.assert_allclose(metrics.SensitivityAtSpecificity(1.0)(y_true, y_pred), 0.75)
    np.testing.assert_allclose(metrics.SpecificityAtSensitivity(1.0)(y_true, y_pred), 0.5)
    with pytest.raises(ValueError, match="`recall` must be in the range"):
        metrics.PrecisionAtRecall(1.5)


def test_correlations():
    y_true, y_pred = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
    pearson = np.array([np.corrcoef(a, b)[0, 1] for a, b in zip(y_true, y_pred)])
    np.testing.assert_allclose(metrics.PearsonCorrelation()(y_true, y_pred), pearson.mean(), rtol=1e-5)
    assert metrics.ConcordanceCorrelation()(y_true, y_true) == pytest.approx(1.0, abs=1e-5)


def test_sparse_crossentropy_ignore_class_and_sorted_ids():
    probs = rng.uniform(0.1, 1, (4, 3))
    probs /= probs.sum(-1, keepdims=True)
    labels = np.array([0, 1, 2, 1])
    per = -np.log(probs[np.arange(4), labels])
    m = metrics.SparseCategoricalCrossentropy(ignore_class=1)
    # without weights the ignored entries count as 0 (as Keras 3.15); with weights they leave
    np.testing.assert_allclose(m(labels, probs), (per * (labels != 1)).mean(), rtol=1e-6)
    m = metrics.SparseCategoricalCrossentropy(ignore_class=1)
    np.testing.assert_allclose(m(labels, probs, sample_weight=np.ones(4)), per[[0, 2]].mean(), rtol=1e-6)
    ids = np.array([[2, 0, 1], [1, 2, 0], [0, 1, 2]])
    top = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    np.testing.assert_allclose(top([0, 0, 2], ids), 1 / 3)  # only row 0 has it in its first 2
    assert top.get_config()["from_sorted_ids"] is True
    assert "from_sorted_ids" not in metrics.SparseTopKCategoricalAccuracy().get_config()
