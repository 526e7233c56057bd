"""TP/FP/TN/FN, Precision, Recall and AUC: hand values, a brute-force reference of
Keras's per-threshold comparison, and exact ROC AUC (Mann-Whitney)."""

import numpy as np
import pytest
from scipy.stats import rankdata

import shenjing as sj
from shenjing import metrics


def brute_counts(y_true, y_pred, thresholds, weights=None):
    """Keras's unoptimized algorithm: compare every prediction with every threshold."""
    y_true = np.asarray(y_true, bool).ravel()
    y_pred = np.asarray(y_pred, np.float32).ravel()
    w = np.ones(y_pred.shape) if weights is None else np.asarray(weights, float).ravel()
    pos = y_pred[None, :] > np.asarray(thresholds, np.float32)[:, None]
    tp = ((pos & y_true) * w).sum(1)
    fp = ((pos & ~y_true) * w).sum(1)
    fn = ((~pos & y_true) * w).sum(1)
    tn = ((~pos & ~y_true) * w).sum(1)
    return tp, fp, tn, fn


def trapezoid_roc(tp, fp, tn, fn):
    recall = np.divide(tp, tp + fn, out=np.zeros_like(tp), where=(tp + fn) > 0)
    fpr = np.divide(fp, fp + tn, out=np.zeros_like(fp), where=(fp + tn) > 0)
    return np.sum((fpr[:-1] - fpr[1:]) * (recall[:-1] + recall[1:]) / 2)


def exact_roc_auc(y_true, scores):
    """Probability that a positive outscores a negative (ties count 1/2)."""
    y_true = np.asarray(y_true, bool)
    ranks = rankdata(scores)
    n_pos, n_neg = y_true.sum(), (~y_true).sum()
    return (ranks[y_true].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def test_condition_counts_keras_examples():
    for cls, y_true, y_pred, full, weighted in [
        (metrics.TruePositives, [0, 1, 1, 1], [1, 0, 1, 1], 2.0, 1.0),
        (metrics.FalsePositives, [0, 1, 0, 0], [0, 0, 1, 1], 2.0, 1.0),
        (metrics.TrueNegatives, [0, 1, 0, 0], [1, 1, 0, 0], 2.0, 1.0),
        (metrics.FalseNegatives, [0, 1, 1, 1], [0, 1, 0, 0], 2.0, 1.0),
    ]:
        m = cls()
        m.update_state(y_true, y_pred)
        assert m.result() == full
        m.reset_state()
        m.update_state(y_true, y_pred, sample_weight=[0, 0, 1, 0])
        assert m.result() == weighted


def test_counts_with_several_thresholds_match_brute_force():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, (50, 3))
    y_pred = rng.random((50, 3)).astype(np.float32)
    w = rng.random(50)
    thresholds = [0.7, 0.1, 0.5, 0.5, 0.0, 1.0]  # unsorted, repeated, and the ends
    expected = brute_counts(y_true, y_pred, thresholds, np.repeat(w[:, None], 3, 1))
    for cls, want in zip((metrics.TruePositives, metrics.FalsePositives,
                          metrics.TrueNegatives, metrics.FalseNegatives), expected):
        m = cls(thresholds=thresholds)
        m.update_state(y_true[:20], y_pred[:20], sample_weight=w[:20])
        m.update_state(y_true[20:], y_pred[20:], sample_weight=w[20:])
        np.testing.assert_allclose(m.result(), want, rtol=1e-5)


def test_precision_recall_values_weights_and_accumulation():
    p, r = metrics.Precision(), metrics.Recall()
    for m in (p, r):
        m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert p.result() == pytest.approx(2 / 3) and r.result() == pytest.approx(2 / 3)
    for m in (p, r):
        m.update_state(sj.Tensor(np.array([1.0, 0.0])), [0.9, 0.2])  # one more tp, one tn
        assert m.result() == pytest.approx(3 / 4)
        m.reset_state()
        assert m.result() == 0.0
    p.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert p.result() == 1.0
    r.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 1, 1, 0])
    assert r.result() == 0.5


def test_precision_recall_thresholds_give_arrays():
    y_true, y_pred = [0, 1, 1, 0], [0.8, 0.6, 0.4, 0.2]
    p = metrics.Precision(thresholds=[0.5, 0.3, 0.1])
    p.update_state(y_true, y_pred)
    np.testing.assert_allclose(p.result(), [1 / 2, 2 / 3, 2 / 4])
    r = metrics.Recall(thresholds=[0.5, 0.3, 0.1])
    r.update_state(y_true, y_pred)
    np.testing.assert_allclose(r.result(), [1 / 2, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.Precision(thresholds=[1.5])


def test_precision_recall_class_id_and_top_k():
    y_true = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]])
    y_pred = np.array([[0.1, 0.6, 0.3], [0.2, 0.7, 0.1], [0.8, 0.1, 0.1], [0.5, 0.4, 0.1]])
    p = metrics.Precision(class_id=1)
    p.update_state(y_true, y_pred)
    assert p.result() == pytest.approx(1 / 2)  # class 1 predicted in rows 0 and 1
    r = metrics.Recall(class_id=1)
    r.update_state(y_true, y_pred)
    assert r.result() == pytest.approx(1 / 2)  # rows 0 and 3 are class 1; row 0 found
    pk = metrics.Precision(top_k=1)
    pk.update_state(y_true, y_pred)
    assert pk.result() == pytest.approx(2 / 4)  # top-1 hits in rows 0 and 2
    rk = metrics.Recall(top_k=2)
    rk.update_state(y_true, y_pred)
    assert rk.result() == pytest.approx(3 / 4)  # row 1's class 2 falls outside its top 2
    with pytest.raises(ValueError, match="class_id"):
        metrics.Precision(class_id=1).update_state([1, 0], [0.5, 0.2])
    with pytest.raises(ValueError, match=r"precision.*\(4, 3\).*\(4, 2\)"):
        metrics.Precision().update_state(y_true, y_pred[:, :2])


def test_auc_keras_examples():
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert m.result() == pytest.approx(0.75)
    m.reset_state()
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert m.result() == pytest.approx(1.0)


def test_auc_equals_exact_auc_when_scores_fall_in_distinct_buckets():
    rng = np.random.default_rng(1)
    n = 500
    y_true = rng.integers(0, 2, n)
    # Scores in the middle of buckets, correlated with the label, with many ties.
    bucket = np.clip(rng.normal(80 + 40 * y_true, 30).astype(int), 0, 198)
    y_pred = (bucket + 0.5) / 199
    m = metrics.AUC()
    for chunk in np.array_split(np.arange(n), 7):
        m.update_state(y_true[chunk], y_pred[chunk])
    assert m.result() == pytest.approx(exact_roc_auc(y_true, y_pred), abs=1e-6)


def test_auc_close_to_exact_for_continuous_scores_and_matches_brute_force():
    rng = np.random.default_rng(2)
    y_true = rng.integers(0, 2, 2000)
    y_pred = 1 / (1 + np.exp(-(rng.normal(size=2000) + y_true)))
    m = metrics.AUC()
    m.update_state(y_true, y_pred)
    assert m.result() == pytest.approx(exact_roc_auc(y_true, y_pred), abs=1e-3)
    reference = trapezoid_roc(*brute_counts(y_true, y_pred, m.thresholds))
    assert m.result() == pytest.approx(reference, abs=1e-9)
    tp, fp, tn, fn = brute_counts(y_true, y_pred, m.thresholds)
    np.testing.assert_allclose(m.true_positives, tp)
    np.testing.assert_allclose(m.false_negatives, fn)


def test_auc_against_sklearn():
    skm = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, 1000)
    y_pred = rng.random(1000) * 0.6 + 0.4 * y_true * rng.random(1000)
    w = rng.random(1000)
    m = metrics.AUC(num_thresholds=1000)
    m.update_state(y_true, y_pred, sample_weight=w)
    assert m.result() == pytest.approx(skm.roc_auc_score(y_true, y_pred, sample_weight=w),
                                       abs=1e-3)


def test_auc_weights_logits_and_custom_thresholds():
    rng = np.random.default_rng(4)
    y_true = rng.integers(0, 2, 300)
    logits = rng.normal(size=300) + y_true
    w = rng.random(300)
    a = metrics.AUC(from_logits=True)
    a.update_state(y_true, logits, sample_weight=w)
    b = metrics.AUC()
    b.update_state(y_true, 1 / (1 + np.exp(-logits)), sample_weight=w)
    assert a.result() == pytest.approx(b.result(), abs=1e-9)
    probs = 1 / (1 + np.exp(-logits))
    c = metrics.AUC(thresholds=[0.9, 0.3, 0.5, 0.7])
    c.update_state(y_true, probs, sample_weight=w)
    reference = trapezoid_roc(*brute_counts(y_true, probs, c.thresholds, w))
    assert c.result() == pytest.approx(reference, abs=1e-6)  # float32 state
    assert c.get_config()["thresholds"] == pytest.approx([0.3, 0.5, 0.7, 0.9])


def test_auc_pr_curve_and_summation_methods():
    y_true = [0, 0, 1, 1]
    y_pred = [0, 0.5, 0.3, 0.9]
    # thresholds [-eps, 0.5, 1 + eps]: tp [2, 1, 0], fp [2, 0, 0], fn [0, 1, 2]
    minoring = metrics.AUC(num_thresholds=3, curve="PR", summation_method="minoring")
    minoring.update_state(y_true, y_pred)
    # recall [1, .5, 0], precision [.5, 1, 0]: (1 - .5) * .5 + (.5 - 0) * 0
    assert minoring.result() == pytest.approx(0.25)
    majoring = metrics.AUC(num_thresholds=3, curve="PR", summation_method="majoring")
    majoring.update_state(y_true, y_pred)
    assert majoring.result() == pytest.approx(0.5 * 1 + 0.5 * 1)
    interp = metrics.AUC(num_thresholds=3, curve="PR")
    interp.update_state(y_true, y_pred)
    # Davis-Goadrich: bucket 1: dtp=1, dp=3, slope=1/3, intercept=1-1/3,
    # increment = slope*(1 + intercept*log(4/1)) / 1... divided by total positives (tp+fn)[1:]
    slope = 1 / 3
    inc1 = slope * (1 + (1 - slope * 1) * np.log(4 / 1)) / 2
    inc2 = 1.0 * 1 / 2  # p[2] = 0: ratio 1, slope 1, dtp 1
    assert interp.result() == pytest.approx(inc1 + inc2)
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)


def test_auc_multi_label_averages_per_label_curves():
    rng = np.random.default_rng(5)
    y_true = rng.integers(0, 2, (400, 3))
    y_pred = np.clip(rng.random((400, 3)) * 0.7 + 0.3 * y_true, 0, 1)
    m = metrics.AUC(multi_label=True)
    m.update_state(y_true[:100], y_pred[:100])
    m.update_state(y_true[100:], y_pred[100:])
    per_label = []
    for j in range(3):
        single = metrics.AUC()
        single.update_state(y_true[:, j], y_pred[:, j])
        per_label.append(single.result())
    assert m.result() == pytest.approx(np.mean(per_label), abs=1e-9)
    weighted = metrics.AUC(multi_label=True, num_labels=3, label_weights=[1, 0, 3])
    weighted.update_state(y_true, y_pred)
    assert weighted.result() == pytest.approx((per_label[0] + 3 * per_label[2]) / 4, abs=1e-9)
    assert m.true_positives.shape == (200, 3)
    m.reset_state()
    assert not m.true_positives.any()


def test_auc_state_and_big_batch_is_fast():
    import time
    m = metrics.AUC()
    assert [v.shape for v in m.variables] == [(200,)] * 4
    rng = np.random.default_rng(6)
    y_true, y_pred = rng.integers(0, 2, 200_000), rng.random(200_000)
    start = time.perf_counter()
    m.update_state(y_true, y_pred)
    assert time.perf_counter() - start < 1.0
    assert 0.45 < m.result() < 0.55
