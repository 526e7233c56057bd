"""A constrained Conv2D (groups=2) and SeparableConv1D train like Keras 3 and load Keras's configs."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import layers as L

keras = pytest.importorskip("keras")
pytest.importorskip("jax")


@pytest.mark.parametrize("name, kwargs, shape", [
    ("Conv2D", {"filters": 4, "kernel_size": 2, "groups": 2,
                "kernel_constraint": {"class_name": "MaxNorm", "config": {"max_value": 0.3, "axis": [0, 1, 2]}},
                "bias_constraint": "non_neg"}, (5, 5, 2)),
    ("SeparableConv1D", {"filters": 3, "kernel_size": 2, "depthwise_constraint": "unit_norm",
                         "pointwise_constraint": {"class_name": "MinMaxNorm",
                                                  "config": {"min_value": 0.1, "max_value": 0.4, "rate": 0.5,
                                                             "axis": 0}},
                         "bias_constraint": "non_neg"}, (6, 2)),
])
def test_constrained_conv_trains_like_keras(name, kwargs, shape):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((8, *shape)).astype("float32")
    theirs = keras.Sequential([keras.Input(shape), getattr(keras.layers, name)(**kwargs), keras.layers.Flatten()])
    ours = sj.keras.Sequential([sj.keras.Input(shape), getattr(L, name)(**kwargs), L.Flatten()])
    ours.set_weights(theirs.get_weights())
    y = rng.standard_normal((8, *theirs.output_shape[1:])).astype("float32")
    theirs.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    ours.compile(optimizer=sj.keras.optimizers.SGD(0.5), loss="mse")
    for _ in range(3):
        theirs.train_on_batch(x, y)
        ours.train_on_batch(x, y)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    # the config, through Keras and back, keeps every constraint
    config = theirs.layers[0].get_config()
    twin = getattr(L, name).from_config(config)
    for key in kwargs:
        if key.endswith("_constraint"):
            assert type(getattr(twin, key)).__name__ == config[key]["class_name"]
