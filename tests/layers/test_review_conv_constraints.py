"""The convolution family takes weight constraints (Keras's kernel_/depthwise_/pointwise_/
bias_constraint): they serialize, survive a .keras round trip and project the weights after
each optimizer step."""

import numpy as np
import pytest

import shenjing.keras as keras
from shenjing.keras import layers


CASES = [
    (layers.Conv1D, dict(filters=4, kernel_size=2), (5, 3), ["kernel_constraint", "bias_constraint"]),
    (layers.Conv2D, dict(filters=4, kernel_size=2, groups=2), (5, 5, 2), ["kernel_constraint", "bias_constraint"]),
    (layers.Conv2DTranspose, dict(filters=3, kernel_size=2), (4, 4, 2), ["kernel_constraint", "bias_constraint"]),
    (layers.DepthwiseConv2D, dict(kernel_size=2), (4, 4, 2), ["depthwise_constraint", "bias_constraint"]),
    (layers.SeparableConv1D, dict(filters=3, kernel_size=2), (5, 2),
     ["depthwise_constraint", "pointwise_constraint", "bias_constraint"]),
]


@pytest.mark.parametrize("cls, kwargs, shape, arguments", CASES, ids=[c[0].__name__ for c in CASES])
def test_conv_constraints_are_applied_and_saved(tmp_path, cls, kwargs, shape, arguments):
    constraint = {a: ("non_neg" if a == "bias_constraint" else keras.constraints.MaxNorm(0.3, axis=0))
                  for a in arguments}
    layer = cls(**kwargs, **constraint)
    config = layer.get_config()
    for a in arguments:
        assert config[a]["class_name"] == ("NonNeg" if a == "bias_constraint" else "MaxNorm")
    model = keras.Sequential([keras.Input(shape), layer, layers.Flatten(), layers.Dense(1)])
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, *shape)).astype("float32")
    y = rng.standard_normal((8, 1)).astype("float32")
    model.compile(keras.optimizers.SGD(0.5), "mse")
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    for w in layer.weights:
        value = w.numpy()
        if w.name == "bias":
            assert np.all(value >= 0)
        else:  # MaxNorm(0.3, axis=0) holds for every slice along axis 0
            assert np.all(np.sqrt((value ** 2).sum(axis=0)) <= 0.3 + 1e-5)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    twin = loaded.layers[0]
    for a in arguments:
        assert type(getattr(twin, a)) is type(getattr(layer, a))
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
