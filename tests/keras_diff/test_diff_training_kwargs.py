"""A shenjing functional model whose graph calls Dropout-family layers and a
BatchNormalization with ``training=True`` saves to a ``.keras`` file that Keras 3 loads and
predicts the same from (both frameworks let the trainer's flag win over the node's)."""

import numpy as np

import shenjing.keras as sk
from shenjing import models  # noqa: F401


def test_training_kwargs_round_trip_into_keras(keras_module, tmp_path):
    i = sk.Input((6, 4))
    t = sk.layers.Dropout(0.3)(i, training=False)
    t = sk.layers.GaussianDropout(0.2)(t)   # (SpatialDropout: issue 9 item 6, another branch)
    t = sk.layers.GaussianNoise(0.1)(t)
    t = sk.layers.BatchNormalization(name="bn")(t, training=True)
    out = sk.layers.Dense(2)(sk.layers.Flatten()(t))
    model = sk.Model(i, out)
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(8, 6, 4)).astype("float32")
    model.fit(x, np.zeros((8, 2), "float32"), epochs=1, batch_size=4, verbose=0)
    path = tmp_path / "noisy.keras"
    model.save(path)
    theirs = keras_module.saving.load_model(path)
    np.testing.assert_allclose(theirs.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-5)
    # Without a training flag the nodes' own flags decide, in both: BN on batch statistics.
    np.testing.assert_allclose(np.asarray(theirs(x)), model(x).numpy(), rtol=1e-4, atol=1e-4)
