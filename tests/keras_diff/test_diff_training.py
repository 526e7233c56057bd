"""Training runs compared with Keras 3: a small Dense and a small Conv model with Keras's initial
weights copied into shenjing, the same data and optimizer, ``fit`` for 2 epochs without shuffling
(with validation data), ``evaluate``, ``predict``, ``train_on_batch``/``test_on_batch`` (the current
batch's values, several calls in a row) and the callback hooks' sequence of (hook, index, logs keys,
logs values) in fit, evaluate and predict."""

import numpy as np
import pytest

import shenjing.keras as sk

HOOKS = (
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
    "on_predict_batch_begin", "on_predict_batch_end",
)
TOL = dict(rtol=2e-5, atol=2e-6)


def _build(m, kind):
    if kind == "dense":
        return m.Sequential([m.Input((5,)), m.layers.Dense(8, activation="relu"),
                             m.layers.Dense(3, activation="softmax")])
    return m.Sequential([m.Input((6, 6, 2)), m.layers.Conv2D(4, 3, activation="relu"),
                         m.layers.Flatten(), m.layers.Dense(3, activation="softmax")])


def _recorder(base):
    """A Callback subclass recording (hook, batch/epoch index, sorted logs keys, logs values)."""

    def make(hook):
        def record(self, *args, **kwargs):
            logs = kwargs.get("logs", args[-1] if args and isinstance(args[-1], dict) else None)
            index = args[0] if args and not isinstance(args[0], dict) else None
            keys = None if logs is None else sorted(logs)
            values = None if logs is None else {
                k: (np.asarray(v).shape if k == "outputs" else float(v)) for k, v in logs.items()}
            self.events.append((hook, index, keys, values))
        return record

    namespace = {h: make(h) for h in HOOKS}
    cls = type("Recorder", (base,), namespace)
    rec = cls()
    rec.events = []
    return rec


def _assert_same_events(theirs, ours):
    assert [e[:3] for e in ours] == [e[:3] for e in theirs]
    for t, o in zip(theirs, ours):
        assert set(o[3] or {}) == set(t[3] or {})
        for k in (t[3] or {}):
            if k == "outputs":
                assert o[3][k] == t[3][k], (t[0], k)
            else:
                np.testing.assert_allclose(o[3][k], t[3][k], err_msg=f"{t[0]} {k}", **TOL)


def _data(kind):
    rng = np.random.default_rng(0 if kind == "dense" else 1)
    x = rng.normal(size=(20, 5) if kind == "dense" else (20, 6, 6, 2)).astype("float32")
    return x, rng.integers(0, 3, 20)


def _pair(keras, kind, opt):
    km, sm = _build(keras, kind), _build(sk, kind)
    sm.set_weights(km.get_weights())
    for m in (km, sm):
        m.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return km, sm


@pytest.mark.parametrize("opt", ["sgd", "adam", "rmsprop"])
@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_fit_evaluate_predict_and_hooks_equal(keras_module, kind, opt):
    x, y = _data(kind)
    km, sm = _pair(keras_module, kind, opt)
    rk, rs = _recorder(keras_module.callbacks.Callback), _recorder(sk.callbacks.Callback)
    kwargs = dict(epochs=2, batch_size=8, shuffle=False, verbose=0, validation_data=(x[:10], y[:10]))
    hk = km.fit(x, y, callbacks=[rk], **kwargs).history
    hs = sm.fit(x, y, callbacks=[rs], **kwargs).history
    assert sorted(hs) == sorted(hk) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for key in hk:
        np.testing.assert_allclose(hs[key], hk[key], err_msg=key, **TOL)
    _assert_same_events(rk.events, rs.events)
    for a, b in zip(km.get_weights(), sm.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)

    rk.events, rs.events = [], []
    np.testing.assert_allclose(sm.evaluate(x, y, batch_size=8, verbose=0, callbacks=[rs]),
                               km.evaluate(x, y, batch_size=8, verbose=0, callbacks=[rk]), **TOL)
    assert sm.evaluate(x, y, verbose=0, return_dict=True).keys() == \
        km.evaluate(x, y, verbose=0, return_dict=True).keys()
    _assert_same_events(rk.events, rs.events)

    rk.events, rs.events = [], []
    np.testing.assert_allclose(sm.predict(x, batch_size=8, verbose=0, callbacks=[rs]),
                               km.predict(x, batch_size=8, verbose=0, callbacks=[rk]), rtol=1e-4, atol=1e-5)
    _assert_same_events(rk.events, rs.events)


@pytest.mark.parametrize("opt", ["sgd", "adam", "rmsprop"])
@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_train_and_test_on_batch_return_the_current_batch(keras_module, kind, opt):
    x, y = _data(kind)
    km, sm = _pair(keras_module, kind, opt)
    for step in range(3):
        for fn, sl in (("train_on_batch", slice(0, 8)), ("test_on_batch", slice(8, 16))):
            theirs = getattr(km, fn)(x[sl], y[sl], return_dict=True)
            ours = getattr(sm, fn)(x[sl], y[sl], return_dict=True)
            assert set(ours) == set(theirs)
            for k in theirs:
                np.testing.assert_allclose(ours[k], theirs[k], err_msg=f"{fn} step {step} {k}", **TOL)
        np.testing.assert_allclose(sm.train_on_batch(x[8:], y[8:]), km.train_on_batch(x[8:], y[8:]), **TOL)
        np.testing.assert_allclose(sm.predict_on_batch(x[:4]), km.predict_on_batch(x[:4]), rtol=1e-4, atol=1e-5)
