"""``Rescaling``: y = cast(x, compute_dtype) * scale + offset (scale/offset scalars or
per-channel sequences; Keras 3's contract and config)."""

import numpy as np

from ... import ops
from ...registry import keras_export
from ...serialization import deserialize_keras_object, serialize_keras_object
from ..layer import Layer


@keras_export("keras.layers.Rescaling")
class Rescaling(Layer):
    """Multiply the inputs by ``scale`` and add ``offset`` (e.g. ``scale=1./255``)."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = ops.convert_to_tensor(np.asarray(self.scale, dtype=dtype))
        offset = ops.convert_to_tensor(np.asarray(self.offset, dtype=dtype))
        return ops.add(ops.multiply(ops.cast(inputs, dtype), scale), offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "scale": serialize_keras_object(self.scale),
                "offset": serialize_keras_object(self.offset)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("scale", "offset"):
            if key in config:
                config[key] = deserialize_keras_object(config[key])
        return cls(**config)
