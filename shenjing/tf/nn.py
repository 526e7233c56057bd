"""TensorFlow-style ``tf.nn`` (reached as ``shenjing.nn``): aliases of ``shenjing.ops``, with
TensorFlow's argument names (``features``, ``logits``, ``labels``) and defaults where they
differ from Keras's (``gelu`` is exact by default, ``leaky_relu``'s slope is ``alpha``).
``dropout`` is always on and scales the kept values by 1 / (1 - rate)."""

import math as _math

from .. import backend
from .. import ops
from ..autograd.ops import nn as _nn
from ..autograd.tensor import as_tensor

__all__ = ["relu", "relu6", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "elu", "selu",
           "silu", "swish", "leaky_relu", "softplus", "softsign", "moments", "l2_normalize",
           "dropout", "bias_add", "softmax_cross_entropy_with_logits",
           "sparse_softmax_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits",
           "weighted_cross_entropy_with_logits", "log_poisson_loss", "embedding_lookup",
           "top_k", "in_top_k", "erf", "batch_normalization", "depth_to_space",
           "space_to_depth"]


def relu(features, name=None):
    return ops.relu(features)


def relu6(features, name=None):
    return ops.relu6(features)


def sigmoid(x, name=None):
    return ops.sigmoid(x)


def tanh(x, name=None):
    return ops.tanh(x)


def softmax(logits, axis=None, name=None):
    return ops.softmax(logits, axis=-1 if axis is None else axis)


def log_softmax(logits, axis=None, name=None):
    return ops.log_softmax(logits, axis=-1 if axis is None else axis)


def gelu(features, approximate=False, name=None):
    return ops.gelu(features, approximate=approximate)


def elu(features, name=None):
    return ops.elu(features)


def selu(features, name=None):
    return ops.selu(features)


def silu(features, beta=1.0, name=None):
    """features * sigmoid(beta * features)."""
    if beta == 1.0:
        return ops.silu(features)
    features = as_tensor(features)
    return features * ops.sigmoid(features * beta)


swish = silu


def leaky_relu(features, alpha=0.2, name=None):
    return ops.leaky_relu(features, negative_slope=alpha)


def softplus(features, name=None):
    return ops.softplus(features)


def softsign(features, name=None):
    return ops.softsign(features)


def erf(x, name=None):
    return ops.erf(x)


def moments(x, axes, shift=None, keepdims=False, name=None):
    """(mean, variance) over ``axes`` (``shift`` is accepted and unused, as in TF2)."""
    return ops.moments(x, axes, keepdims=keepdims)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) / sqrt(variance + variance_epsilon) * scale + offset, all broadcasting."""
    x = as_tensor(x)
    out = (x - as_tensor(mean, like=x)) * ops.rsqrt(as_tensor(variance, like=x) + variance_epsilon)
    if scale is not None:
        out = out * as_tensor(scale, like=x)
    if offset is not None:
        out = out + as_tensor(offset, like=x)
    return out


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x^2, axis), epsilon)) (over all axes when ``axis`` is None): Keras's
    ``ops.normalize`` of order 2, whose epsilon bounds the norm rather than its square."""
    axis = dim if axis is None and dim is not None else axis
    return ops.normalize(x, axis=axis, order=2, epsilon=_math.sqrt(epsilon))


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each value with probability ``rate`` and scale the rest by 1 / (1 - rate)."""
    if not isinstance(rate, (int, float)) or not 0 <= rate < 1:
        raise ValueError(f"rate must be a scalar tensor or a float in the range [0, 1). "
                         f"Received: rate={rate}")
    return _nn.dropout(x, rate, noise_shape=noise_shape, seed=seed)


def bias_add(value, bias, data_format=None, name=None):
    """value + bias along the channel axis: the last ("N...C", default) or axis 1 ("NC...")."""
    value = as_tensor(value)
    bias = as_tensor(bias, like=value)
    if bias.ndim != 1:
        raise ValueError(f"bias_add: expected a 1-D bias. Received: bias.shape={bias.shape}")
    channels_first = data_format is not None and data_format.startswith("NC")
    axis = 1 if channels_first else -1
    if value.ndim < 2 or value.shape[axis] != bias.shape[0]:
        raise ValueError(f"bias_add: the bias (shape {bias.shape}) must match the channel axis "
                         f"of value (shape {value.shape}, data_format={data_format})")
    if channels_first:
        bias = ops.reshape(bias, (bias.shape[0],) + (1,) * (value.ndim - 2))
    return value + bias


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """-sum(labels * log_softmax(logits), axis) per example."""
    return ops.categorical_crossentropy(labels, logits, from_logits=True, axis=axis)


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """-log_softmax(logits)[labels] per example; ``labels`` has logits' shape minus the last axis."""
    logits = as_tensor(logits)
    labels_shape = getattr(labels, "shape", None) or backend.xp.asarray(labels).shape
    if tuple(labels_shape) != logits.shape[:-1]:
        raise ValueError("sparse_softmax_cross_entropy_with_logits: expected labels of shape "
                         f"{logits.shape[:-1]} (logits' shape without the last axis). "
                         f"Received: labels.shape={tuple(labels_shape)}")
    return ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """max(x, 0) - x z + log(1 + exp(-|x|)) elementwise (x = logits, z = labels)."""
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided. "
                         f"Received: labels={labels}, logits={logits}")
    return ops.binary_crossentropy(labels, logits, from_logits=True)


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """(1 - z) x + (1 + (q - 1) z) (log(1 + exp(-|x|)) + max(-x, 0)), q = pos_weight."""
    logits = as_tensor(logits)
    labels = as_tensor(labels, like=logits)
    if labels.shape != logits.shape:
        raise ValueError("logits and labels must have the same shape. Received: "
                         f"labels.shape={labels.shape}, logits.shape={logits.shape}")
    log_weight = 1.0 + (pos_weight - 1.0) * labels
    return (1.0 - labels) * logits + log_weight * ops.softplus(-logits)


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """exp(c) - z c (c = log_input, z = targets), plus Stirling's z log z - z + log(2 pi z) / 2
    for z > 1 when ``compute_full_loss``."""
    log_input = as_tensor(log_input)
    targets = as_tensor(targets, like=log_input)
    loss = ops.exp(log_input) - targets * log_input
    if compute_full_loss:
        z = targets.data
        safe = backend.xp.where(z > 1, z, 1.0)
        stirling = safe * backend.xp.log(safe) - safe + 0.5 * backend.xp.log(2 * _math.pi * safe)
        loss = loss + as_tensor(backend.xp.where(z > 1, stirling, 0.0).astype(z.dtype))
    return loss


def embedding_lookup(params, ids, max_norm=None, name=None):
    """The rows of ``params`` at integer ``ids`` (any shape): shape ids.shape + params.shape[1:]."""
    if max_norm is not None:
        raise ValueError("embedding_lookup: max_norm is not supported. Received: "
                         f"max_norm={max_norm}")
    return ops.take(params, ids, axis=0)


from .math import TopKV2, top_k  # noqa: E402  (tf.nn.top_k is tf.math.top_k)


def in_top_k(targets, predictions, k, name=None):
    return ops.in_top_k(targets, predictions, k)


def depth_to_space(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    return ops.depth_to_space(input, block_size, _data_format(data_format))


def space_to_depth(input, block_size, data_format="NHWC", name=None):  # noqa: A002
    return ops.space_to_depth(input, block_size, _data_format(data_format))


def _data_format(data_format):
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"Expected data_format 'NHWC' or 'NCHW'. Received: "
                         f"data_format={data_format!r}")
    return "channels_last" if data_format == "NHWC" else "channels_first"
from .nn_conv import *  # noqa: F401,F403,E402  (conv1d/2d/3d, conv2d_transpose, pools)
from .nn_conv import __all__ as _conv_names  # noqa: E402

__all__ = __all__ + _conv_names
