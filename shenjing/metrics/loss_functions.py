"""Loss functions that Keras 3 also exports as metric functions (``keras.metrics.huber``,
``binary_focal_crossentropy``, ``categorical_focal_crossentropy``): the per-sample values of
``shenjing.losses``'s function, as an array, for MeanMetricWrapper or direct use."""

from ..autograd import no_grad
from ..losses import focal as _focal
from ..losses import functions as _losses
from ..registry import keras_export
from .metric import register_function


def _values(fn, y_true, y_pred, **kwargs):
    with no_grad():
        return fn(y_true, y_pred, **kwargs).data


@keras_export("keras.metrics.huber")
@register_function
def huber(y_true, y_pred, delta=1.0):
    """mean(0.5 e^2 if |e| <= delta else delta |e| - 0.5 delta^2, axis=-1)."""
    return _values(_losses.huber, y_true, y_pred, delta=delta)


@keras_export("keras.metrics.binary_focal_crossentropy")
@register_function
def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """The per-sample binary focal cross-entropy (see shenjing.losses.focal)."""
    return _values(_focal.binary_focal_crossentropy, y_true, y_pred,
                   apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                   from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


@keras_export("keras.metrics.categorical_focal_crossentropy")
@register_function
def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """The per-sample categorical focal cross-entropy (see shenjing.losses.focal)."""
    return _values(_focal.categorical_focal_crossentropy, y_true, y_pred, alpha=alpha,
                   gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing,
                   axis=axis)
