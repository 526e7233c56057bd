"""Correlation metrics (Keras 3): Pearson's and Lin's concordance correlation, per sample
along ``axis``, averaged over the batch (weighted) like any MeanMetricWrapper.

- pearson_correlation: mean(z(y_true) z(y_pred), axis), z(x) = (x - mean) / std
- concordance_correlation: mean(2 (y_true - mean_p)(y_pred - mean_p) / (var_t + var_p
  + (mean_t - mean_p)^2 + eps), axis) -- Keras 3.15 centres y_true on y_pred's mean in
  the numerator, and so does this.
"""

from .. import backend
from ..registry import keras_export
from .metric import EPSILON, register_function
from .reduction_metrics import MeanMetricWrapper, samplewise


@keras_export("keras.metrics.pearson_correlation")
@register_function
def pearson_correlation(y_true, y_pred, axis=-1):
    """mean(z(y_true) * z(y_pred), axis), z standardising along ``axis``."""
    xp = backend.xp
    y_true, y_pred = samplewise(y_true, y_pred)
    t = y_true - xp.mean(y_true, axis=axis, keepdims=True)
    p = y_pred - xp.mean(y_pred, axis=axis, keepdims=True)
    t = t / xp.std(t, axis=axis, keepdims=True)
    p = p / xp.std(p, axis=axis, keepdims=True)
    return xp.mean(t * p, axis=axis)


@keras_export("keras.metrics.concordance_correlation")
@register_function
def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along ``axis`` (Keras's formula)."""
    xp = backend.xp
    y_true, y_pred = samplewise(y_true, y_pred)
    mean_t = xp.mean(y_true, axis=axis, keepdims=True)
    mean_p = xp.mean(y_pred, axis=axis, keepdims=True)
    var_t = xp.var(y_true - mean_t, axis=axis, keepdims=True)
    var_p = xp.var(y_pred - mean_p, axis=axis, keepdims=True)
    covar = (y_true - mean_p) * (y_pred - mean_p)
    norm = var_t + var_p + xp.square(mean_t - mean_p)
    return xp.mean(2 * covar / (norm + EPSILON), axis=axis)


@keras_export("keras.metrics.PearsonCorrelation")
class PearsonCorrelation(MeanMetricWrapper):
    """The batch-weighted mean of the per-sample Pearson correlation."""

    _direction = "up"

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


@keras_export("keras.metrics.ConcordanceCorrelation")
class ConcordanceCorrelation(MeanMetricWrapper):
    """The batch-weighted mean of the per-sample concordance correlation."""

    _direction = "up"

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
