"""Dataset.sample_from_datasets / choose_from_datasets (tf.data's contract; TF is not installed,
so the expectations are TF's documented ones). The TF imbalanced-data tutorial oversamples the
rare class with ``sample_from_datasets([pos_ds, neg_ds], weights=[0.5, 0.5])``."""

import numpy as np
import pytest

import shenjing as tf
from shenjing.data import Dataset


def _values(ds):
    return [int(v) for v in ds.as_numpy_iterator()]


def test_sample_without_replacement_keeps_each_input_order_and_every_element():
    a, b = Dataset.range(0, 3), Dataset.range(100, 103)
    out = _values(Dataset.sample_from_datasets([a, b], weights=[0.5, 0.5], seed=4))
    assert sorted(out) == [0, 1, 2, 100, 101, 102]
    assert [v for v in out if v < 100] == [0, 1, 2]
    assert [v for v in out if v >= 100] == [100, 101, 102]


def test_sample_weights_give_the_proportions():
    ones, zeros = Dataset.from_tensors(1).repeat(), Dataset.from_tensors(0).repeat()
    out = np.array(_values(Dataset.sample_from_datasets([ones, zeros], [0.2, 0.8], seed=0)
                           .take(20000)))
    assert abs(out.mean() - 0.2) < 0.015
    uniform = np.array(_values(Dataset.sample_from_datasets([ones, zeros], seed=1).take(20000)))
    assert abs(uniform.mean() - 0.5) < 0.015
    only_first = _values(Dataset.sample_from_datasets([ones, zeros], [1.0, 0.0]).take(50))
    assert only_first == [1] * 50


def test_sample_seed_repeats_and_rerandomize_changes_passes():
    a, b = Dataset.range(0, 50), Dataset.range(100, 150)
    first = _values(Dataset.sample_from_datasets([a, b], seed=7))
    assert first == _values(Dataset.sample_from_datasets([a, b], seed=7))
    fixed = Dataset.sample_from_datasets([a, b], seed=7)
    assert _values(fixed) == _values(fixed)  # rerandomize_each_iteration defaults to False
    again = Dataset.sample_from_datasets([a, b], seed=7, rerandomize_each_iteration=True)
    assert _values(again) != _values(again)


def test_sample_stop_on_empty_dataset():
    short, long = Dataset.range(0, 2), Dataset.range(100, 200)
    going_on = Dataset.sample_from_datasets([short, long], seed=0)
    assert len(_values(going_on)) == 102 and going_on.cardinality() == 102
    stopping = Dataset.sample_from_datasets([short, long], seed=0, stop_on_empty_dataset=True)
    out = _values(stopping)
    assert out.count(0) + out.count(1) == 2 and len(out) < 102
    assert stopping.cardinality() == tf.data.UNKNOWN_CARDINALITY
    infinite = Dataset.sample_from_datasets([short, long.repeat()])
    assert infinite.cardinality() == tf.data.INFINITE_CARDINALITY


def test_choose_from_datasets_follows_the_choices():
    a, b = Dataset.range(0, 3), Dataset.range(100, 103)
    choice = Dataset.range(2).repeat(3)
    assert _values(Dataset.choose_from_datasets([a, b], choice)) == [0, 100, 1, 101, 2, 102]
    ones = Dataset.from_tensors(np.int64(1)).repeat()  # range's dtype: the inputs must agree
    zeros = Dataset.from_tensors(np.int64(0)).repeat()
    two = Dataset.range(2)
    # stop_on_empty_dataset=True by default: the 3rd choice of `two` ends the stream
    assert _values(Dataset.choose_from_datasets([two, ones], Dataset.from_tensor_slices(
        np.array([0, 1, 0, 0, 1])))) == [0, 1, 1]
    assert _values(Dataset.choose_from_datasets(
        [two, zeros], Dataset.from_tensor_slices(np.array([0, 1, 0, 0, 1])),
        stop_on_empty_dataset=False)) == [0, 0, 1, 0]
    with pytest.raises(ValueError, match=r"in \[0, 2\)"):
        _values(Dataset.choose_from_datasets([ones, zeros], Dataset.from_tensors(np.int64(2))))


def test_structure_and_errors():
    x = np.arange(6, dtype="float32").reshape(3, 2)
    pos = Dataset.from_tensor_slices((x, np.ones((3, 1), "int64")))
    neg = Dataset.from_tensor_slices((x, np.zeros((3, 1), "int64")))
    ds = tf.data.experimental.sample_from_datasets([pos, neg], seed=0)
    assert ds.element_spec == pos.element_spec
    with pytest.raises(TypeError, match="same element structure"):
        Dataset.sample_from_datasets([pos, Dataset.range(3)])
    with pytest.raises(ValueError, match="Expected `weights` to be 2 non-negative"):
        Dataset.sample_from_datasets([pos, neg], weights=[0.5])
    with pytest.raises(ValueError, match="not all zero"):
        Dataset.sample_from_datasets([pos, neg], weights=[0.0, 0.0])
    with pytest.raises(TypeError, match="non-empty list"):
        Dataset.sample_from_datasets([])
    with pytest.raises(TypeError, match=r"datasets\[1\]"):
        Dataset.sample_from_datasets([pos, x])


def test_oversampled_dataset_trains_a_model():
    """The tutorial's recipe: a balanced stream from two repeated, shuffled class datasets,
    batched, with steps_per_epoch (the stream is infinite)."""
    rng = np.random.default_rng(0)
    x_pos, x_neg = rng.normal(1.0, size=(8, 4)), rng.normal(-1.0, size=(400, 4))
    def make(features, label):
        labels = np.full((len(features), 1), label)
        return Dataset.from_tensor_slices((features, labels)).shuffle(1000, seed=0).repeat()
    ds = Dataset.sample_from_datasets([make(x_pos, 1), make(x_neg, 0)], [0.5, 0.5], seed=0)
    ds = ds.batch(64).prefetch(2)
    for _, labels in ds.take(1):
        assert 0.3 < labels.mean() < 0.7
    keras = tf.keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=[keras.metrics.Recall(name="recall")])
    history = model.fit(ds, steps_per_epoch=5, epochs=5, verbose=0)
    assert history.history["recall"][-1] > 0.8
    assert model.predict(x_pos, verbose=0).mean() > 0.5


def test_a_zero_weight_dataset_is_not_counted():
    # TF skips inputs of weight 0: they neither yield nor count towards the cardinality.
    finite = Dataset.sample_from_datasets([Dataset.range(3), Dataset.range(100, 103)], weights=[1, 0], seed=0)
    assert finite.cardinality() == 3 and list(finite.as_numpy_iterator()) == [0, 1, 2]
    endless_unused = Dataset.sample_from_datasets([Dataset.range(3), Dataset.range(100, 103).repeat()],
                                                  weights=[1.0, 0.0], seed=0)
    assert endless_unused.cardinality() == 3 and endless_unused.batch(2).cardinality() == 2
