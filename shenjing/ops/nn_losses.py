"""``keras.ops.nn`` encodings and losses: one_hot, multi_hot, the three cross-entropies, psnr.

Probability inputs are clipped to [eps, 1 - eps] (eps = 1e-7, Keras's ``backend.epsilon()``)
as Keras's backends do; logits go through the stable fused primitives of ``autograd/ops/nn.py``.
"""

import math

import numpy as np  # dtypes only

from .. import backend
from ..autograd.ops import activation as _act
from ..autograd.ops import arithmetic as _ar
from ..autograd.ops import nn as _nn
from ..autograd.ops import reduce as _red
from ..autograd.tensor import Tensor, as_tensor
from .dispatch import keras_op

__all__ = ["one_hot", "multi_hot", "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "psnr"]

EPSILON = 1e-7


def _labels(x, name):
    data = x.data if isinstance(x, Tensor) else backend.xp.asarray(x)
    if data.dtype.kind == "f":
        if not bool((data == backend.xp.round(data)).all()):
            raise ValueError(f"{name}: expected integer class indices. Received: x={data}")
    elif data.dtype.kind not in "iub":
        raise ValueError(f"{name}: expected integer class indices. Received: x.dtype={data.dtype}")
    return data.astype(np.int64)


@keras_op("one_hot", module="nn")
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Integer labels (...,) -> one-hot (..., num_classes) with the new axis at ``axis``;
    negative labels give a row of zeros. No gradient."""
    if sparse:
        raise ValueError("Unsupported value `sparse=True`: shenjing has no sparse tensors.")
    labels = _labels(x, "one_hot")
    num_classes = int(num_classes)
    if num_classes < 1:
        raise ValueError(f"Expected `num_classes` >= 1. Received: num_classes={num_classes}")
    if labels.size and int(labels.max()) >= num_classes:
        raise ValueError(f"one_hot: label {int(labels.max())} is out of range for "
                         f"num_classes={num_classes}")
    xp = backend.xp
    out = _nn.one_hot(xp.maximum(labels, 0), num_classes, dtype=dtype or "float32").data
    out = out * (labels >= 0)[..., None].astype(out.dtype)
    if axis != -1:
        out = xp.moveaxis(out, -1, axis)
    return Tensor(xp.ascontiguousarray(out))


@keras_op("multi_hot", module="nn")
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Integer labels (batch, k) -> (batch, num_classes) with 1 at every label of a row
    (a rank-1 input is one row). No gradient."""
    if "num_tokens" in kwargs:  # Keras's older name, still accepted
        num_classes = kwargs.pop("num_tokens")
    if kwargs:
        raise ValueError(f"multi_hot: unexpected arguments {sorted(kwargs)}.")
    if num_classes is None:
        raise ValueError("Argument `num_classes` must be specified.")
    hot = one_hot(inputs, num_classes, axis=axis, dtype=dtype, sparse=sparse).data
    reduction_axis = 1 if hot.ndim > 2 else 0
    return Tensor(hot.max(axis=reduction_axis))


def _same_shape(target, output):
    if target.shape != output.shape:
        raise ValueError("Arguments `target` and `output` must have the same shape. "
                         f"Received: target.shape={target.shape}, output.shape={output.shape}")


@keras_op("binary_crossentropy", module="nn")
def binary_crossentropy(target, output, from_logits=False):
    """-(t log(p) + (1 - t) log(1 - p)) elementwise; p = sigmoid(output) with ``from_logits``
    (computed stably from the logits), else ``output`` clipped to [eps, 1 - eps]."""
    output = as_tensor(output)
    target = as_tensor(target, like=output)
    _same_shape(target, output)
    if from_logits:
        return _nn.sigmoid_cross_entropy(target, output)
    p = _ar.clip(output, EPSILON, 1.0 - EPSILON)
    return -(target * _ar.log(p) + (1.0 - target) * _ar.log(1.0 - p))


def _log_probs(output, from_logits, axis):
    if from_logits:
        return _act.log_softmax(output, axis=axis)
    p = output / _red.sum(output, axis=axis, keepdims=True)
    return _ar.log(_ar.clip(p, EPSILON, 1.0 - EPSILON))


@keras_op("categorical_crossentropy", module="nn")
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(t log(p), axis); p = softmax(output) with ``from_logits``, else ``output``
    normalized to sum 1 and clipped to [eps, 1 - eps]."""
    output = as_tensor(output)
    target = as_tensor(target, like=output)
    _same_shape(target, output)
    if output.ndim < 1:
        raise ValueError("Arguments `target` and `output` must be at least rank 1. Received: "
                         f"target.shape={target.shape}, output.shape={output.shape}")
    if from_logits and axis in (-1, output.ndim - 1):
        return _nn.softmax_cross_entropy(target, output)
    return -_red.sum(target * _log_probs(output, from_logits, axis), axis=axis)


@keras_op("sparse_categorical_crossentropy", module="nn")
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-log(p[target]) along ``axis``; integer ``target`` has ``output``'s shape without
    ``axis`` (a trailing axis of 1 is squeezed). A negative label gives a loss of 0."""
    output = as_tensor(output)
    labels = _labels(target, "sparse_categorical_crossentropy")
    if output.ndim < 1:
        raise ValueError(f"Argument `output` must be at least rank 1. Received: "
                         f"output.shape={output.shape}")
    if labels.ndim == output.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    ax = axis % output.ndim
    if labels.shape != output.shape[:ax] + output.shape[ax + 1:]:
        raise ValueError("Arguments `target` and `output` must have the same shape up until "
                         f"the last dimension: target.shape={labels.shape}, "
                         f"output.shape={output.shape}")
    classes = output.shape[ax]
    if labels.size and int(labels.max()) >= classes:
        raise ValueError(f"sparse_categorical_crossentropy: label {int(labels.max())} is out "
                         f"of range for output.shape={output.shape} ({classes} classes)")
    if from_logits and ax == output.ndim - 1 and (not labels.size or int(labels.min()) >= 0):
        return _nn.sparse_softmax_cross_entropy(labels, output)
    hot = one_hot(labels, classes, axis=ax, dtype=output.dtype)
    return -_red.sum(hot * _log_probs(output, from_logits, ax), axis=ax)


@keras_op("psnr", module="nn", class_name="PSNR")
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio: 20 log10(max_val) - 10 log10(mean((x1 - x2)^2))."""
    x1 = as_tensor(x1)
    x2 = as_tensor(x2, like=x1)
    if x1.shape != x2.shape:
        raise ValueError(f"Input shapes {x1.shape} and {x2.shape} must match for PSNR "
                         "calculation. ")
    mse = _red.mean(_ar.square(x1 - x2))
    max_val = as_tensor(max_val, like=x2)
    return (20.0 / math.log(10)) * _ar.log(max_val) - (10.0 / math.log(10)) * _ar.log(mse)

