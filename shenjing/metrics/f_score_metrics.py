"""F-scores (Keras 3): FBetaScore and F1Score over per-class (or micro) counts.

Predictions become 0/1 by ``threshold`` (p > threshold), or, with no threshold, by
being the row's maximum (and non-zero). Per class, with weighted counts tp, fp, fn:
precision = tp / (tp + fp + eps), recall = tp / (tp + fn + eps),
F = (1 + beta^2) P R / (beta^2 P + R + eps). ``average``: None (per class),
"micro" (counts summed over classes), "macro" (mean), "weighted" (by support).
"""

import numpy as np  # dtypes only: arrays go through backend.xp

from .. import backend
from ..registry import keras_export
from .metric import EPSILON, Metric, as_result, to_array
from .lazy_state import LazyStateMixin


@keras_export("keras.metrics.FBetaScore")
class FBetaScore(LazyStateMixin, Metric):
    """F-beta score of multi-label / one-hot targets (batch, classes)."""

    _direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', "
                             f"'macro', 'weighted'}}. Received: average={average}")
        if not isinstance(beta, float):
            raise ValueError("Invalid `beta` argument value. It should be a Python float. "
                             f"Received: beta={beta} of type '{type(beta)}'")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError("Invalid `threshold` argument value. It should be a Python float. "
                                 f"Received: threshold={threshold} of type '{type(threshold)}'")
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError("Invalid `threshold` argument value. It should verify "
                                 f"0 < threshold <= 1. Received: threshold={threshold}")
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0

    _state_names = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")

    def _state_shape(self, num_classes):
        return () if self.average == "micro" else (num_classes,)

    def _build_for(self, y_true, y_pred):
        if y_pred.ndim != 2 or y_true.ndim != 2:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs with shape (batch_size, output_dim). "
                f"Received input shapes: y_pred.shape={y_pred.shape} and y_true.shape={y_true.shape}.")
        self.build_state(self._state_shape(y_pred.shape[-1]))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_array(y_true, self.dtype)
        y_pred = to_array(y_pred, self.dtype)
        if not self.built_state:
            self._build_for(y_true, y_pred)
        if self.threshold is None:
            top = y_pred.max(axis=-1, keepdims=True)
            y_pred = (y_pred >= top) & (backend.xp.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = y_pred.astype(self.dtype)
        weight = None if sample_weight is None else to_array(sample_weight, self.dtype)
        if weight is not None and weight.ndim == 1:
            weight = weight[:, None]

        def weighted_sum(value):
            if weight is not None:
                value = value * weight
            return value.sum(axis=self.axis)

        self.true_positives[...] += weighted_sum(y_pred * y_true)
        self.false_positives[...] += weighted_sum(y_pred * (1 - y_true))
        self.false_negatives[...] += weighted_sum((1 - y_pred) * y_true)
        self.intermediate_weights[...] += weighted_sum(y_true)

    def result(self):
        if not self.built_state:
            return 0.0
        tp, fp, fn = (v.astype(np.float64) for v in (self.true_positives, self.false_positives,
                                                      self.false_negatives))
        precision = tp / (tp + fp + EPSILON)
        recall = tp / (tp + fn + EPSILON)
        beta2 = self.beta ** 2
        score = (1 + beta2) * precision * recall / (beta2 * precision + recall + EPSILON)
        if self.average == "weighted":
            support = self.intermediate_weights.astype(np.float64)
            score = (score * support / (support.sum() + EPSILON)).sum()
        elif self.average is not None:
            score = score.mean()
        return as_result(score)

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


@keras_export("keras.metrics.F1Score")
class F1Score(FBetaScore):
    """The F-beta score with beta = 1: the harmonic mean of precision and recall."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
