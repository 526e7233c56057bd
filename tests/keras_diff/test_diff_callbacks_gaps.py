"""SwapEMAWeights compared with Keras 3: validation inside fit and evaluate run on the
optimizer's moving averages, identically in both frameworks."""

import numpy as np
import pytest

import shenjing.keras as sk


def _run(m, weights, swap_on_epoch):
    model = m.Sequential([m.Input((3,)), m.layers.Dense(4, activation="tanh"), m.layers.Dense(1)])
    if weights is not None:
        model.set_weights(weights)
    model.compile(optimizer=m.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.8), loss="mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = np.sin(x.sum(axis=1, keepdims=True))
    cb = m.callbacks.SwapEMAWeights(swap_on_epoch=swap_on_epoch)
    hist = model.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0,
                     validation_data=(x, y), callbacks=[cb]).history
    ev = model.evaluate(x, y, verbose=0, callbacks=[m.callbacks.SwapEMAWeights()])
    return model, hist, ev


@pytest.mark.parametrize("swap_on_epoch", [False, True])
def test_swap_ema_weights_equal(keras_module, swap_on_epoch):
    km2 = keras_module.Sequential([keras_module.Input((3,)), keras_module.layers.Dense(4, activation="tanh"),
                                   keras_module.layers.Dense(1)])
    w0 = km2.get_weights()
    km, kh, kev = _run(keras_module, w0, swap_on_epoch)
    sm, sh, sev = _run(sk, w0, swap_on_epoch)
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(sh[key], kh[key], rtol=1e-5, atol=1e-6, err_msg=key)
    np.testing.assert_allclose(sev, kev, rtol=1e-5, atol=1e-6)
    for a, b in zip(km.get_weights(), sm.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
