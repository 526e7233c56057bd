"""Overlap losses for segmentation, with Keras 3's names, arguments and formulas.

Dice: 1 - 2 sum(t p) / (sum(t) + sum(p) + eps). Tversky: 1 - TP / (TP + alpha FP
+ beta FN + eps), TP = sum(t p), FP = sum((1 - p) t), FN = sum(p (1 - t)) (Keras's
naming). Sums run over ``axis`` (None: every axis, giving one number).
"""

import numpy as np  # shapes only

from .. import ops
from ..registry import keras_export
from .functions import EPSILON, as_prediction, as_target
from .loss import LossFunctionWrapper


def _inputs(name, y_true, y_pred):
    y_pred = as_prediction(y_pred)
    y_true = as_target(y_true, y_pred)
    try:
        np.broadcast_shapes(y_true.shape, y_pred.shape)
    except ValueError:
        raise ValueError(f"{name}: y_true of shape {y_true.shape} does not match y_pred of shape "
                         f"{y_pred.shape}") from None
    return y_true, y_pred


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


@keras_export("keras.losses.dice")
def dice(y_true, y_pred, axis=None):
    """1 - 2 sum(t p, axis) / (sum(t, axis) + sum(p, axis) + eps)."""
    y_true, y_pred = _inputs("dice", y_true, y_pred)
    axis = _axis(axis)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    union = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis) + EPSILON
    return 1.0 - 2.0 * intersection / union


@keras_export("keras.losses.tversky")
def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 - TP / (TP + alpha FP + beta FN + eps), summed over ``axis``."""
    y_true, y_pred = _inputs("tversky", y_true, y_pred)
    axis = _axis(axis)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    fp = ops.sum((1.0 - y_pred) * y_true, axis=axis)
    fn = ops.sum(y_pred * (1.0 - y_true), axis=axis)
    return 1.0 - intersection / (intersection + alpha * fp + beta * fn + EPSILON)


@keras_export("keras.losses.Dice")
class Dice(LossFunctionWrapper):
    """1 - the Dice coefficient of y_true and y_pred over ``axis``."""

    config_keys = ("axis",)

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


@keras_export("keras.losses.Tversky")
class Tversky(LossFunctionWrapper):
    """1 - the Tversky index (alpha weighs false positives, beta false negatives)."""

    config_keys = ("alpha", "beta", "axis")

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky",
                 axis=None, dtype=None):
        super().__init__(tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha,
                         beta=beta, axis=axis)
        self.alpha, self.beta, self.axis = alpha, beta, axis
