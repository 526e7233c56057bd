"""shenjing.data cardinality, len() and element_spec."""

import numpy as np
import pytest

from shenjing.data import (INFINITE_CARDINALITY as INF, UNKNOWN_CARDINALITY as UNK, Dataset,
                           TensorSpec, experimental)


def gen():
    yield from range(4)


@pytest.mark.parametrize("make, expected", [
    (lambda: Dataset.range(42), 42),
    (lambda: Dataset.range(42).repeat(), INF),
    (lambda: Dataset.range(42).repeat().filter(lambda x: True), UNK),  # TF's documented example
    (lambda: Dataset.range(10).filter(lambda x: True), UNK),
    (lambda: Dataset.from_generator(gen), UNK),
    (lambda: Dataset.from_generator(gen).take(3), UNK),
    (lambda: Dataset.range(10).batch(3), 4),
    (lambda: Dataset.range(10).batch(3, drop_remainder=True), 3),
    (lambda: Dataset.range(10).repeat().batch(3), INF),
    (lambda: Dataset.range(10).repeat(3), 30),
    (lambda: Dataset.range(10).repeat(0), 0),
    (lambda: Dataset.range(0).repeat(), 0),
    (lambda: Dataset.from_generator(gen).repeat(2), UNK),
    (lambda: Dataset.range(10).take(3), 3),
    (lambda: Dataset.range(10).take(30), 10),
    (lambda: Dataset.range(10).take(-1), 10),
    (lambda: Dataset.range(10).repeat().take(5), 5),
    (lambda: Dataset.range(10).skip(3), 7),
    (lambda: Dataset.range(10).skip(30), 0),
    (lambda: Dataset.range(10).skip(-1), 0),
    (lambda: Dataset.range(10).repeat().skip(5), INF),
    (lambda: Dataset.zip(Dataset.range(3), Dataset.range(5)), 3),
    (lambda: Dataset.zip(Dataset.range(3).repeat(), Dataset.range(5)), 5),
    (lambda: Dataset.zip(Dataset.range(3).repeat(), Dataset.range(5).repeat()), INF),
    (lambda: Dataset.zip(Dataset.from_generator(gen), Dataset.range(5)), UNK),
    (lambda: Dataset.range(3).concatenate(Dataset.range(4)), 7),
    (lambda: Dataset.range(3).concatenate(Dataset.range(4).repeat()), INF),
    (lambda: Dataset.range(3).concatenate(Dataset.from_generator(gen)), UNK),
    (lambda: Dataset.range(8).batch(3).unbatch(), UNK),
    (lambda: Dataset.range(8).map(lambda x: x).shuffle(4).cache().prefetch(2).enumerate(), 8),
    (lambda: Dataset.from_tensor_slices(np.zeros((6, 2))).map(lambda x: x,
                                                               num_parallel_calls=2), 6),
])
def test_cardinality_rules(make, expected):
    ds = make()
    assert ds.cardinality() == expected
    assert ds.cardinality().numpy() == expected
    assert experimental.cardinality(ds) == expected


def test_cardinality_matches_iteration_when_known():
    for ds in (Dataset.range(10).batch(3), Dataset.range(10).skip(4).take(3),
               Dataset.range(5).repeat(3).batch(4, drop_remainder=True)):
        assert ds.cardinality() == len(list(ds)) == len(ds)


def test_len_raises_type_error_when_not_known():
    assert len(Dataset.range(10)) == 10
    with pytest.raises(TypeError, match="The dataset is infinite."):
        len(Dataset.range(10).repeat())
    with pytest.raises(TypeError, match="The dataset length is unknown."):
        len(Dataset.range(10).filter(lambda x: x > 3))
    assert bool(Dataset.range(0))  # a dataset is never false, even when empty or unknown
    with pytest.raises(TypeError, match="Dataset"):
        experimental.cardinality([1, 2])


def test_element_spec():
    x, y = np.zeros((6, 28, 28), np.float32), np.zeros(6, np.int64)
    ds = Dataset.from_tensor_slices((x, y))
    assert ds.element_spec == (TensorSpec((28, 28), np.float32), TensorSpec((), np.int64))
    assert ds.batch(4).element_spec == (TensorSpec((None, 28, 28), "float32"),
                                        TensorSpec((None,), "int64"))
    assert ds.batch(4, drop_remainder=True).element_spec[1] == TensorSpec((4,), "int64")
    assert ds.batch(4).unbatch().element_spec == ds.element_spec
    assert Dataset.range(3).element_spec == TensorSpec((), "int64")
    assert ds.enumerate().element_spec[0] == TensorSpec((), "int64")
    assert Dataset.zip({"a": ds, "b": Dataset.range(2)}).element_spec["b"].dtype == np.int64
    mapped = ds.map(lambda a, b: {"a": a.reshape(-1), "n": b})
    assert mapped.element_spec == {"a": TensorSpec((784,), "float32"), "n": TensorSpec((), "int64")}
    merged = Dataset.from_tensors(np.zeros(3)).concatenate(Dataset.from_tensors(np.zeros(5)))
    assert merged.element_spec == TensorSpec((None,), "float64")
    assert repr(TensorSpec((None, 2), "float32")) == \
        "TensorSpec(shape=(None, 2), dtype=float32, name=None)"
    assert TensorSpec((None, 2)).is_compatible_with(np.zeros((5, 2), np.float32))
    assert not TensorSpec((None, 2)).is_compatible_with(np.zeros((5, 3), np.float32))
    with pytest.raises(ValueError, match="empty"):
        Dataset.range(0).map(lambda v: v).element_spec
    with pytest.raises(TypeError, match="dtype"):
        TensorSpec((2,), dtype=object())
