"""``Reshape``: (batch, ...) -> (batch, *target_shape), one entry of which may be -1."""

import math

from .. import ops
from .layer import Layer
from ..registry import keras_export


@keras_export("keras.layers.Reshape")
class Reshape(Layer):
    """Reshape every sample to ``target_shape`` (the batch axis is kept)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if isinstance(target_shape, int):
            target_shape = (target_shape,)
        target_shape = tuple(-1 if d is None else int(d) for d in target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(d == 0 or d < -1 for d in target_shape):
            raise ValueError("There must be at most one unknown dimension (-1) in target_shape and "
                             f"the others must be positive. Received: target_shape={target_shape}")
        self.target_shape = target_shape

    def _resolve(self, sample_shape):
        known = math.prod(d for d in self.target_shape if d != -1)
        if any(d is None for d in sample_shape):
            return tuple(None if d == -1 else d for d in self.target_shape)
        size = math.prod(sample_shape)
        if -1 in self.target_shape:
            if size % known:
                raise ValueError(self._size_error(sample_shape))
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if size != known:
            raise ValueError(self._size_error(sample_shape))
        return self.target_shape

    def _size_error(self, sample_shape):
        return (f"Layer '{self.name}': the total size of the tensor must be unchanged. Received: "
                f"input_shape={tuple(sample_shape)}, target_shape={self.target_shape}")

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0],) + self._resolve(inputs.shape[1:]))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolve(tuple(input_shape[1:]))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}
