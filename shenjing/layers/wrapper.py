"""``Wrapper``: the base of layers that wrap another layer (its config holds the inner layer's
serialized dict under ``"layer"``; the inner layer's weights follow the wrapper's own)."""

from .layer import Layer
from ..registry import keras_export


@keras_export("keras.layers.Wrapper")
class Wrapper(Layer):
    """``Wrapper(layer)``: builds ``layer`` when built, serializes it in its config."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Layer {layer} supplied to Wrapper isn't a supported layer type. "
                             "Please ensure wrapped layer is a valid Keras layer.")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)

    def get_config(self):
        from ..serialization import serialize_keras_object

        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..serialization import deserialize_keras_object

        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
