"""Accuracy functions and classes against hand-computed values."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import metrics

PROBS = np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0.0], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])
LABELS = np.array([2, 1, 0, 0])
ONE_HOT = np.eye(3)[LABELS]


def test_functions_return_per_sample_values():
    np.testing.assert_array_equal(metrics.sparse_categorical_accuracy(LABELS, PROBS), [0, 1, 1, 0])
    np.testing.assert_array_equal(metrics.categorical_accuracy(ONE_HOT, PROBS), [0, 1, 1, 0])
    np.testing.assert_array_equal(
        metrics.binary_accuracy([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]), [1, 1, 1, 0])
    np.testing.assert_array_equal(
        metrics.binary_accuracy([1, 0], [[0.4], [0.3]], threshold=0.35), [1, 1])
    np.testing.assert_array_equal(
        metrics.top_k_categorical_accuracy(ONE_HOT, PROBS, k=1), [0, 1, 1, 0])
    # the last row's label ties the 2nd-largest score: a tie at the boundary is a hit
    np.testing.assert_array_equal(
        metrics.sparse_top_k_categorical_accuracy(LABELS, PROBS, k=2), [1, 1, 1, 1])
    np.testing.assert_array_equal(metrics.accuracy([[1], [2]], [[1], [3]]), [1, 0])


def test_sparse_labels_of_shape_n_1_and_tensors():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state(sj.Tensor(LABELS[:, None].astype(np.float32)), sj.Tensor(PROBS))
    assert m.result() == 0.5
    assert metrics.sparse_categorical_accuracy(LABELS.tolist(), PROBS.tolist()).shape == (4,)


def test_classes_with_weights_accumulate_and_reset():
    m = metrics.CategoricalAccuracy()
    m.update_state(ONE_HOT[:2], PROBS[:2], sample_weight=[0.7, 0.3])
    assert m.result() == pytest.approx(0.3)
    m.update_state(ONE_HOT[2:], PROBS[2:])  # one hit, one miss with weight 1 each
    assert m.result() == pytest.approx((0.3 + 1.0) / 3.0)
    m.reset_state()
    assert m.result() == 0.0
    m.update_state(ONE_HOT, PROBS)
    assert m.result() == 0.5


def test_binary_accuracy_threshold_and_validation():
    m = metrics.BinaryAccuracy(threshold=0.7)
    m.update_state([[1], [1], [0], [0]], [[0.98], [0.6], [0], [0.65]])
    assert m.result() == 0.75
    with pytest.raises(ValueError, match="threshold"):
        metrics.BinaryAccuracy(threshold=1.5)


def test_binary_accuracy_multilabel_averages_last_axis():
    m = metrics.BinaryAccuracy()
    m.update_state([[1, 0], [1, 1]], [[0.9, 0.8], [0.7, 0.1]], sample_weight=[1, 3])
    # per sample: 0.5 and 0.5
    assert m.result() == 0.5


def test_top_k_defaults_and_ties_count():
    m = metrics.SparseTopKCategoricalAccuracy()
    assert m.k == 5 and m.name == "sparse_top_k_categorical_accuracy"
    scores = np.array([[0.5, 0.5, 0.0]])
    assert metrics.sparse_top_k_categorical_accuracy([1], scores, k=1)[0] == 1.0
    m = metrics.TopKCategoricalAccuracy(k=1)
    m.update_state(ONE_HOT, PROBS, sample_weight=[0.5, 1, 1, 1])
    assert m.result() == pytest.approx(2 / 3.5)
    many = np.random.default_rng(0).random((64, 20))
    labels = np.random.default_rng(1).integers(0, 20, 64)
    ranks = (many > many[np.arange(64), labels][:, None]).sum(axis=1)
    np.testing.assert_array_equal(
        metrics.sparse_top_k_categorical_accuracy(labels, many, k=5), ranks < 5)


@pytest.mark.parametrize("fn, y_true, y_pred", [
    (metrics.categorical_accuracy, np.zeros(4), np.zeros((4, 10))),
    (metrics.top_k_categorical_accuracy, np.zeros(4), np.zeros((4, 10))),
    (metrics.sparse_categorical_accuracy, np.zeros((4, 10)), np.zeros((4, 10))),
    (metrics.sparse_categorical_accuracy, np.zeros(5), np.zeros((4, 10))),
    (metrics.binary_accuracy, np.zeros((4, 2)), np.zeros((4, 3))),
])
def test_shape_mismatch_names_function_and_both_shapes(fn, y_true, y_pred):
    with pytest.raises(ValueError) as err:
        fn(y_true, y_pred)
    message = str(err.value)
    assert fn.__name__ in message
    assert str(y_true.shape) in message and str(y_pred.shape) in message


def test_metric_error_names_the_metric():
    m = metrics.CategoricalAccuracy(name="acc_out")
    with pytest.raises(ValueError, match=r"acc_out.*\(4,\).*\(4, 10\)"):
        m.update_state(np.zeros(4), np.zeros((4, 10)))
