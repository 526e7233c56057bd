"""R2Score (Keras 3): the coefficient of determination over all samples seen.

Per output column, with weighted sums: R2 = 1 - SS_res / SS_tot, SS_res =
sum(w (t - p)^2), SS_tot = sum(w t^2) - sum(w t)^2 / sum(w) (an infinite score
becomes 0). ``class_aggregation``: "uniform_average" (mean), "variance_weighted_average"
(weighted by SS_tot) or None (per column). ``num_regressors`` p > 0 gives the
adjusted score 1 - (1 - R2)(n - 1) / (n - p - 1), n the number of values seen.
"""

import warnings

import numpy as np  # dtypes only: arrays go through backend.xp

from .. import backend
from ..registry import keras_export
from .lazy_state import LazyStateMixin
from .metric import Metric, as_result, squeeze_or_expand_to_same_rank, to_array

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


@keras_export("keras.metrics.R2Score")
class R2Score(LazyStateMixin, Metric):
    """R^2 of (batch, outputs) predictions, accumulated over batches."""

    _direction = "up"
    _state_names = ("squared_sum", "sum", "residual", "count")
    _state_start = 1

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError("Invalid value for argument `class_aggregation`. Expected one of "
                             f"{_AGGREGATIONS}. Received: class_aggregation={class_aggregation}")
        if num_regressors < 0:
            raise ValueError("Invalid value for argument `num_regressors`. Expected a value >= 0. "
                             f"Received: num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), name="num_samples")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_array(y_true, self.dtype)
        y_pred = to_array(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self.built_state:
            if y_pred.ndim != 2 or y_true.ndim != 2:
                raise ValueError(
                    "R2Score expects 2D inputs with shape (batch_size, output_dim). Received "
                    f"input shapes: y_pred.shape={y_pred.shape} and y_true.shape={y_true.shape}.")
            self.build_state((y_pred.shape[-1],))
        weight = to_array(1.0 if sample_weight is None else sample_weight, self.dtype)
        if weight.ndim == 1:
            weight = weight[:, None]
        try:
            weight = backend.xp.broadcast_to(weight, y_true.shape)
        except ValueError:
            raise ValueError(f"R2Score: sample_weight of shape {weight.shape} cannot be broadcast "
                             f"to y_true's shape {y_true.shape}") from None
        weighted = y_true * weight
        self.sum[...] += weighted.sum(axis=0)
        self.squared_sum[...] += (y_true * weighted).sum(axis=0)
        self.residual[...] += ((y_true - y_pred) ** 2 * weight).sum(axis=0)
        self.count[...] += weight.sum(axis=0)
        self.num_samples[...] += y_true.size

    def result(self):
        if not self.built_state:
            return 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = self.sum / self.count
            total = self.squared_sum - self.sum * mean
            raw = 1 - self.residual / total
        raw = backend.xp.where(backend.xp.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = raw.mean()
        elif self.class_aggregation == "variance_weighted_average":
            score = (total * raw).sum() / total.sum()
        else:
            score = raw
        n = float(self.num_samples)
        if self.num_regressors != 0:
            if self.num_regressors > n - 1:
                warnings.warn("More independent predictors than datapoints in adjusted R2 score. "
                              "Falling back to standard R2 score.", stacklevel=2)
            elif self.num_regressors == n - 1:
                warnings.warn("Division by zero in Adjusted R2 score. Falling back to standard "
                              "R2 score.", stacklevel=2)
            else:
                score = 1.0 - (1.0 - score) * (n - 1.0) / (n - self.num_regressors - 1.0)
        return as_result(score)

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
