"""Regression metrics (Keras 3): per-sample functions, averaged over the last axis,
and their classes.

- mean_squared_error: mean((y_pred - y_true)^2)
- mean_absolute_error: mean(|y_pred - y_true|)
- mean_absolute_percentage_error: 100 * mean(|y_true - y_pred| / max(|y_true|, eps))
- mean_squared_logarithmic_error: mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))^2)
- cosine_similarity: sum(l2_normalize(y_true) * l2_normalize(y_pred))
- log_cosh: mean(log(cosh(y_pred - y_true)))
- RootMeanSquaredError: sqrt(weighted mean of the squared errors over all seen samples)
"""

import numpy as np  # dtypes only: arrays go through backend.xp

from .. import backend

from .metric import EPSILON, check_same_shape, register_function
from .reduction_metrics import Mean, MeanMetricWrapper, samplewise
from ..registry import keras_export


def _inputs(name, y_true, y_pred):
    y_true, y_pred = samplewise(y_true, y_pred)
    check_same_shape(name, y_true, y_pred)
    return y_true, y_pred


@keras_export("keras.metrics.mean_squared_error", "keras.metrics.MSE", "keras.metrics.mse")
@register_function
def mean_squared_error(y_true, y_pred):
    y_true, y_pred = _inputs("mean_squared_error", y_true, y_pred)
    return backend.xp.mean(backend.xp.square(y_pred - y_true), axis=-1)


@keras_export("keras.metrics.mean_absolute_error", "keras.metrics.MAE", "keras.metrics.mae")
@register_function
def mean_absolute_error(y_true, y_pred):
    y_true, y_pred = _inputs("mean_absolute_error", y_true, y_pred)
    return backend.xp.mean(backend.xp.abs(y_pred - y_true), axis=-1)


@keras_export("keras.metrics.mean_absolute_percentage_error",
              "keras.metrics.MAPE",
              "keras.metrics.mape")
@register_function
def mean_absolute_percentage_error(y_true, y_pred):
    y_true, y_pred = _inputs("mean_absolute_percentage_error", y_true, y_pred)
    diff = backend.xp.abs((y_true - y_pred) / backend.xp.maximum(backend.xp.abs(y_true), EPSILON))
    return 100.0 * backend.xp.mean(diff, axis=-1)


@keras_export("keras.metrics.mean_squared_logarithmic_error",
              "keras.metrics.MSLE",
              "keras.metrics.msle")
@register_function
def mean_squared_logarithmic_error(y_true, y_pred):
    y_true, y_pred = _inputs("mean_squared_logarithmic_error", y_true, y_pred)
    first = backend.xp.log(backend.xp.maximum(y_pred, EPSILON) + 1.0)
    second = backend.xp.log(backend.xp.maximum(y_true, EPSILON) + 1.0)
    return backend.xp.mean(backend.xp.square(first - second), axis=-1)


def _l2_normalize(x, axis):
    return x / backend.xp.sqrt(backend.xp.maximum(backend.xp.sum(backend.xp.square(x), axis=axis, keepdims=True), 1e-12))


@keras_export("keras.metrics.cosine_similarity")
@register_function
def cosine_similarity(y_true, y_pred, axis=-1):
    y_true, y_pred = _inputs("cosine_similarity", y_true, y_pred)
    return backend.xp.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


@keras_export("keras.metrics.log_cosh", "keras.metrics.logcosh")
@register_function
def log_cosh(y_true, y_pred):
    y_true, y_pred = _inputs("log_cosh", y_true, y_pred)
    x = y_pred - y_true
    # log(cosh(x)) = x + softplus(-2x) - log(2), stable for large |x|.
    return backend.xp.mean(x + backend.xp.logaddexp(0.0, -2.0 * x) - backend.xp.log(2.0), axis=-1)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
logcosh = log_cosh


@keras_export("keras.metrics.MeanSquaredError")
class MeanSquaredError(MeanMetricWrapper):
    """The mean squared error between y_true and y_pred."""

    _direction = "down"

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.MeanAbsoluteError")
class MeanAbsoluteError(MeanMetricWrapper):
    """The mean absolute error between y_true and y_pred."""

    _direction = "down"

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(fn=mean_absolute_error, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.MeanAbsolutePercentageError")
class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The mean absolute percentage error between y_true and y_pred."""

    _direction = "down"

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(fn=mean_absolute_percentage_error, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.MeanSquaredLogarithmicError")
class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The mean squared logarithmic error between y_true and y_pred."""

    _direction = "down"

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(fn=mean_squared_logarithmic_error, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.CosineSimilarity")
class CosineSimilarity(MeanMetricWrapper):
    """The cosine similarity between y_true and y_pred along ``axis``."""

    _direction = "up"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(fn=cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):  # Keras 3.15 does not write axis
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.LogCoshError")
class LogCoshError(MeanMetricWrapper):
    """The mean of log(cosh(y_pred - y_true))."""

    _direction = "down"

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(fn=log_cosh, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.RootMeanSquaredError")
class RootMeanSquaredError(Mean):
    """sqrt of the (weighted) mean of the squared errors over all samples seen."""

    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _inputs(self.name, y_true, y_pred)
        super().update_state(backend.xp.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return float(backend.xp.sqrt(super().result()))
