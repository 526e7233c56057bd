"""Activation functions with Keras 3 names and signatures, built on ``shenjing.ops``.

Each takes a Tensor (or array) and returns a Tensor; ``get`` turns a name into
the function, ``serialize`` a function into its name.
"""

from . import ops
from .ops import nn as _nn  # the one implementation of each keras.ops.nn activation
from .autograd.tensor import Tensor, as_tensor
from .registry import Registry
from .registry import keras_export


@keras_export("keras.activations.relu")
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0) in general form: x if x > threshold, else negative_slope (x - threshold);
    then clipped at ``max_value`` when given (Keras's ``relu``)."""
    x = as_tensor(x)
    if max_value is None and threshold == 0:
        if negative_slope == 0:
            return ops.relu(x)
        return ops.leaky_relu(x, negative_slope=negative_slope)
    if threshold != 0:
        y = ops.where(x.data > threshold, x, 0.0)
    else:
        y = ops.relu(x)
    if max_value is not None:
        y = ops.clip(y, 0.0, max_value)
    if negative_slope != 0:
        y = y - negative_slope * ops.relu(threshold - x)
    return y


@keras_export("keras.activations.leaky_relu")
def leaky_relu(x, negative_slope=0.2):
    """x if x > 0 else negative_slope * x."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


@keras_export("keras.activations.relu6")
def relu6(x):
    """min(max(x, 0), 6)."""
    return _nn.relu6(x)


@keras_export("keras.activations.sigmoid")
def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return ops.sigmoid(x)


@keras_export("keras.activations.tanh")
def tanh(x):
    """tanh(x)."""
    return ops.tanh(x)


@keras_export("keras.activations.softmax")
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``."""
    return ops.softmax(x, axis=axis)


@keras_export("keras.activations.log_softmax")
def log_softmax(x, axis=-1):
    """x - logsumexp(x) along ``axis``."""
    return ops.log_softmax(x, axis=axis)


@keras_export("keras.activations.elu")
def elu(x, alpha=1.0):
    """x if x > 0 else alpha * (exp(x) - 1)."""
    return ops.elu(x, alpha=alpha)


@keras_export("keras.activations.selu")
def selu(x):
    """scale * elu(x, alpha), alpha = 1.67326..., scale = 1.05070..."""
    return _nn.selu(x)


@keras_export("keras.activations.gelu")
def gelu(x, approximate=False):
    """x * Phi(x) (Phi the standard normal CDF); the tanh approximation when ``approximate``."""
    return ops.gelu(x, approximate=approximate)


@keras_export("keras.activations.softplus")
def softplus(x):
    """log(1 + exp(x))."""
    return ops.softplus(x)


@keras_export("keras.activations.softsign")
def softsign(x):
    """x / (|x| + 1)."""
    return _nn.softsign(x)


@keras_export("keras.activations.silu", "keras.activations.swish")
def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return ops.silu(x)


swish = silu


@keras_export("keras.activations.hard_sigmoid")
def hard_sigmoid(x):
    """0 if x <= -3, 1 if x >= 3, else x / 6 + 0.5 (Keras 3's definition)."""
    return _nn.hard_sigmoid(x)


@keras_export("keras.activations.hard_silu", "keras.activations.hard_swish")
def hard_silu(x):
    """x * hard_sigmoid(x) (also called hard swish)."""
    return _nn.hard_silu(x)


hard_swish = hard_silu


@keras_export("keras.activations.exponential")
def exponential(x):
    """exp(x)."""
    return ops.exp(x)


@keras_export("keras.activations.mish")
def mish(x):
    """x * tanh(softplus(x))."""
    x = as_tensor(x)
    return x * ops.tanh(ops.softplus(x))


@keras_export("keras.activations.crelu")
def crelu(x, axis=-1):
    """concatenate([relu(x), relu(-x)], axis)."""
    x = as_tensor(x)
    return ops.concatenate([ops.relu(x), ops.relu(-x)], axis=axis)


@keras_export("keras.activations.linear")
def linear(x):
    """x, unchanged (as a Tensor)."""
    return x if isinstance(x, Tensor) else as_tensor(x)


@keras_export("keras.activations.celu")
def celu(x, alpha=1.0):
    """x if x > 0 else alpha (exp(x / alpha) - 1), i.e. alpha * elu(x / alpha)."""
    return _nn.celu(x, alpha=alpha)


@keras_export("keras.activations.glu")
def glu(x, axis=-1):
    """a * sigmoid(b), with x split into halves a, b along ``axis``."""
    return _nn.glu(x, axis=axis)


@keras_export("keras.activations.hard_shrink")
def hard_shrink(x, threshold=0.5):
    """x if |x| > threshold else 0."""
    return _nn.hard_shrink(x, threshold=threshold)


@keras_export("keras.activations.hard_tanh")
def hard_tanh(x):
    """clip(x, -1, 1)."""
    return _nn.hard_tanh(x)


@keras_export("keras.activations.log_sigmoid")
def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x)."""
    return _nn.log_sigmoid(x)


@keras_export("keras.activations.soft_shrink")
def soft_shrink(x, threshold=0.5):
    """x - threshold if x > threshold, x + threshold if x < -threshold, else 0."""
    return _nn.soft_shrink(x, threshold=threshold)


@keras_export("keras.activations.sparse_plus")
def sparse_plus(x):
    """0 if x <= -1, x if x >= 1, else (x + 1)^2 / 4."""
    return _nn.sparse_plus(x)


@keras_export("keras.activations.sparse_sigmoid")
def sparse_sigmoid(x):
    """0 if x <= -1, 1 if x >= 1, else (x + 1) / 2."""
    return _nn.sparse_sigmoid(x)


@keras_export("keras.activations.sparsemax")
def sparsemax(x, axis=-1):
    """The Euclidean projection of x onto the probability simplex along ``axis``."""
    return _nn.sparsemax(x, axis=axis)


@keras_export("keras.activations.squareplus")
def squareplus(x, b=4):
    """(x + sqrt(x^2 + b)) / 2."""
    return _nn.squareplus(x, b=b)


@keras_export("keras.activations.tanh_shrink")
def tanh_shrink(x):
    """x - tanh(x)."""
    return _nn.tanh_shrink(x)


@keras_export("keras.activations.threshold")
def threshold(x, threshold, default_value):
    """x if x > threshold else default_value."""
    return _nn.threshold(x, threshold, default_value)


_FUNCTIONS = (relu, leaky_relu, relu6, sigmoid, tanh, softmax, log_softmax, elu, selu, gelu,
              softplus, softsign, silu, hard_sigmoid, hard_silu, exponential, mish, crelu, linear,
              celu, glu, hard_shrink, hard_tanh, log_sigmoid, soft_shrink, sparse_plus,
              sparse_sigmoid, sparsemax, squareplus, tanh_shrink, threshold)
_BY_NAME = {fn.__name__: fn for fn in _FUNCTIONS}
_BY_NAME.update({"swish": silu, "hard_swish": hard_silu})
_NAMES = {fn: fn.__name__ for fn in _FUNCTIONS}


_REGISTRY = Registry("activation", "keras.activations", None, _BY_NAME)


def serialize(activation):
    """The name of a built-in activation, as Keras writes it in a config.

    Any other callable becomes Keras's dict for a function; it loads again only
    through ``custom_objects``.
    """
    name = _NAMES.get(activation)
    if name is not None:
        return name
    if callable(activation):
        name = getattr(activation, "__name__", type(activation).__name__)
        return {"module": getattr(activation, "__module__", None), "class_name": "function",
                "config": name, "registered_name": name}
    raise ValueError(f"Cannot serialize activation {activation!r}: expected a function")


def deserialize(config, custom_objects=None):
    """The activation function for a name, or for Keras's dict form of one."""
    if isinstance(config, dict):
        config = config.get("config", config.get("class_name"))
    if not isinstance(config, str):
        raise ValueError(f"Cannot deserialize an activation from {config!r}: expected a name")
    return _REGISTRY.lookup(config, custom_objects)


def get(identifier):
    """An activation function from None (linear), a name, a config dict or a callable."""
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation identifier: {identifier!r}")
