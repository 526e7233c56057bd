"""Weight penalties, with Keras 3 names: ``reg(weight) -> scalar Tensor`` added to the loss.

The penalties are built from ``shenjing.ops``, so their gradient flows to the weight.
"""

import inspect
import math

import numpy as np  # argument checks only: arrays go through backend.xp

from . import backend, ops
from .autograd.tensor import as_tensor
from .registry import Registry
from .registry import keras_export


def _factor(value, name, default=0.0):
    """A non-negative finite float (None means ``default``)."""
    value = default if value is None else value
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not math.isfinite(value) or value < 0:
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. Received: {name}={value!r}"
        )
    return float(value)


@keras_export("keras.regularizers.Regularizer")
class Regularizer:
    """Base class: ``__call__(x)`` returns the scalar penalty of tensor ``x``."""

    def __call__(self, x):
        return as_tensor(0.0, like=as_tensor(x))

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@keras_export("keras.regularizers.L1L2")
class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x^2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor(l1, "l1")
        self.l2 = _factor(l2, "l2")

    def __call__(self, x):
        x = as_tensor(x)
        penalty = as_tensor(0.0, like=x)
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(ops.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


@keras_export("keras.regularizers.L1", "keras.regularizers.l1")
class L1(Regularizer):
    """l1 * sum(|x|)."""

    def __init__(self, l1=0.01):
        self.l1 = _factor(l1, "l1", default=0.01)

    def __call__(self, x):
        return self.l1 * ops.sum(ops.abs(x))

    def get_config(self):
        return {"l1": self.l1}


@keras_export("keras.regularizers.L2", "keras.regularizers.l2")
class L2(Regularizer):
    """l2 * sum(x^2)."""

    def __init__(self, l2=0.01):
        self.l2 = _factor(l2, "l2", default=0.01)

    def __call__(self, x):
        return self.l2 * ops.sum(ops.square(x))

    def get_config(self):
        return {"l2": self.l2}


@keras_export("keras.regularizers.OrthogonalRegularizer",
              "keras.regularizers.orthogonal_regularizer")
class OrthogonalRegularizer(Regularizer):
    """factor * mean over pairs i < j of |<u_i, u_j>|, u the L2-normalized rows (or columns)."""

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _factor(factor, "factor")
        if mode not in ("rows", "columns"):
            raise ValueError(f"Invalid value for argument mode: expected 'rows' or 'columns'. Received: mode={mode!r}")
        self.mode = mode

    def __call__(self, x):
        x = as_tensor(x)
        if x.ndim != 2:
            raise ValueError(f"OrthogonalRegularizer needs a rank-2 tensor, received shape {x.shape}")
        if self.mode == "columns":
            x = ops.transpose(x)
        norms = ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=1, keepdims=True), 1e-12))
        u = x / norms
        size = x.shape[0]
        if size < 2:
            return as_tensor(0.0, like=x)
        off_diagonal = ops.matmul(u, ops.transpose(u)) * (1.0 - backend.xp.eye(size, dtype=x.dtype))
        pairs = size * (size - 1) / 2.0
        return self.factor * 0.5 * ops.sum(ops.abs(off_diagonal)) / pairs

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# Keras aliases: l1 and l2 are the classes.
l1, l2 = L1, L2
orthogonal_regularizer = OrthogonalRegularizer


def l1_l2(l1=0.01, l2=0.01):  # noqa: F811  (the argument names shadow the aliases, as in Keras)
    """An ``L1L2`` with both factors 0.01 unless given (tf.keras's ``l1_l2``)."""
    return L1L2(l1=l1, l2=l2)


_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({"regularizer": Regularizer, "l1": L1, "l2": L2, "l1l2": L1L2,
                 "l1_l2": l1_l2, "orthogonal_regularizer": OrthogonalRegularizer})


_REGISTRY = Registry("regularizer", "keras.regularizers", Regularizer, _BY_NAME)
serialize = _REGISTRY.serialize


def deserialize(config, custom_objects=None):
    """A regularizer from ``serialize``'s dict or from a name."""
    if isinstance(config, str):
        obj = _REGISTRY.lookup(config, custom_objects)
        return obj() if inspect.isclass(obj) or obj is l1_l2 else obj
    obj, kwargs = _REGISTRY.lookup_config(config, custom_objects)
    if kwargs is None:
        return obj
    return obj.from_config(kwargs) if inspect.isclass(obj) else obj(**kwargs)


def get(identifier):
    """A regularizer from None, a name ("l2", "l1_l2", "L1L2"), a config dict, a class or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if inspect.isclass(identifier) or identifier is l1_l2:
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")
