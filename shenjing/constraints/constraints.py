"""Weight constraints, with Keras 3 names: ``constraint(w) -> w'``, a projection that the
optimizer applies to a variable after each update (``variable.assign(constraint(variable))``).

With norms n = sqrt(sum(w^2, axis, keepdims)) and eps = 1e-7 (Keras's ``backend.epsilon()``):
    MaxNorm:     w * clip(n, 0, max_value) / (eps + n)
    MinMaxNorm:  w * (rate * clip(n, min_value, max_value) + (1 - rate) * n) / (eps + n)
    NonNeg:      max(w, 0)
    UnitNorm:    w / (eps + n)
"""

import math

import numpy as np  # argument checks only

from .. import ops
from ..autograd.tensor import as_tensor
from ..registry import keras_export

_EPSILON = 1e-7


def _number(value, name, owner):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(value):
        raise ValueError(f"{owner}: expected a finite number for `{name}`. Received: {name}={value!r}")
    return value


def _axis(axis, owner):
    if isinstance(axis, (list, tuple)):
        if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axis):
            raise ValueError(f"{owner}: expected an int or a list of ints for `axis`. Received: axis={axis!r}")
        return list(axis) if isinstance(axis, list) else tuple(axis)
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"{owner}: expected an int or a list of ints for `axis`. Received: axis={axis!r}")
    return int(axis)


def _norms(w, axis):
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


@keras_export("keras.constraints.Constraint")
class Constraint:
    """Base class: ``__call__(w)`` returns the projected weight (the identity by default)."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@keras_export("keras.constraints.MaxNorm", "keras.constraints.max_norm")
class MaxNorm(Constraint):
    """Rescale each slice along ``axis`` whose L2 norm exceeds ``max_value`` to that norm."""

    def __init__(self, max_value=2, axis=0):
        self.max_value = _number(max_value, "max_value", "MaxNorm")
        self.axis = _axis(axis, "MaxNorm")

    def __call__(self, w):
        w = as_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return w * (desired / (_EPSILON + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


@keras_export("keras.constraints.NonNeg", "keras.constraints.non_neg")
class NonNeg(Constraint):
    """Clip negative weights to zero."""

    def __call__(self, w):
        return ops.maximum(as_tensor(w), 0.0)


@keras_export("keras.constraints.UnitNorm", "keras.constraints.unit_norm")
class UnitNorm(Constraint):
    """Divide each slice along ``axis`` by its L2 norm."""

    def __init__(self, axis=0):
        self.axis = _axis(axis, "UnitNorm")

    def __call__(self, w):
        w = as_tensor(w)
        return w / (_EPSILON + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


@keras_export("keras.constraints.MinMaxNorm", "keras.constraints.min_max_norm")
class MinMaxNorm(Constraint):
    """Move each slice's L2 norm toward [min_value, max_value] by ``rate`` (1: exactly into it)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = _number(min_value, "min_value", "MinMaxNorm")
        self.max_value = _number(max_value, "max_value", "MinMaxNorm")
        if self.min_value > self.max_value:
            raise ValueError("MinMaxNorm: expected min_value <= max_value. Received: "
                             f"min_value={min_value}, max_value={max_value}")
        self.rate = _number(rate, "rate", "MinMaxNorm")
        self.axis = _axis(axis, "MinMaxNorm")

    def __call__(self, w):
        w = as_tensor(w)
        norms = _norms(w, self.axis)
        desired = self.rate * ops.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (_EPSILON + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


# Keras aliases: the lowercase names are the classes.
max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
