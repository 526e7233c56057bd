"""``RepeatVector``: (batch, features) -> (batch, n, features), y[:, i] = x for every i < n."""

import numpy as np

from .. import ops
from .input_spec import InputSpec
from .layer import Layer
from ..registry import keras_export


@keras_export("keras.layers.RepeatVector")
class RepeatVector(Layer):
    """Repeat each 2-D sample ``n`` times along a new axis 1."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        if n <= 0:
            raise ValueError(f"Expected a positive integer for `n`. Received: n={n}")
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        batch, features = inputs.shape
        return ops.broadcast_to(ops.expand_dims(inputs, 1), (batch, self.n, features))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
