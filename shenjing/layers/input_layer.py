"""``InputLayer`` and ``Input``: the entry point of a functional model, a shape and a dtype."""

import warnings

import numpy as np

from .. import backend
from .keras_tensor import KerasTensor, Node
from .layer import Layer
from ..registry import keras_export


def _checked_shape(shape):
    """``shape`` as a tuple of ints and Nones, refused (Keras's wording) when an entry is not an
    integer (a float, a bool, a string) or is negative, instead of being silently cast."""
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise ValueError(f"Cannot convert '{shape}' to a shape.")
    shape = tuple(shape)
    for d in shape:
        if d is None:
            continue
        if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)):
            raise ValueError(f"Cannot convert '{shape}' to a shape. Found invalid entry '{d}' "
                             f"of type '{type(d)}'. ")
        if d < 0:
            raise ValueError(f"Cannot convert '{shape}' to a shape. Negative dimensions are "
                             "not allowed.")
    return tuple(None if d is None else int(d) for d in shape)


def _is_string_dtype(dtype):
    """Keras's "string" dtype (also ``str``/"str"): text inputs, held as NumPy str arrays."""
    return dtype is str or (isinstance(dtype, str) and dtype in ("string", "str"))


@keras_export("keras.layers.InputLayer")
class InputLayer(Layer):
    """Holds ``batch_shape`` = (batch_size, *shape) and the KerasTensor ``output`` fed to the model."""

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, ragged=None, **kwargs):
        if "input_shape" in kwargs:
            warnings.warn("Argument `input_shape` is deprecated. Use `shape` instead.", stacklevel=2)
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if sparse or ragged:
            raise ValueError("InputLayer: sparse and ragged inputs are not supported")
        if input_tensor is not None:
            raise ValueError("InputLayer: `input_tensor` is not supported; pass `shape` instead")
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if batch_size is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `batch_size` and `batch_shape` at the same time.")
        if shape is None and batch_shape is None:
            raise ValueError("You must pass a `shape` argument.")
        if shape is not None:
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        super().__init__(name=name, **kwargs)
        self.batch_shape = _checked_shape(batch_shape)
        self._input_dtype = ("string" if _is_string_dtype(dtype)
                             else np.dtype(dtype or backend.floatx()).name)
        self.sparse = False
        self.ragged = False
        self.optional = optional
        self.built = True
        self.output = KerasTensor(self.batch_shape, dtype=self._input_dtype, name=self.name)
        Node(self, (), {}, self.output)

    @property
    def dtype(self):
        return self._input_dtype

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return self.batch_shape

    def get_config(self):
        return {"batch_shape": self.batch_shape, "dtype": self._input_dtype, "sparse": self.sparse,
                "ragged": self.ragged, "name": self.name, "optional": self.optional}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None, optional=False):
    """A symbolic input ``KerasTensor`` of shape (batch_size, *shape), made by a new InputLayer."""
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, input_tensor=tensor, optional=optional)
    return layer.output
