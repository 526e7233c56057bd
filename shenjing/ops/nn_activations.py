"""``keras.ops.nn`` activations: one ``keras_op`` per Keras name over the autograd primitives
(``autograd/ops/activation.py`` and ``activation_extra.py``); glu and hard_swish compose them."""

from ..autograd.ops import activation as _act
from ..autograd.ops import activation_extra as _extra
from ..autograd.ops.shape import split as _split
from ..autograd.tensor import as_tensor
from .dispatch import keras_op

__all__ = ["relu", "relu6", "sigmoid", "sparse_sigmoid", "softplus", "softsign", "soft_shrink",
           "sparse_plus", "silu", "swish", "squareplus", "log_sigmoid", "leaky_relu",
           "hard_sigmoid", "hard_silu", "hard_swish", "elu", "selu", "celu", "gelu", "glu",
           "tanh_shrink", "hard_tanh", "hard_shrink", "threshold", "softmax", "log_softmax",
           "sparsemax"]


@keras_op("relu", module="nn")
def relu(x):
    """max(x, 0)."""
    return _act.relu(x)


@keras_op("relu6", module="nn")
def relu6(x):
    """min(max(x, 0), 6)."""
    return _extra.relu6(x)


@keras_op("sigmoid", module="nn")
def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return _act.sigmoid(x)


@keras_op("sparse_sigmoid", module="nn")
def sparse_sigmoid(x):
    """0 for x <= -1, (x + 1) / 2 on (-1, 1), 1 for x >= 1."""
    return _extra.sparse_sigmoid(x)


@keras_op("softplus", module="nn")
def softplus(x):
    """log(1 + exp(x))."""
    return _act.softplus(x)


@keras_op("softsign", module="nn")
def softsign(x):
    """x / (1 + |x|)."""
    return _extra.softsign(x)


@keras_op("soft_shrink", module="nn")
def soft_shrink(x, threshold=0.5):
    """x - threshold above threshold, x + threshold below -threshold, else 0."""
    return _extra.soft_shrink(x, threshold=threshold)


@keras_op("sparse_plus", module="nn")
def sparse_plus(x):
    """0 for x <= -1, (x + 1)^2 / 4 on (-1, 1), x for x >= 1."""
    return _extra.sparse_plus(x)


@keras_op("silu", module="nn")
def silu(x):
    """x * sigmoid(x)."""
    return _act.silu(x)


@keras_op("squareplus", module="nn")
def squareplus(x, b=4):
    """(x + sqrt(x^2 + b)) / 2."""
    if b < 0:
        raise ValueError(f"Expected `b` to be non-negative. Received: b={b}")
    return _extra.squareplus(x, b=b)


@keras_op("log_sigmoid", module="nn")
def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x)."""
    return _extra.log_sigmoid(x)


@keras_op("leaky_relu", module="nn")
def leaky_relu(x, negative_slope=0.2):
    """x for x > 0, negative_slope * x otherwise."""
    return _act.leaky_relu(x, negative_slope=negative_slope)


@keras_op("hard_sigmoid", module="nn")
def hard_sigmoid(x):
    """relu6(x + 3) / 6."""
    return _extra.hard_sigmoid(x)


@keras_op("hard_silu", module="nn")
def hard_silu(x):
    """x * relu6(x + 3) / 6."""
    return _extra.hard_silu(x)


swish = silu  # Keras exports silu under both names
hard_swish = hard_silu


@keras_op("elu", module="nn")
def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    return _act.elu(x, alpha=alpha)


@keras_op("selu", module="nn")
def selu(x):
    """scale * elu(x, alpha) with Klambauer et al.'s alpha = 1.67326..., scale = 1.05070..."""
    return _extra.selu(x)


@keras_op("celu", module="nn")
def celu(x, alpha=1.0):
    """max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))."""
    if alpha == 0:
        raise ValueError(f"Expected `alpha` to be non-zero. Received: alpha={alpha}")
    return _extra.celu(x, alpha=alpha)


@keras_op("gelu", module="nn")
def gelu(x, approximate=True):
    """x * Phi(x), or its tanh approximation when ``approximate``."""
    return _act.gelu(x, approximate=approximate)


@keras_op("glu", module="nn")
def glu(x, axis=-1):
    """a * sigmoid(b), where a and b are the two halves of ``x`` along ``axis``."""
    x = as_tensor(x)
    if x.shape[axis] % 2 != 0:
        raise ValueError("axis size must be divisible by 2. "
                         f"Received: x.shape={x.shape} with axis={axis}")
    a, b = _split(x, 2, axis=axis % x.ndim)
    return a * _act.sigmoid(b)


@keras_op("tanh_shrink", module="nn")
def tanh_shrink(x):
    """x - tanh(x)."""
    return _extra.tanh_shrink(x)


@keras_op("hard_tanh", module="nn")
def hard_tanh(x):
    """clip(x, -1, 1)."""
    return _extra.hard_tanh(x)


@keras_op("hard_shrink", module="nn")
def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0."""
    return _extra.hard_shrink(x, threshold=threshold)


@keras_op("threshold", module="nn")
def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value."""
    return _extra.threshold(x, threshold=threshold, default_value=default_value)


def _check_axis(x, axis, name):
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    for a in axes:
        if not -max(x.ndim, 1) <= a < max(x.ndim, 1):
            raise ValueError(f"{name}: expected `axis` in [-{x.ndim}, {x.ndim}). "
                             f"Received: axis={axis} for x.shape={x.shape}")


@keras_op("softmax", module="nn")
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x), axis)."""
    x = as_tensor(x)
    _check_axis(x, axis, "softmax")
    return _act.softmax(x, axis=tuple(axis) if isinstance(axis, list) else axis)


@keras_op("log_softmax", module="nn")
def log_softmax(x, axis=-1):
    """x - logsumexp(x, axis)."""
    x = as_tensor(x)
    _check_axis(x, axis, "log_softmax")
    return _act.log_softmax(x, axis=tuple(axis) if isinstance(axis, list) else axis)


@keras_op("sparsemax", module="nn")
def sparsemax(x, axis=-1):
    """The Euclidean projection of ``x`` onto the simplex along ``axis`` (sparse probabilities)."""
    x = as_tensor(x)
    if x.ndim == 0:
        raise ValueError(f"sparsemax: expected an input of rank >= 1. Received: x.shape={x.shape}")
    _check_axis(x, axis, "sparsemax")
    return _extra.sparsemax(x, axis=axis)
