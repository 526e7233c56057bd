"""Hinge metrics (Keras 3). Labels in {0, 1} are mapped to {-1, 1} first.

- hinge: mean(max(1 - y * p, 0)); squared_hinge: mean(max(1 - y * p, 0)^2)
- categorical_hinge: max(max((1 - y) * p) - sum(y * p) + 1, 0)
"""

import numpy as np  # dtypes only: arrays go through backend.xp

from .. import backend

from .metric import check_same_shape, register_function
from .reduction_metrics import MeanMetricWrapper, samplewise
from ..registry import keras_export


def _hinge_inputs(name, y_true, y_pred):
    y_true, y_pred = samplewise(y_true, y_pred)
    check_same_shape(name, y_true, y_pred)
    if backend.xp.all((y_true == 0) | (y_true == 1)):
        y_true = 2.0 * y_true - 1.0
    return y_true, y_pred


@keras_export("keras.metrics.hinge")
@register_function
def hinge(y_true, y_pred):
    y_true, y_pred = _hinge_inputs("hinge", y_true, y_pred)
    return backend.xp.mean(backend.xp.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


@keras_export("keras.metrics.squared_hinge")
@register_function
def squared_hinge(y_true, y_pred):
    y_true, y_pred = _hinge_inputs("squared_hinge", y_true, y_pred)
    return backend.xp.mean(backend.xp.square(backend.xp.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


@keras_export("keras.metrics.categorical_hinge")
@register_function
def categorical_hinge(y_true, y_pred):
    y_true, y_pred = samplewise(y_true, y_pred)
    check_same_shape("categorical_hinge", y_true, y_pred)
    pos = backend.xp.sum(y_true * y_pred, axis=-1)
    neg = backend.xp.max((1.0 - y_true) * y_pred, axis=-1)
    return backend.xp.maximum(neg - pos + 1.0, 0.0)


@keras_export("keras.metrics.Hinge")
class Hinge(MeanMetricWrapper):
    """The mean hinge loss."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.SquaredHinge")
class SquaredHinge(MeanMetricWrapper):
    """The mean squared hinge loss."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.CategoricalHinge")
class CategoricalHinge(MeanMetricWrapper):
    """The mean categorical hinge loss."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
