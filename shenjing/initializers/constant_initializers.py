"""Initializer base class and the constant initializers: Zeros, Ones, Constant, Identity."""

import numpy as np  # dtypes and shape checks only: arrays go through backend.xp

from .. import backend
from ..registry import keras_export


def _shape(shape):
    if shape is None:
        raise ValueError("An initializer needs a shape, received shape=None")
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(n) for n in shape)


def _float_dtype(dtype, who):
    dtype = np.dtype(dtype or backend.floatx())
    if dtype.kind != "f":
        raise ValueError(f"{who} can only produce floating-point values, received dtype={dtype}")
    return dtype


@keras_export("keras.initializers.Initializer")
class Initializer:
    """Base class: ``__call__(shape, dtype=None) -> ndarray``, ``get_config``, ``from_config``."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


@keras_export("keras.initializers.Zeros", "keras.initializers.zeros")
class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return backend.xp.zeros(_shape(shape), dtype=dtype or backend.floatx())


@keras_export("keras.initializers.Ones", "keras.initializers.ones")
class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return backend.xp.ones(_shape(shape), dtype=dtype or backend.floatx())


@keras_export("keras.initializers.Constant", "keras.initializers.constant")
class Constant(Initializer):
    """Every value equal to ``value``."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return backend.xp.full(_shape(shape), self.value, dtype=dtype or backend.floatx())

    def get_config(self):
        return {"value": self.value}


@keras_export("keras.initializers.Identity", "keras.initializers.identity")
class Identity(Initializer):
    """``gain * eye(rows, cols)`` for a 2-D shape."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape, received shape={shape}")
        return (self.gain * backend.xp.eye(*shape)).astype(_float_dtype(dtype, "Identity"))

    def get_config(self):
        return {"gain": self.gain}
