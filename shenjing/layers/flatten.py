"""``Flatten``: (batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""

import math

from .. import ops
from .input_spec import InputSpec
from .layer import Layer
from ..registry import keras_export


@keras_export("keras.layers.Flatten")
class Flatten(Layer):
    """Join every axis but the batch axis; ``data_format='channels_first'`` moves channels last first."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError('The `data_format` argument must be one of {"channels_first", '
                             f'"channels_last"}}. Received: data_format={data_format}')
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = ops.transpose(inputs, (0, *range(2, inputs.ndim), 1))
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
