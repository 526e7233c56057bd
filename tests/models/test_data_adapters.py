"""fit/evaluate/predict over every kind of data: arrays, generators, PyDataset, Dataset, DataLoader."""

import os
import warnings

import numpy as np
import pytest

import shenjing.keras as keras
from shenjing.keras import layers
from shenjing.models.data_adapters import (ArrayDataAdapter, DatasetAdapter, GeneratorDataAdapter,
                                           PyDatasetAdapter, get_data_adapter)
from model_data import blobs


def _model(features=4, classes=3):
    model = keras.Sequential([keras.Input((features,)), layers.Dense(8, activation="relu"), layers.Dense(classes)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def _batches(x, y, batch_size=16, sw=None):
    for i in range(0, len(x), batch_size):
        if sw is None:
            yield x[i:i + batch_size], y[i:i + batch_size]
        else:
            yield x[i:i + batch_size], y[i:i + batch_size], sw[i:i + batch_size]


def _endless(x, y, batch_size=16, counter=None):
    while True:
        for i in range(0, len(x), batch_size):
            if counter is not None:
                counter.append(i)
            yield x[i:i + batch_size], y[i:i + batch_size]


class Blobs(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size=16, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended = 0
        self.reads = []

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(index)
        self.reads.append(index)
        s = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[s], self.y[s]

    def on_epoch_end(self):
        self.epochs_ended += 1


class FakeDataset:
    """Shaped like shenjing.data.Dataset / tf.data.Dataset: cardinality() and __iter__."""

    def __init__(self, batches, cardinality=None):
        self.batches = batches
        self._cardinality = len(batches) if cardinality is None else cardinality

    def cardinality(self):
        return self._cardinality

    def __iter__(self):
        return iter(self.batches)


def test_generator_with_steps_per_epoch_continues_across_epochs():
    x, y = blobs(n=64)
    reads = []
    model = _model()
    history = model.fit(_endless(x, y, counter=reads), steps_per_epoch=3, epochs=4, verbose=0)
    assert len(history.history["loss"]) == 4
    # 12 batches read in all, continuing the generator: 0, 16, 32, 48, 0, ...
    assert reads == [0, 16, 32, 48] * 3


def test_finite_generator_without_steps_runs_one_pass_then_stops_with_keras_warning():
    x, y = blobs(n=64)
    model = _model()
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        history = model.fit(_batches(x, y), epochs=3, verbose=0)
    assert len(history.history["loss"]) == 1


def test_generator_shorter_than_steps_per_epoch_warns():
    x, y = blobs(n=32)
    model = _model()
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        model.fit(_batches(x, y), steps_per_epoch=5, epochs=1, verbose=0)


def test_generator_matches_arrays_and_takes_sample_weights():
    x, y = blobs(n=64)
    sw = np.linspace(0.5, 1.5, 64).astype("float32")
    results = []
    for data in ("arrays", "generator"):
        keras.utils.set_random_seed(1)
        model = _model()
        if data == "arrays":
            model.fit(x, y, sample_weight=sw, batch_size=16, epochs=1, verbose=0, shuffle=False)
        else:
            model.fit(_batches(x, y, sw=sw), epochs=1, verbose=0)
        results.append(model.evaluate(x, y, verbose=0))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)


def test_evaluate_and_predict_on_generators():
    x, y = blobs(n=40)
    model = _model()
    model.fit(x, y, epochs=1, verbose=0)
    expected = model.predict(x, batch_size=16, verbose=0)
    got = model.predict((xb for xb, _ in _batches(x, y)), verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert model.evaluate(_batches(x, y), verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-5)


def test_validation_data_generator_with_validation_steps():
    x, y = blobs(n=64)
    model = _model()
    history = model.fit(x, y, epochs=3, verbose=0, validation_data=_endless(x, y), validation_steps=2)
    assert len(history.history["val_loss"]) == 3


@pytest.mark.parametrize("multiprocessing", [False, True])
def test_py_dataset_with_two_workers(multiprocessing):
    x, y = blobs(n=80)
    data = Blobs(x, y, workers=2, use_multiprocessing=multiprocessing, max_queue_size=3)
    model = _model()
    history = model.fit(data, epochs=3, verbose=0, validation_data=Blobs(x, y))
    assert len(history.history["loss"]) == 3 and "val_accuracy" in history.history
    assert data.epochs_ended == 3
    if not multiprocessing:
        assert sorted(data.reads) == sorted(list(range(5)) * 3)
    # Read in index order, whichever worker finished first: same as a plain pass.
    keras.utils.set_random_seed(0)
    a = _model()
    a.fit(Blobs(x, y), epochs=1, verbose=0, shuffle=False)
    keras.utils.set_random_seed(0)
    b = _model()
    b.fit(Blobs(x, y, workers=2, use_multiprocessing=multiprocessing), epochs=1, verbose=0, shuffle=False)
    np.testing.assert_allclose(a.get_weights()[0], b.get_weights()[0], rtol=1e-6)


def test_py_dataset_process_pool_is_shut_down():
    x, y = blobs(n=32)
    data = Blobs(x, y, workers=2, use_multiprocessing=True)
    adapter = PyDatasetAdapter(data)
    it = adapter.get_numpy_iterator()
    next(it)
    executor = adapter._executor
    assert executor is not None
    it.close()  # leaving a pass early shuts the pool down
    assert adapter._executor is None
    with pytest.raises(RuntimeError):
        executor.submit(os.getpid)


def test_sequence_alias_and_worker_arguments_are_checked():
    assert keras.utils.Sequence is keras.utils.PyDataset
    with pytest.raises(ValueError, match="workers"):
        keras.utils.PyDataset(workers=0)


def test_dataset_like_object_with_cardinality():
    x, y = blobs(n=48)
    batches = list(_batches(x, y))
    model = _model()
    history = model.fit(FakeDataset(batches), epochs=2, verbose=0, validation_data=FakeDataset(batches))
    assert len(history.history["val_loss"]) == 2
    assert model.predict(FakeDataset([b[0] for b in batches]), verbose=0).shape == (48, 3)
    unknown = FakeDataset(batches, cardinality=-2)
    assert get_data_adapter(unknown).num_batches is None
    model.fit(unknown, epochs=2, verbose=0)


def test_infinite_dataset_needs_steps_per_epoch():
    x, y = blobs(n=16)
    model = _model()
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model.fit(FakeDataset(list(_batches(x, y)), cardinality=-1), verbose=0)


def test_shenjing_data_dataset_if_present():
    data = pytest.importorskip("shenjing.data")
    if not hasattr(data, "Dataset") or not hasattr(data.Dataset, "from_tensor_slices"):
        pytest.skip("shenjing.data.Dataset is not in this tree")
    x, y = blobs(n=48)
    ds = data.Dataset.from_tensor_slices((x, y)).batch(16)
    model = _model()
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_torch_data_loader():
    torch = pytest.importorskip("torch")
    x, y = blobs(n=48)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=16)
    model = _model()
    history = model.fit(loader, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(loader, verbose=0).shape == (48, 3)


def test_targets_with_a_generator_or_py_dataset_are_errors():
    x, y = blobs(n=16)
    model = _model()
    with pytest.raises(ValueError, match="Expected `y` to be None when x is a Python generator"):
        model.fit(_batches(x, y), y, verbose=0)
    with pytest.raises(ValueError, match="Expected `sample_weight` to be None when x is a keras.utils.PyDataset"):
        model.fit(Blobs(x, y), sample_weight=np.ones(16), verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(_batches(x, y), validation_split=0.2, verbose=0)


def test_unrecognized_data_names_the_accepted_kinds():
    model = _model()
    with pytest.raises(ValueError, match="Expected x to be NumPy arrays.*PyDataset.*Received: x='oops'"):
        model.fit("oops", verbose=0)
    with pytest.raises(ValueError, match="Received: x=None"):
        model.fit(None, verbose=0)


def test_empty_data_is_an_error_not_a_zero_loss():
    model = _model()
    empty_x, empty_y = np.zeros((0, 4), "float32"), np.zeros((0,), "int64")
    with pytest.raises(ValueError, match="at least one sample"):
        model.fit(empty_x, empty_y, verbose=0)
    with pytest.raises(ValueError, match="at least one sample"):
        model.evaluate(empty_x, empty_y, verbose=0)
    with pytest.raises(ValueError, match="yield at least one batch"):
        model.fit((b for b in []), verbose=0)
    with pytest.raises(ValueError, match="at least one batch"):
        model.fit(FakeDataset([]), verbose=0)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model.fit(*blobs(n=16), steps_per_epoch=0, verbose=0)
    with pytest.raises(ValueError, match="no batch"):
        model.fit(FakeDataset([], cardinality=-2), verbose=0)


def test_malformed_generator_element_is_a_clear_error():
    x, y = blobs(n=16)
    model = _model()
    with pytest.raises(ValueError, match="Data is expected to be in format"):
        model.fit(iter([(x, y, None, None)]), verbose=0)


def test_validation_freq_list_and_bad_values():
    x, y = blobs(n=32)
    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(("val_loss" in logs, epoch))

    model = _model()
    model.fit(x, y, epochs=4, verbose=0, validation_data=(x, y), validation_freq=[1, 3], callbacks=[Record()])
    assert seen == [(True, 0), (False, 1), (True, 2), (False, 3)]
    for bad in (0, -1, [0, 2], "2", 1.5):
        with pytest.raises(ValueError, match="validation_freq"):
            model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y), validation_freq=bad)


def test_class_weight_on_a_generator_matches_arrays():
    x, y = blobs(n=48)
    weights = {0: 1.0, 1: 2.0, 2: 0.5}
    results = []
    for data in ("arrays", "generator"):
        keras.utils.set_random_seed(3)
        model = _model()
        if data == "arrays":
            model.fit(x, y, class_weight=weights, batch_size=16, shuffle=False, epochs=1, verbose=0)
        else:
            model.fit(_batches(x, y), class_weight=weights, epochs=1, verbose=0)
        results.append(model.get_weights()[0])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)


def test_array_adapter_batch_shuffle_keeps_chunks():
    keras.utils.set_random_seed(0)
    x = np.arange(10)[:, None].astype("float32")
    adapter = ArrayDataAdapter(x, batch_size=4, shuffle="batch")
    batches = [b[:, 0].astype(int).tolist() for b in adapter.get_numpy_iterator()]
    assert sorted(sorted(b) for b in batches) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert adapter.num_batches == 3


def test_predict_keeps_the_output_structure():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, {"a": layers.Dense(2)(inputs), "b": layers.Dense(3)(inputs)})
    out = model.predict(np.ones((5, 4), "float32"), batch_size=2, verbose=0)
    assert set(out) == {"a", "b"} and out["a"].shape == (5, 2) and out["b"].shape == (5, 3)


def test_unknown_length_shows_the_bar_without_a_total(capsys):
    x, y = blobs(n=32)
    model = _model()
    model.fit(_batches(x, y), epochs=1, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/1" in out and "2/Unknown - " in out and "None" not in out


def test_adapter_classes_chosen():
    x, y = blobs(n=8)
    assert isinstance(get_data_adapter(x, y), ArrayDataAdapter)
    assert isinstance(get_data_adapter(_batches(x, y)), GeneratorDataAdapter)
    assert isinstance(get_data_adapter(Blobs(x, y)), PyDatasetAdapter)
    assert isinstance(get_data_adapter(FakeDataset([(x, y)])), DatasetAdapter)


def test_generator_function_instead_of_generator_gets_a_hint():
    x, y = blobs(n=16)

    def make():
        yield x, y

    with pytest.raises(ValueError, match=r"pass the generator it makes, x=make\(\)"):
        _model().fit(make, verbose=0)
