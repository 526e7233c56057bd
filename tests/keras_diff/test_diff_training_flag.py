"""The ``training`` a layer's ``call`` receives, against Keras 3.15 (JAX).

Keras's ``Layer.__call__`` resolves it as: (1) a ``training`` the caller passes, even None;
(2) else a non-None value an outer call set; (3) else the default of ``call``'s ``training``.
The value becomes the call context's for the rest of the outermost call. A probe layer records
what its ``call`` gets, in each framework, for the same scenario; the records must be equal.
"""

import numpy as np
import pytest

import shenjing as sj

keras = pytest.importorskip("keras")

X = np.random.default_rng(0).random((4, 3)).astype("float32")
Y = np.random.default_rng(1).random((4, 1)).astype("float32")


def _probes(api, log):
    """Layers that append (name, training) to ``log`` (a closure: Keras would copy a list
    attribute into a tracked one)."""

    class Probe(api.layers.Layer):
        def call(self, x, training=None):
            log.append((self.name, training))
            return x

    class ProbeTrue(api.layers.Layer):  # an augmentation layer's signature
        def call(self, x, training=True):
            log.append((self.name, training))
            return x

    return Probe, ProbeTrue


def _direct(api):
    log = []
    Probe, ProbeTrue = _probes(api, log)
    for layer in (Probe(name="p"), ProbeTrue(name="t")):
        _call_each_way(layer, flags=(None, False, True))
    return log


def _call_each_way(model, flags=(None, True, False)):
    """``model(X)`` with no flag, then once with ``training=`` each of ``flags``."""
    model(X)
    for flag in flags:
        model(X, training=flag)


def _subclass(api):
    log = []
    Probe, ProbeTrue = _probes(api, log)

    class Passes(api.Model):  # the usual pattern: hand the flag on
        def __init__(self):
            super().__init__()
            self.a, self.b = Probe(name="a"), ProbeTrue(name="b")

        def call(self, x, training=None):
            return self.b(self.a(x, training=training), training=training)

    class Inherits(api.Model):  # inner layers get nothing: the context decides
        def __init__(self):
            super().__init__()
            self.a, self.b = Probe(name="c"), ProbeTrue(name="d")

        def call(self, x):
            return self.b(self.a(x))

    class Sibling(api.Model):  # a flag passed to one layer stays for the later ones (Keras)
        def __init__(self):
            super().__init__()
            self.a, self.b = Probe(name="e"), ProbeTrue(name="f")

        def call(self, x):
            return self.b(self.a(x, training=False))

    for model in (Passes(), Inherits(), Sibling()):
        mark = len(log)
        model(X)  # builds (Keras traces the first call once more): not recorded
        del log[mark:]
        _call_each_way(model)
    return log


def _functional(api):
    log = []
    Probe, ProbeTrue = _probes(api, log)
    inputs = api.Input((3,))
    outputs = ProbeTrue(name="b")(Probe(name="a")(inputs))
    model = api.Model(inputs, outputs)
    log.clear()
    _call_each_way(model)
    return log


def _functional_explicit_none(api):
    # a node built with training=None replays it (an explicit None); the model's flag wins
    log = []
    Probe, ProbeTrue = _probes(api, log)
    inputs = api.Input((3,))
    outputs = ProbeTrue(name="b")(Probe(name="a")(inputs, training=None), training=None)
    model = api.Model(inputs, outputs)
    log.clear()
    _call_each_way(model, flags=(True, False))
    kwargs = [node["kwargs"] for layer in model.get_config()["layers"][1:]
              for node in layer["inbound_nodes"]]
    return log + [("kwargs", kwargs)]


def _sequential(api):
    log = []
    Probe, ProbeTrue = _probes(api, log)
    model = api.Sequential([Probe(name="a"), ProbeTrue(name="b")])
    _call_each_way(model)
    return log


def _fit_predict_evaluate(api):
    log = []
    Probe, ProbeTrue = _probes(api, log)
    inputs = api.Input((3,))
    outputs = api.layers.Dense(1)(ProbeTrue(name="b")(Probe(name="a")(inputs)))
    model = api.Model(inputs, outputs)
    model.compile("sgd", "mse", run_eagerly=True)
    model.fit(X, Y, batch_size=4, epochs=1, verbose=0)  # Keras builds the metrics: not recorded
    log.clear()
    model.fit(X, Y, batch_size=4, epochs=1, verbose=0)
    model.predict(X, batch_size=4, verbose=0)
    model.evaluate(X, Y, batch_size=4, verbose=0)
    return log


SCENARIOS = {"direct": _direct, "subclass": _subclass, "functional": _functional,
             "functional_explicit_none": _functional_explicit_none,
             "fit_predict_evaluate": _fit_predict_evaluate}


def _plain(log):
    return [(name, value if name == "kwargs" else None if value is None else bool(value))
            for name, value in log]


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_training_flag_equals_keras(scenario):
    make = SCENARIOS[scenario]
    assert _plain(make(sj.keras)) == _plain(make(keras))


def test_sequential_training_flag_equals_keras():
    assert _plain(_sequential(sj.keras)) == _plain(_sequential(keras))


def test_augmentation_layer_explicit_none_and_subclass_do_not_augment():
    x = np.random.default_rng(0).random((2, 6, 6, 3)).astype("float32")
    for api in (sj.keras, keras):
        layer = api.layers.RandomRotation((0.1, 0.1))
        np.testing.assert_array_equal(np.asarray(layer(x, training=None)), x)
        assert not np.allclose(np.asarray(layer(x)), x)

        class Augmented(api.Model):
            def __init__(self):
                super().__init__()
                self.aug = api.layers.RandomRotation((0.1, 0.1))

            def call(self, x, training=None):
                return self.aug(x, training=training)

        model = Augmented()
        np.testing.assert_array_equal(np.asarray(model(x)), x)
        assert not np.allclose(np.asarray(model(x, training=True)), x)


def test_an_augmentation_sequential_called_directly_augments_as_in_keras():
    """``data_augmentation = Sequential([...]); data_augmentation(images)``: Keras's guides."""
    import numpy as np

    x = np.random.default_rng(0).random((2, 6, 6, 3)).astype("float32")
    augment = sj.keras.Sequential([sj.keras.layers.RandomRotation((0.1, 0.1))])
    assert not np.allclose(np.asarray(augment(x)), x)
    assert not np.allclose(np.asarray(augment(x, training=None)), x)
    np.testing.assert_array_equal(np.asarray(augment(x, training=False)), x)
