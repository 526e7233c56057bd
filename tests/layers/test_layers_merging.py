"""Merge layers: values against NumPy, shapes, the functional API, errors, gradients."""

import numpy as np
import pytest

import shenjing
from shenjing import layers
from shenjing.models import Model

A = np.arange(6, dtype=np.float32).reshape(2, 3)
B = np.full((2, 3), 2.0, dtype=np.float32)


@pytest.mark.parametrize("cls, expected", [
    (layers.Add, A + B + A), (layers.Multiply, A * B * A), (layers.Average, (A + B + A) / 3),
    (layers.Maximum, np.maximum(np.maximum(A, B), A)), (layers.Minimum, np.minimum(np.minimum(A, B), A)),
])
def test_elementwise_merges_match_numpy(cls, expected):
    np.testing.assert_allclose(cls()([A, B, A]).numpy(), expected, rtol=1e-6)


def test_subtract_and_concatenate():
    np.testing.assert_allclose(layers.Subtract()([A, B]).numpy(), A - B)
    np.testing.assert_allclose(layers.Concatenate()([A, B]).numpy(), np.concatenate([A, B], axis=-1))
    np.testing.assert_allclose(layers.Concatenate(axis=0)([A, B]).numpy(), np.concatenate([A, B]))
    assert layers.Concatenate(axis=1).get_config()["axis"] == 1


def test_functional_model_with_concatenate_and_add_trains():
    a, b = layers.Input((4,)), layers.Input((3,))
    h = layers.concatenate([layers.Dense(5)(a), layers.Dense(2)(b)])
    assert h.shape == (None, 7)
    out = layers.Dense(1)(layers.add([h, layers.Dense(7)(h)]))
    model = Model([a, b], out)
    model.compile(optimizer="sgd", loss="mse")
    rng = np.random.default_rng(0)
    xa, xb = rng.random((16, 4)).astype("float32"), rng.random((16, 3)).astype("float32")
    y = xa.sum(1, keepdims=True)
    history = model.fit([xa, xb], y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_gradients_flow_to_every_input():
    a = shenjing.tensor(A, requires_grad=True)
    b = shenjing.tensor(B, requires_grad=True)
    layers.Multiply()([a, b]).sum().backward()
    np.testing.assert_allclose(a.grad, B)
    np.testing.assert_allclose(b.grad, A)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="list of at least 2 inputs"):
        layers.Add()([A])
    with pytest.raises(ValueError, match="cannot be merged"):
        layers.Add()([A, np.ones((2, 4), np.float32)])
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        layers.Concatenate()([A, np.ones((3, 3), np.float32)])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([A, B, A])


def test_merge_layer_configs_round_trip_through_serialize():
    layer = layers.Concatenate(axis=1, name="joined")
    rebuilt = layers.deserialize(layers.serialize(layer))
    assert isinstance(rebuilt, layers.Concatenate) and rebuilt.axis == 1 and rebuilt.name == "joined"
