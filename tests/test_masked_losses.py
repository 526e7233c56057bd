"""A mask on y_pred in losses, metrics and the trainer (Keras 3's arithmetic): hand values."""

import numpy as np
import pytest

from shenjing import keras, layers, losses, metrics
from shenjing.autograd import Tensor, set_keras_mask

Y_TRUE = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 5.0]], np.float32)
Y_PRED = np.array([[1.5, 2.0, 0.0], [1.0, 1.0, 0.0]], np.float32)
MASK = np.array([[True, True, False], [True, False, False]])
SQ = (Y_TRUE - Y_PRED) ** 2  # per-entry squared errors of shape (2, 3)


def masked(values, mask=MASK):
    t = Tensor(values)
    set_keras_mask(t, Tensor(mask))
    return t


def _per_entry_mse(reduction):
    # Values (2, 3, 1): MSE averages the last axis, giving (2, 3) losses that the mask matches.
    fn = losses.MeanSquaredError(reduction=reduction)
    return fn(Y_TRUE[..., None], masked(Y_PRED[..., None]))


@pytest.mark.parametrize("reduction, expected", [
    ("sum_over_batch_size", SQ[MASK].mean()),
    ("mean", SQ[MASK].mean()),
    ("sum", SQ[MASK].sum()),
    ("mean_with_sample_weight", SQ[MASK].sum() / MASK.sum()),
])
def test_masked_reductions(reduction, expected):
    np.testing.assert_allclose(float(_per_entry_mse(reduction).numpy()), expected, rtol=1e-6)


def test_masked_none_reduction_keeps_the_rescaled_entries():
    # "none" folds the mask as 0/1 weights (no total/valid scale: that is for the means)
    np.testing.assert_allclose(_per_entry_mse("none").numpy(), SQ * MASK, rtol=1e-6)


def test_mask_times_sample_weight():
    w = np.array([[2.0], [1.0]], np.float32)
    value = losses.MeanSquaredError()(Y_TRUE[..., None], masked(Y_PRED[..., None]), sample_weight=w)
    # weights w * mask * (6 / 3), then sum / 6
    np.testing.assert_allclose(float(value.numpy()), (SQ * w * MASK).sum() / 3, rtol=1e-6)
    with pytest.raises(ValueError, match="sample_weight of shape"):  # (2,) against (2, 3): as Keras
        losses.MeanSquaredError()(Y_TRUE[..., None], masked(Y_PRED[..., None]), sample_weight=w[:, 0])


def test_fully_masked_batch_gives_zero():
    none = np.zeros((2, 3), bool)
    value = losses.MeanSquaredError()(Y_TRUE[..., None], masked(Y_PRED[..., None], none))
    assert float(value.numpy()) == 0.0


def test_mask_and_ignore_class_combine():
    logits = np.log(np.array([[[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]]], np.float32))
    labels = np.array([[0, 1, 1]])
    fn = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1)
    # step 2 is masked on y_pred, step 1 (and 2) ignored by label: only step 0 counts
    value = fn(labels, masked(logits, np.array([[True, True, False]])))
    np.testing.assert_allclose(float(value.numpy()), -np.log(0.5), rtol=1e-6)


def test_loss_on_an_unmasked_prediction_is_unchanged():
    value = losses.MeanSquaredError()(Y_TRUE[..., None], Tensor(Y_PRED[..., None]))
    np.testing.assert_allclose(float(value.numpy()), SQ.mean(), rtol=1e-6)


def test_mean_metric_wrapper_counts_unmasked_entries():
    probs = np.array([[[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]]], np.float32)
    labels = np.array([[0, 0, 1]])
    metric = metrics.SparseCategoricalAccuracy()
    metric.update_state(labels, masked(probs, np.array([[True, True, False]])))
    assert float(metric.result()) == pytest.approx(0.5)  # step 0 right, step 1 wrong, step 2 masked
    metric.update_state(labels, masked(probs, np.array([[True, False, True]])),
                        sample_weight=np.array([3.0]))
    # second batch: weights 3 on steps 0 and 2 (both right) -> (1 + 0 + 3 + 3) / (2 + 6)
    assert float(metric.result()) == pytest.approx(7 / 8)
    mse = metrics.MeanSquaredError()
    mse.update_state(Y_TRUE[..., None], masked(Y_PRED[..., None]))
    assert float(mse.result()) == pytest.approx(SQ[MASK].mean())


def test_mean_reads_a_mask_on_values_only_with_sample_weight():
    values = masked(np.array([[1.0, 3.0, 100.0]], np.float32), np.array([[True, True, False]]))
    mean = metrics.Mean()
    mean.update_state(values, sample_weight=np.ones((1, 3), np.float32))
    assert float(mean.result()) == pytest.approx(2.0)
    mean = metrics.Mean()
    mean.update_state(values)  # as Keras: no weights, the mask is not read
    assert float(mean.result()) == pytest.approx(104 / 3)


def _sequence_model():
    model = keras.Sequential([keras.Input((3,), dtype="int32"), layers.Embedding(4, 2, mask_zero=True),
                              layers.Dense(2, activation="softmax")])
    table = np.array([[9.0, 9.0], [3.0, 0.0], [0.0, 3.0], [1.0, 1.0]], np.float32)
    model.set_weights([table, np.eye(2, dtype=np.float32), np.zeros(2, np.float32)])
    return model


def test_compile_evaluate_and_fit_use_the_mask():
    model = _sequence_model()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    ids = np.array([[1, 2, 0], [3, 0, 0]])
    labels = np.array([[0, 0, 1], [1, 1, 1]])
    p = model(ids).numpy()
    picked = p[np.arange(2)[:, None], np.arange(3)[None], labels]
    valid = ids != 0
    loss, accuracy = model.evaluate(ids, labels, verbose=0)
    assert loss == pytest.approx(-np.log(picked[valid]).mean(), rel=1e-5)
    argmax_right = p.argmax(-1) == labels  # id 3 gives a tie (0.5, 0.5): argmax 0, label 1
    assert accuracy == pytest.approx(argmax_right[valid].mean())
    history = model.fit(ids, labels, epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(loss, rel=1e-5)
