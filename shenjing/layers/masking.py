"""``Masking``: mark timesteps whose features all equal ``mask_value`` as padding.

mask[b, t] = any(x[b, t, :] != mask_value);  y = x where mask, else 0.
Layers downstream that support masks skip the masked timesteps (mask propagation).
"""

from .. import backend, ops
from ..autograd import Tensor
from .layer import Layer
from ..registry import keras_export


@keras_export("keras.layers.Masking")
class Masking(Layer):
    """Masks timesteps equal to ``mask_value`` on every feature; ``compute_mask`` returns them."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config", None):
            from ..serialization import deserialize_keras_object

            mask_value = deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.supports_masking = True

    def _keep(self, inputs, keepdims):
        data = inputs.data if isinstance(inputs, Tensor) else backend.xp.asarray(inputs)
        return backend.xp.any(data != self.mask_value, axis=-1, keepdims=keepdims)

    def compute_mask(self, inputs, mask=None):
        return Tensor(self._keep(inputs, keepdims=False))

    def call(self, inputs):
        return ops.where(self._keep(inputs, keepdims=True), inputs, 0.0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
