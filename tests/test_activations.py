"""Activations: values against NumPy references, gradients by gradcheck, registry round trips."""

import math

import numpy as np
import pytest
from scipy.special import erf

import shenjing
from shenjing import activations

SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _softplus(x):
    return np.log1p(np.exp(x))


def _hard_sigmoid(x):
    return np.clip(x / 6 + 0.5, 0, 1)


# name -> (shenjing function, NumPy reference)
CASES = {
    "relu": (activations.relu, lambda x: np.maximum(x, 0)),
    "relu_slope": (lambda x: activations.relu(x, negative_slope=0.1),
                   lambda x: np.where(x > 0, x, 0.1 * x)),
    "relu_max": (lambda x: activations.relu(x, max_value=1.0), lambda x: np.clip(x, 0, 1.0)),
    "relu_threshold": (lambda x: activations.relu(x, threshold=0.5),
                       lambda x: np.where(x > 0.5, x, 0)),
    "relu_all": (lambda x: activations.relu(x, negative_slope=0.3, max_value=1.0, threshold=0.5),
                 lambda x: np.where(x > 0.5, np.minimum(x, 1.0), 0.3 * (x - 0.5))),
    "leaky_relu": (activations.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    "relu6": (activations.relu6, lambda x: np.clip(x, 0, 6)),
    "sigmoid": (activations.sigmoid, _sigmoid),
    "tanh": (activations.tanh, np.tanh),
    "softmax": (activations.softmax, _softmax),
    "softmax_axis0": (lambda x: activations.softmax(x, axis=0), lambda x: _softmax(x, axis=0)),
    "log_softmax": (activations.log_softmax, lambda x: np.log(_softmax(x))),
    "elu": (activations.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    "elu_alpha": (lambda x: activations.elu(x, alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    "selu": (activations.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    "gelu": (activations.gelu, lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2)))),
    "gelu_tanh": (lambda x: activations.gelu(x, approximate=True),
                  lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
    "softplus": (activations.softplus, _softplus),
    "softsign": (activations.softsign, lambda x: x / (np.abs(x) + 1)),
    "silu": (activations.silu, lambda x: x * _sigmoid(x)),
    "swish": (activations.swish, lambda x: x * _sigmoid(x)),
    "hard_sigmoid": (activations.hard_sigmoid, _hard_sigmoid),
    "hard_silu": (activations.hard_silu, lambda x: x * _hard_sigmoid(x)),
    "exponential": (activations.exponential, np.exp),
    "mish": (activations.mish, lambda x: x * np.tanh(_softplus(x))),
    "crelu": (activations.crelu, lambda x: np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], -1)),
    "linear": (activations.linear, lambda x: x),
}

# Inputs away from every kink (0, +-3, 6, the thresholds 0.5 and 1) so finite differences are exact.
X = np.array([[-7.3, -4.1, -2.2, -0.7, -0.3], [0.2, 0.8, 1.6, 2.4, 7.7]])


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_match_numpy(name):
    fn, reference = CASES[name]
    out = fn(shenjing.tensor(X, dtype="float64"))
    assert isinstance(out, shenjing.Tensor)
    np.testing.assert_allclose(out.numpy(), reference(X), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    fn, _ = CASES[name]
    assert shenjing.gradcheck(fn, [X])


@pytest.mark.parametrize("name", ["relu", "sigmoid", "gelu", "softmax", "linear", "softsign"])
def test_accepts_arrays_and_keeps_float32(name):
    fn, reference = CASES[name]
    out = fn(X.astype(np.float32))
    assert isinstance(out, shenjing.Tensor) and out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), reference(X), rtol=1e-5, atol=1e-6)


def test_keras_docstring_examples():
    x = np.array([-10, -5, 0.0, 5, 10])
    np.testing.assert_allclose(activations.relu(x).numpy(), [0, 0, 0, 5, 10])
    np.testing.assert_allclose(activations.relu(x, negative_slope=0.5).numpy(), [-5, -2.5, 0, 5, 10])
    np.testing.assert_allclose(activations.relu(x, max_value=5.0).numpy(), [0, 0, 0, 5, 5])
    np.testing.assert_allclose(activations.relu(x, threshold=5.0).numpy(), [0, 0, 0, 0, 10])


def test_extreme_inputs_stay_finite():
    x = shenjing.tensor(np.array([-1000.0, -50.0, 50.0, 1000.0]), requires_grad=True)
    for name in ["sigmoid", "softplus", "silu", "elu", "selu", "gelu", "softsign", "mish", "softmax",
                 "log_softmax", "hard_sigmoid", "tanh"]:
        x.grad = None
        out = CASES[name][0](x)
        out.sum().backward()
        assert np.isfinite(out.numpy()).all(), name
        assert np.isfinite(x.grad).all(), name


def test_against_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    t = torch.tensor(X)
    pairs = {"gelu": F.gelu(t), "gelu_tanh": F.gelu(t, approximate="tanh"), "selu": F.selu(t),
             "mish": F.mish(t), "hard_silu": F.hardswish(t), "hard_sigmoid": F.hardsigmoid(t),
             "softsign": F.softsign(t), "silu": F.silu(t), "elu": F.elu(t), "relu6": F.relu6(t),
             "log_softmax": F.log_softmax(t, -1), "leaky_relu": F.leaky_relu(t, 0.2)}
    for name, expected in pairs.items():
        got = CASES[name][0](shenjing.tensor(X, dtype="float64")).numpy()
        np.testing.assert_allclose(got, expected.numpy(), rtol=1e-6, atol=1e-10, err_msg=name)


NAMES = ["relu", "leaky_relu", "relu6", "sigmoid", "tanh", "softmax", "log_softmax", "elu", "selu",
         "gelu", "softplus", "softsign", "silu", "hard_sigmoid", "hard_silu", "exponential", "mish",
         "crelu", "linear"]


@pytest.mark.parametrize("name", NAMES)
def test_get_serialize_deserialize(name):
    fn = activations.get(name)
    assert fn is getattr(activations, name)
    assert activations.serialize(fn) == name
    assert activations.deserialize(activations.serialize(fn)) is fn
    keras_dict = {"module": "keras.activations", "class_name": "function", "config": name,
                  "registered_name": name}
    assert activations.get(keras_dict) is fn


def test_get_other_identifiers():
    assert activations.get(None) is activations.linear
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu

    def custom(x):
        return x * 2

    assert activations.get(custom) is custom
    with pytest.raises(ValueError, match="relu"):
        activations.get("rleu")
    config = activations.serialize(custom)
    assert config["class_name"] == "function" and config["config"] == "custom"
    with pytest.raises(ValueError, match="custom_objects"):
        activations.deserialize(config)
    assert activations.deserialize(config, custom_objects={"custom": custom}) is custom
    with pytest.raises(ValueError):
        activations.get(3)
