"""``ActivityRegularization``: y = x, and adds l1 * sum|x| + l2 * sum x^2 (divided by the batch
size, as every activity regularizer) to the layer's losses on each call."""

from .. import regularizers
from .layer import Layer
from ..registry import keras_export


@keras_export("keras.layers.ActivityRegularization")
class ActivityRegularization(Layer):
    """The identity, with an L1/L2 penalty on its outputs added to ``losses``."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
