"""Focal cross-entropies (Lin et al., 2017), with Keras 3's names, arguments and formulas.

Binary: mean((1 - p_t)^gamma * bce, axis), p_t = t p + (1 - t)(1 - p), p = y_pred
clipped to [eps, 1 - eps], optionally times the class balance t alpha + (1 - t)(1 - alpha).
Categorical: sum(alpha (1 - p)^gamma * (-t log p), axis), p = y_pred / max(sum(y_pred), eps)
clipped to [eps, 1 - eps]. Logits go through a sigmoid / softmax first (as Keras does).
Both equal Keras's for predictions in [eps, 1 - eps]; unlike Keras, an all-zero row, a
prediction of exactly 0 or 1, or a saturated sigmoid give a finite loss and gradient, not NaN.
"""

from .. import ops
from ..registry import keras_export
from .functions import EPSILON, as_prediction, as_target, check_shapes, prepare, row_sum
from .loss import LossFunctionWrapper


def _check_axis(name, axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"{name}: `axis` must be of type `int`. Received: axis={axis!r} "
                         f"of type {type(axis)}")


@keras_export("keras.losses.binary_focal_crossentropy")
def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """mean(w (1 - p_t)^gamma bce(t, p), axis), w = t alpha + (1 - t)(1 - alpha) if balancing."""
    y_true, y_pred = prepare("binary_focal_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    p = ops.clip(y_pred, EPSILON, 1.0 - EPSILON)
    bce = -(y_true * ops.log(p) + (1.0 - y_true) * ops.log(1.0 - p))
    # p_t from the clipped p (Keras uses y_pred): the same for p in [eps, 1 - eps], and
    # 1 - p_t >= eps for 0/1 labels, so (1 - p_t)^gamma has a finite gradient (not NaN) when
    # a prediction is exactly 0 or 1 (a saturated sigmoid) and gamma < 1.
    p_t = y_true * p + (1.0 - y_true) * (1.0 - p)
    focal = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return ops.mean(focal, axis=axis)


@keras_export("keras.losses.categorical_focal_crossentropy")
def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """sum(alpha (1 - p)^gamma (-t log p), axis), p normalised along ``axis`` and clipped."""
    name = "categorical_focal_crossentropy"
    _check_axis(name, axis)
    y_pred = as_prediction(y_pred)
    target = as_target(y_true, y_pred)
    check_shapes(name, target, y_pred, original_true=y_true)
    if label_smoothing:  # Keras divides by the last axis's size, whatever ``axis`` is
        target = target * (1.0 - label_smoothing) + label_smoothing / target.shape[-1]
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    p = ops.clip(y_pred / row_sum(y_pred, axis), EPSILON, 1.0 - EPSILON)
    focal = alpha * ops.power(1.0 - p, gamma) * (-target * ops.log(p))
    return ops.sum(focal, axis=axis)


@keras_export("keras.losses.BinaryFocalCrossentropy")
class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy down-weighting easy examples by (1 - p_t)^gamma."""

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.apply_class_balancing, self.alpha, self.gamma = apply_class_balancing, alpha, gamma
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis

    config_keys = ("from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha",
                   "gamma")


@keras_export("keras.losses.CategoricalFocalCrossentropy")
class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy weighted by alpha (1 - p)^gamma per class."""

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy",
                 dtype=None):
        super().__init__(categorical_focal_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.alpha, self.gamma = alpha, gamma
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis

    config_keys = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")
