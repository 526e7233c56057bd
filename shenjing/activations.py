"""Activation functions with Keras 3 names and signatures, built on ``shenjing.ops``; where
``keras.ops.nn`` has the same function, the activation *is* that function (one implementation).

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


relu6 = keras_export("keras.activations.relu6")(_nn.relu6)


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


selu = keras_export("keras.activations.selu")(_nn.selu)


@keras_export("keras.activations.gelu")
def gelu(x, approximate=False):
    """x * Phi(x) (Phi the standard normal CDF); the tanh approximation when ``approximate``."""
    return ops.gelu(x, approximate=approximate)


@keras_export("keras.activations.softplus")
def softplus(x):
    """log(1 + exp(x))."""
    return ops.softplus(x)


softsign = keras_export("keras.activations.softsign")(_nn.softsign)


@keras_export("keras.activations.silu", "keras.activations.swish")
def silu(x):
    """x * sigmoid(x) (also called swish)."""
    return ops.silu(x)


swish = silu


hard_sigmoid = keras_export("keras.activations.hard_sigmoid")(_nn.hard_sigmoid)
hard_silu = keras_export("keras.activations.hard_silu", "keras.activations.hard_swish")(_nn.hard_silu)


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


celu = keras_export("keras.activations.celu")(_nn.celu)
glu = keras_export("keras.activations.glu")(_nn.glu)
hard_shrink = keras_export("keras.activations.hard_shrink")(_nn.hard_shrink)
hard_tanh = keras_export("keras.activations.hard_tanh")(_nn.hard_tanh)
log_sigmoid = keras_export("keras.activations.log_sigmoid")(_nn.log_sigmoid)
soft_shrink = keras_export("keras.activations.soft_shrink")(_nn.soft_shrink)
sparse_plus = keras_export("keras.activations.sparse_plus")(_nn.sparse_plus)
sparse_sigmoid = keras_export("keras.activations.sparse_sigmoid")(_nn.sparse_sigmoid)
sparsemax = keras_export("keras.activations.sparsemax")(_nn.sparsemax)
squareplus = keras_export("keras.activations.squareplus")(_nn.squareplus)
tanh_shrink = keras_export("keras.activations.tanh_shrink")(_nn.tanh_shrink)
threshold = keras_export("keras.activations.threshold")(_nn.threshold)


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
