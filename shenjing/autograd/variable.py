"""``Variable``: a named, trainable leaf Tensor that optimizers update in place."""

import numpy as np  # broadcast_shapes and dtype probes on host values only: arrays go through backend.xp

from .. import backend
from .tensor import Tensor


class Variable(Tensor):
    """A weight: a leaf tensor with a ``name`` whose ``requires_grad`` follows ``trainable``."""

    __slots__ = ("_trainable", "path", "constraint")

    def __init__(self, initializer=None, shape=None, dtype=None, trainable=True, name=None,
                 initial_value=None, constraint=None):
        if initializer is None:  # TensorFlow's keyword: tf.Variable(initial_value=...)
            initializer = initial_value
        if initializer is None:
            raise ValueError(f"Variable {name!r}: Expected an initial value or an initializer. "
                             "Received: initializer=None")
        value = initializer(shape, dtype=dtype) if callable(initializer) else initializer
        if dtype is None and not hasattr(value, "dtype"):  # Python numbers and lists, as Keras/TF:
            probe = np.asarray(value)                      # floats -> floatx, ints -> int32
            if probe.dtype.kind == "f":
                dtype = backend.floatx()
            elif probe.dtype == np.int64:
                dtype = np.int32
        array = backend.xp.array(getattr(value, "data", value), dtype=dtype, copy=True)
        if shape is not None and tuple(array.shape) != tuple(shape):
            raise ValueError(
                f"Variable {name!r}: initial value has shape {array.shape}, expected {tuple(shape)}"
            )
        super().__init__(array, requires_grad=trainable and array.dtype.kind == "f", name=name)
        self._trainable = bool(trainable)
        self.path = name
        self.constraint = constraint  # applied by the optimizer after each update (Keras)

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        self.requires_grad = self._trainable and self.data.dtype.kind == "f"

    @property
    def value(self):
        return self.data

    def assign(self, value):
        """Overwrite the values in place; the shape must match."""
        array = backend.xp.asarray(getattr(value, "data", value))
        if array.shape != self.data.shape:
            raise ValueError(
                f"Variable {self.name!r} has shape {self.data.shape}; cannot assign a value of shape {array.shape}"
            )
        self.data[...] = array
        return self

    def assign_add(self, delta):
        """Add ``delta`` in place; it must match the shape or broadcast to it (a scalar)."""
        self.data += self._delta(delta, "assign_add")
        return self

    def assign_sub(self, delta):
        """Subtract ``delta`` in place; it must match the shape or broadcast to it (a scalar)."""
        self.data -= self._delta(delta, "assign_sub")
        return self

    def _delta(self, delta, method):
        array = backend.xp.asarray(getattr(delta, "data", delta), dtype=self.data.dtype)
        try:
            fits = np.broadcast_shapes(array.shape, self.data.shape) == self.data.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(
                f"Variable {self.name!r} has shape {self.data.shape}; cannot {method} a value of "
                f"shape {array.shape}"
            )
        return array

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}>"
