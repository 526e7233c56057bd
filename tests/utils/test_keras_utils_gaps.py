"""keras.utils's clear_session, is_keras_tensor, get_source_inputs, standardize_dtype and
timeseries_dataset_from_array."""

import numpy as np
import pytest

import shenjing
import shenjing.keras as keras
from shenjing.data import Dataset


def test_clear_session_resets_names_and_the_global_random_state():
    for _ in range(3):
        keras.layers.Dense(2)
    keras.random.SeedGenerator(1)
    keras.utils.clear_session()
    assert keras.layers.Dense(2).name == "dense"
    assert keras.random.SeedGenerator(1).name == "seed_generator"
    draws = []
    for _ in range(2):
        keras.utils.set_random_seed(5)
        keras.utils.clear_session(free_memory=False)
        draws.append(keras.random.normal((3,)).numpy())
    np.testing.assert_array_equal(draws[0], draws[1])
    assert keras.backend.clear_session is keras.utils.clear_session


def test_is_keras_tensor_and_get_source_inputs():
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    h = keras.layers.Dense(3)(a)
    out = keras.layers.Add()([h, b, keras.layers.Dense(3)(a)])
    assert keras.utils.is_keras_tensor(out) and not keras.utils.is_keras_tensor(np.ones(3))
    assert not keras.utils.is_keras_tensor(shenjing.constant([1.0]))
    sources = keras.utils.get_source_inputs(out)
    assert len(sources) == 2 and sources[0] is a and sources[1] is b
    assert keras.utils.get_source_inputs(a)[0] is a
    assert keras.utils.get_source_inputs(5) == 5


@pytest.mark.parametrize("dtype, name", [(None, "float32"), (int, "int32"), (float, "float32"),
                                         (bool, "bool"), ("float16", "float16"),
                                         (np.int8, "int8"), (np.dtype("float64"), "float64"),
                                         (shenjing.int64, "int64")])
def test_standardize_dtype_names_as_keras(dtype, name):
    assert keras.utils.standardize_dtype(dtype) == name


def test_standardize_dtype_rejects_nonsense():
    with pytest.raises(ValueError, match="Invalid dtype"):
        keras.utils.standardize_dtype("floaty")


def test_timeseries_windows_targets_and_batches():
    data = np.arange(100)
    ds = keras.utils.timeseries_dataset_from_array(data, data, sequence_length=10, sampling_rate=2,
                                                   batch_size=4, start_index=3, end_index=50)
    assert isinstance(ds, Dataset)
    batches = list(ds)
    x0, y0 = (np.asarray(t) for t in batches[0])
    np.testing.assert_array_equal(x0[1], np.arange(4, 24, 2))
    np.testing.assert_array_equal(y0, [3, 4, 5, 6])
    n = sum(len(np.asarray(x)) for x, _ in batches)
    assert n == 50 - 3 - 9 * 2
    # Keras's documented example: windows of 10 steps, target = the step after the window.
    seq = np.arange(100)
    ds = keras.utils.timeseries_dataset_from_array(seq[:-10], seq[10:], sequence_length=10, batch_size=None)
    windows = [(np.asarray(x), int(np.asarray(y))) for x, y in ds]
    assert len(windows) == 81 and windows[0][1] == 10
    np.testing.assert_array_equal(windows[0][0], np.arange(10))


def test_timeseries_stride_shuffle_and_no_targets():
    data = np.random.default_rng(0).normal(size=(30, 2)).astype("float32")
    plain = np.concatenate([np.asarray(b) for b in keras.utils.timeseries_dataset_from_array(
        data, None, sequence_length=5, sequence_stride=3, batch_size=3)])
    assert plain.shape == (9, 5, 2)
    np.testing.assert_array_equal(plain[2], data[6:11])
    mixed = np.concatenate([np.asarray(b) for b in keras.utils.timeseries_dataset_from_array(
        data, None, sequence_length=5, sequence_stride=3, batch_size=3, shuffle=True, seed=1)])
    assert sorted(map(bytes, mixed)) == sorted(map(bytes, plain))


@pytest.mark.parametrize("kwargs, match", [
    (dict(sampling_rate=0), "sampling_rate"), (dict(sequence_stride=0), "sequence_stride"),
    (dict(start_index=-1), "start_index"), (dict(start_index=5, end_index=3), "end_index"),
    (dict(end_index=40), "end_index"), (dict(sequence_length=0), "sequence_length")])
def test_timeseries_checks_its_arguments(kwargs, match):
    kwargs = {"sequence_length": 3, **kwargs}
    with pytest.raises(ValueError, match=match):
        keras.utils.timeseries_dataset_from_array(np.arange(20), None, **kwargs)
