"""Pickling a model (and ``copy.deepcopy``) goes through its ``.keras`` file bytes, as Keras 3's
``KerasSaveable.__reduce__`` does; unpickling runs the safe ``.keras`` reader
(``saving.saving_lib.model_from_bytes``), compiled as saved, with optimizer variables."""

import copy
import io
import json
import multiprocessing
import os
import pickle
import zipfile
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from saving_helpers import Net, mlp, mlp_data, two_heads, two_heads_data
from shenjing import layers, models
from shenjing.safety import FormatError
from shenjing.saving.saving_lib import model_from_bytes, model_to_bytes


def _weights_equal(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert len(wa) == len(wb) and len(wa) > 0
    for x, y in zip(wa, wb):
        np.testing.assert_array_equal(x, y)


def _optimizer_state(model):
    return [np.asarray(v) for v in model.optimizer.variables]


def _trained_mlp():
    model = mlp()
    x, y = mlp_data()
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    return model, x, y


@pytest.mark.parametrize("clone", [lambda m: pickle.loads(pickle.dumps(m)), copy.deepcopy],
                         ids=["pickle", "deepcopy"])
def test_sequential_round_trip_keeps_weights_compile_and_optimizer(clone):
    model, x, _ = _trained_mlp()
    restored = clone(model)
    assert type(restored) is type(model) and restored is not model
    _weights_equal(model, restored)
    np.testing.assert_array_equal(model.predict(x, verbose=0), restored.predict(x, verbose=0))
    assert int(np.asarray(restored.optimizer.iterations)) == 8
    assert type(restored.optimizer) is type(model.optimizer)
    for a, b in zip(_optimizer_state(model), _optimizer_state(restored), strict=True):
        np.testing.assert_array_equal(a, b)
    assert restored.loss == model.loss
    assert restored.get_compile_config() == model.get_compile_config()


def test_fit_continues_identically_after_unpickle():
    model = models.Sequential([layers.Input((8,)), layers.Dense(16, activation="relu"),
                               layers.Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = mlp_data()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    restored = pickle.loads(pickle.dumps(model))
    h1 = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    h2 = restored.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    assert h1.keys() == h2.keys()
    for key in h1:
        np.testing.assert_allclose(h1[key], h2[key], rtol=0, atol=0)
    _weights_equal(model, restored)
    assert int(np.asarray(restored.optimizer.iterations)) == 12


def test_functional_round_trip():
    model = two_heads()
    model.compile(optimizer="rmsprop", loss=["sparse_categorical_crossentropy", "mse"])
    x, y = two_heads_data()
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    restored = pickle.loads(pickle.dumps(model))
    assert restored.name == "two_heads"
    _weights_equal(model, restored)
    for a, b in zip(model.predict(x, verbose=0), restored.predict(x, verbose=0), strict=True):
        np.testing.assert_array_equal(a, b)
    assert int(np.asarray(restored.optimizer.iterations)) == 3


def test_subclassed_round_trip():
    model = Net(units=3)
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).random((20, 5)).astype("float32")
    model.fit(x, np.zeros((20, 3), "float32"), batch_size=10, epochs=1, verbose=0)
    restored = copy.deepcopy(model)
    assert type(restored) is Net and restored.units == 3
    _weights_equal(model, restored)
    np.testing.assert_array_equal(model.predict(x, verbose=0), restored.predict(x, verbose=0))


def test_uncompiled_and_unbuilt_models_pickle():
    model = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    restored = pickle.loads(pickle.dumps(model))
    assert restored.optimizer is None
    _weights_equal(model, restored)
    unbuilt = models.Sequential([layers.Dense(2)])   # Keras 3 pickles this too
    restored = pickle.loads(pickle.dumps(unbuilt))
    assert not restored.built and len(restored.layers) == 1


def test_payload_is_the_keras_file_and_the_loader_is_the_safe_one():
    model = mlp(compile=False)
    func, (data,) = model.__reduce__()
    assert func is model_from_bytes
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert {"metadata.json", "config.json", "model.weights.h5"} <= set(zf.namelist())
    assert isinstance(data, bytes) and data[:2] == b"PK"
    # The same bytes model.save writes (but for metadata.json's date).
    with zipfile.ZipFile(io.BytesIO(model_to_bytes(model))) as zf:
        assert zf.read("config.json") == zipfile.ZipFile(io.BytesIO(data)).read("config.json")


class _Payload:
    """Pickles as a model would, but with the given ``.keras`` bytes."""

    def __init__(self, data):
        self.data = data

    def __reduce__(self):
        return (model_from_bytes, (self.data,))


def _rezipped(data, name, replace):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            raw = src.read(info)
            dst.writestr(info.filename, replace(raw) if info.filename == name else raw)
    return out.getvalue()


def _lambda_config(raw):
    config = json.loads(raw)
    config["config"]["layers"][1] = {
        "module": "keras.layers", "class_name": "Lambda", "registered_name": None,
        "config": {"name": "evil", "function": {"class_name": "__lambda__", "config": {
            "code": "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMEAAAAfABTAKkBTqkAqQHaAXhyAgAAAHICAAAA"
                    "+gg8c3RyaW5nPtoIPGxhbWJkYT4BAAAA8wAAAAA=",
            "defaults": None, "closure": None}}}}
    return json.dumps(config).encode()


@pytest.mark.parametrize("tamper, says", [
    (lambda d: d[: len(d) // 2], "not a zip archive"),
    (lambda d: b"PK" + d[2:40], "not a zip archive"),
    (lambda d: _rezipped(d, "config.json", lambda raw: raw[:-5]), "config.json"),
    (lambda d: _rezipped(d, "config.json", _lambda_config), "never runs code"),
    (lambda d: _rezipped(d, "model.weights.h5", lambda raw: raw[:100]), "HDF5"),
], ids=["truncated", "garbage", "json", "lambda", "weights"])
def test_tampered_payload_raises_the_safe_loaders_error(tamper, says):
    _, (data,) = mlp().__reduce__()
    payload = pickle.dumps(_Payload(tamper(data)))
    with pytest.raises(FormatError, match=says) as info:
        pickle.loads(payload)
    assert "<pickled model>" in str(info.value)


def test_payload_that_is_not_bytes_is_refused():
    with pytest.raises(FormatError, match="expected the bytes of a .keras file"):
        pickle.loads(pickle.dumps(_Payload({"not": "bytes"})))


def _predict_in_child(payload):
    model = pickle.loads(payload) if isinstance(payload, bytes) else payload
    x, _ = mlp_data(n=10, seed=3)
    return model.predict(x, verbose=0)


def test_process_pool_predicts_with_a_pickled_model():
    model, _, _ = _trained_mlp()
    x, _ = mlp_data(n=10, seed=3)
    expected = model.predict(x, verbose=0)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        # The executor pickles the model argument; the child unpickles it with the safe loader.
        got = pool.submit(_predict_in_child, model).result(timeout=120)
    np.testing.assert_array_equal(got, expected)



def test_joblib_worker_processes_predict_with_a_pickled_model():
    joblib = pytest.importorskip("joblib")
    model, _, _ = _trained_mlp()
    x, _ = mlp_data(n=10, seed=3)
    # loky starts fresh processes (n_jobs=2: joblib runs n_jobs=1 in this process); each
    # bound method's model travels as its .keras bytes.
    results = joblib.Parallel(n_jobs=2, backend="loky")(
        [joblib.delayed(model.predict)(x, verbose=0) for _ in range(2)]
        + [joblib.delayed(os.getpid)()])
    assert results[-1] != os.getpid()
    for got in results[:2]:
        np.testing.assert_array_equal(got, model.predict(x, verbose=0))


def test_compiled_untrained_model_copies_without_an_optimizer_warning():
    # The saved optimizer never took a step (iterations 0, not built): the copy's freshly built
    # optimizer holds the same initial values, so nothing is skipped that matters (Keras warns
    # "Skipping variable loading for optimizer"). A trained one still round-trips its state.
    model = mlp()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        copied = copy.deepcopy(model)
    _weights_equal(model, copied)
    x, y = mlp_data()
    copied.fit(x, y, epochs=1, verbose=0)   # the copy's optimizer trains
    assert int(copied.optimizer.iterations) > 0
