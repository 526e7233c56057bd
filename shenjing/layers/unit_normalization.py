"""``UnitNormalization``: scale each sample to unit L2 norm along ``axis``:
y = x * min(1 / sqrt(sum(x^2, axis)), 1e12) (Keras's ``ops.normalize(x, axis, order=2,
epsilon=1e-12)``)."""

import numpy as np

from .. import ops
from .layer import Layer
from ..registry import keras_export


@keras_export("keras.layers.UnitNormalization")
class UnitNormalization(Layer):
    """L2-normalize along ``axis`` (an int or a list of ints)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
            self.axis = int(axis)
        else:
            raise TypeError("Invalid value for `axis` argument: expected an int or a list/tuple "
                            f"of ints. Received: axis={axis}")
        self.supports_masking = True

    def call(self, inputs):
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        return ops.normalize(inputs, axis=axis, order=2, epsilon=1e-12)

    def compute_output_shape(self, input_shape):
        for axis in self.axis if isinstance(self.axis, list) else [self.axis]:
            if axis >= len(input_shape) or axis < -len(input_shape):
                raise ValueError(f"Axis {self.axis} is out of bounds for input shape {input_shape}.")
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
