"""Probabilistic metrics (Keras 3): crossentropies, KL divergence and Poisson, as
per-sample functions over NumPy and their ``MeanMetricWrapper`` classes.

- binary_crossentropy: mean(-(y log p + (1 - y) log(1 - p))), p clipped to [eps, 1 - eps]
- categorical_crossentropy: -sum(y log p), p = y_pred / max(sum(y_pred), eps) clipped (an all-zero
  row: -log(eps) sum(y), not NaN; as the loss)
- sparse_categorical_crossentropy: -log p[label]
- kl_divergence: sum(y log(y / p)), both clipped to [eps, 1]
- poisson: mean(p - y log(p + eps))
"""

import numpy as np  # dtypes only: arrays go through backend.xp

from .. import backend

from .accuracy_metrics import _one_hot_inputs, _sparse_inputs
from .metric import (EPSILON, check_same_shape, register_function, squeeze_or_expand_to_same_rank,
                     to_array)
from .reduction_metrics import MeanMetricWrapper, samplewise
from ..registry import keras_export


def _log_softmax(x, axis):
    shifted = x - backend.xp.max(x, axis=axis, keepdims=True)
    return shifted - backend.xp.log(backend.xp.sum(backend.xp.exp(shifted), axis=axis, keepdims=True))


@keras_export("keras.metrics.binary_crossentropy", "keras.metrics.BCE", "keras.metrics.bce")
@register_function
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true, y_pred = samplewise(y_true, y_pred)
    check_same_shape("binary_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        values = backend.xp.maximum(y_pred, 0) - y_pred * y_true + backend.xp.log1p(backend.xp.exp(-backend.xp.abs(y_pred)))
    else:
        p = backend.xp.clip(y_pred, EPSILON, 1.0 - EPSILON)
        values = -(y_true * backend.xp.log(p) + (1.0 - y_true) * backend.xp.log(1.0 - p))
    return backend.xp.mean(values, axis=axis)


@keras_export("keras.metrics.categorical_crossentropy")
@register_function
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_true, y_pred = _one_hot_inputs("categorical_crossentropy", y_true, y_pred)
    y_true = y_true.astype(np.float64)
    y_pred = y_pred.astype(np.float64)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    if from_logits:
        log_p = _log_softmax(y_pred, axis)
    else:
        # max(sum, eps) as the loss: an all-zero row gives -log(eps), not 0 / 0 = NaN
        p = y_pred / backend.xp.maximum(backend.xp.sum(y_pred, axis=axis, keepdims=True), EPSILON)
        log_p = backend.xp.log(backend.xp.clip(p, EPSILON, 1.0 - EPSILON))
    return -backend.xp.sum(y_true * log_p, axis=axis)


@keras_export("keras.metrics.sparse_categorical_crossentropy")
@register_function
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    y_true, y_pred = _sparse_inputs("sparse_categorical_crossentropy", y_true, y_pred)
    y_pred = y_pred.astype(np.float64)
    if ignore_class is not None:  # ignored entries count as label 0, then get a loss of 0
        valid = y_true != ignore_class
        values = sparse_categorical_crossentropy(backend.xp.where(valid, y_true, 0), y_pred,
                                                 from_logits=from_logits, axis=axis)
        return backend.xp.where(valid, values, 0.0)
    if from_logits:
        log_p = _log_softmax(y_pred, -1)
    else:
        p = y_pred / backend.xp.maximum(backend.xp.sum(y_pred, axis=-1, keepdims=True), EPSILON)
        log_p = backend.xp.log(backend.xp.clip(p, EPSILON, 1.0 - EPSILON))
    labels = y_true.astype(np.int64)
    if backend.xp.any((labels < 0) | (labels >= y_pred.shape[-1])):
        raise ValueError(
            f"sparse_categorical_crossentropy: labels must lie in [0, {y_pred.shape[-1]}), "
            f"received values from {labels.min()} to {labels.max()}"
        )
    return -backend.xp.take_along_axis(log_p, labels[..., None], axis=-1)[..., 0]


# A probability output that a softmax or sigmoid made carries its logits (see
# autograd/ops/activation.py); MeanMetricWrapper then computes these three on the logits, as
# the fused loss does, so that the metric and the loss agree where the probabilities saturate.
binary_crossentropy.logits_activation = "sigmoid"
categorical_crossentropy.logits_activation = "softmax"
sparse_categorical_crossentropy.logits_activation = "softmax"


@keras_export("keras.metrics.kl_divergence",
              "keras.metrics.KLD",
              "keras.metrics.kld",
              "keras.metrics.kullback_leibler_divergence")
@register_function
def kl_divergence(y_true, y_pred):
    y_true, y_pred = samplewise(y_true, y_pred)
    check_same_shape("kl_divergence", y_true, y_pred)
    y_true = backend.xp.clip(y_true, EPSILON, 1.0)
    y_pred = backend.xp.clip(y_pred, EPSILON, 1.0)
    return backend.xp.sum(y_true * backend.xp.log(y_true / y_pred), axis=-1)


@keras_export("keras.metrics.poisson")
@register_function
def poisson(y_true, y_pred):
    y_true, y_pred = samplewise(y_true, y_pred)
    check_same_shape("poisson", y_true, y_pred)
    return backend.xp.mean(y_pred - y_true * backend.xp.log(y_pred + EPSILON), axis=-1)


kld = KLD = kullback_leibler_divergence = kl_divergence
bce = BCE = binary_crossentropy


@keras_export("keras.metrics.BinaryCrossentropy")
class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary crossentropy."""

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


@keras_export("keras.metrics.CategoricalCrossentropy")
class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical crossentropy (one-hot labels)."""

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


@keras_export("keras.metrics.SparseCategoricalCrossentropy")
class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean crossentropy for integer labels."""

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        super().__init__(sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def update_state(self, y_true, y_pred, sample_weight=None):
        # As Keras 3.15: entries labelled ignore_class leave the count only when sample
        # weights are given (its mask is folded into them); otherwise they count as 0.
        if self.ignore_class is not None and sample_weight is not None:
            labels = to_array(y_true)
            if labels.ndim == to_array(y_pred).ndim and labels.shape[-1] == 1:
                labels = labels[..., 0]
            mask = (labels != self.ignore_class).astype(np.float64)
            weights = to_array(sample_weight, np.float64)
            mask, weights = squeeze_or_expand_to_same_rank(mask, weights)
            sample_weight = weights * mask
        return super().update_state(y_true, y_pred, sample_weight=sample_weight)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "ignore_class": self.ignore_class, "axis": self.axis}


@keras_export("keras.metrics.KLDivergence")
class KLDivergence(MeanMetricWrapper):
    """The mean Kullback-Leibler divergence."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.Poisson")
class Poisson(MeanMetricWrapper):
    """The mean Poisson deviance term y_pred - y_true * log(y_pred)."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(poisson, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
