"""Generalized cross-entropy (Zhang & Sabuncu, 2018), robust to noisy labels, as in Keras 3.

loss = (1 - p^q) / q, p = y_pred[label], for integer labels and probabilities y_pred
(..., C); q -> 0 gives the cross-entropy, q = 1 the mean absolute error. Keras's value
everywhere; its gradient -p^(q - 1) is infinite where p is exactly 0 (an underflowed
softmax) and NaN reaches the other classes, so here p = 0 gets the gradient 0, and a p
below 1e-30 is read as 1e-30 with the gradient 0: finite, so training goes on.
"""

from .. import backend, ops
from ..registry import keras_export
from .functions import _check_labels, as_prediction
from .loss import LossFunctionWrapper

_TINY = 1e-30


@keras_export("keras.losses.categorical_generalized_cross_entropy")
def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """(1 - p^q) / q, p = y_pred[label], y_pred probabilities (..., C), labels integers."""
    name = "categorical_generalized_cross_entropy"
    y_pred = as_prediction(y_pred)
    labels = backend.xp.asarray(getattr(y_true, "data", y_true))
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(f"{name}: y_true must hold one integer label per row of y_pred, i.e. "
                         f"have shape {y_pred.shape[:-1]}. Received: y_true.shape={labels.shape} "
                         f"and y_pred.shape={y_pred.shape}")
    _check_labels(name, labels, y_pred, None)
    onehot = ops.one_hot(labels.astype("int64"), y_pred.shape[-1], dtype=y_pred.dtype)
    p = ops.sum(y_pred * onehot, axis=-1)
    # p^q, but 0 (not 0 * inf = NaN in the gradient) where p == 0, and p floored at _TINY inside
    # the power so that q p^(q - 1) stays finite in float32.
    powered = ops.where(p.data > 0, ops.power(ops.maximum(p, _TINY), q), 0.0)
    return (1.0 - powered) / q


@keras_export("keras.losses.CategoricalGeneralizedCrossEntropy")
class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """(1 - p[label]^q) / q with q in (0, 1), reduced over the batch."""

    config_keys = ("q",)

    def __init__(self, q=0.5, reduction="sum_over_batch_size",
                 name="categorical_generalized_cross_entropy", dtype=None):
        if not 0 < q < 1:
            raise ValueError(f"q must be in the interval (0, 1). Received: q={q!r}")
        super().__init__(categorical_generalized_cross_entropy, reduction=reduction, name=name,
                         dtype=dtype, q=q)
        self.q = q
