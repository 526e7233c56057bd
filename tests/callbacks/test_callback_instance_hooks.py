"""A hook set on a callback instance (``cb.on_epoch_end = fn``) is called, as Keras calls it;
the CallbackList's skipping of hooks nobody overrides must not skip it."""

import numpy as np

from shenjing import callbacks, layers, models


def test_hook_assigned_on_the_instance_is_called():
    model = models.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    seen = []
    cb = callbacks.Callback()
    cb.on_epoch_end = lambda epoch, logs=None: seen.append(("epoch", epoch, sorted(logs)))
    cb.on_train_batch_end = lambda batch, logs=None: seen.append(("batch", batch))
    x, y = np.zeros((8, 3), "float32"), np.zeros((8, 1), "float32")
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[cb])
    assert [s for s in seen if s[0] == "epoch"] == [("epoch", 0, ["loss"]), ("epoch", 1, ["loss"])]
    assert [s[1] for s in seen if s[0] == "batch"] == [0, 1, 0, 1]
