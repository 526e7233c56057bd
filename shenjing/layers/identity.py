"""``Identity``: y = x (a placeholder layer, e.g. where an architecture may put a block)."""

from .layer import Layer
from ..registry import keras_export


@keras_export("keras.layers.Identity")
class Identity(Layer):
    """Returns its inputs unchanged (any structure of tensors)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
