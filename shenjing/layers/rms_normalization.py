"""``RMSNormalization``: y = scale * x / sqrt(mean(x^2, axis) + epsilon), a learned ``scale``
over the normalized axes (no centering, no offset); ``ops.rms_normalization`` computes it."""

from .. import ops
from .layer import Layer
from ..registry import keras_export


@keras_export("keras.layers.RMSNormalization")
class RMSNormalization(Layer):
    """Root-mean-square normalization along ``axis`` (an int or a list of ints)."""

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = sorted(self.axis) if isinstance(self.axis, (list, tuple)) else [self.axis]
        for axis in axes:
            if not -ndim <= axis < ndim:
                raise ValueError(f"Axis {axis} is out of bounds for input shape {input_shape}. "
                                 f"Received: axis={self.axis}")
        shape = tuple(input_shape[a] for a in axes)
        if any(d is None for d in shape):
            raise ValueError(f"Layer '{self.name}': the normalized axes {axes} of the input must be "
                             f"defined; received input_shape={input_shape}")
        self.axis = list(axes)
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        normalized = sorted(a % ndim for a in axes)
        self._axes = tuple(normalized)
        self._broadcast = tuple(input_shape[a] if a in normalized else 1 for a in range(ndim))

    def call(self, x):
        # the scale is reshaped onto the normalized axes, so any axis (not only trailing ones) works
        return ops.rms_normalization(x, scale=ops.reshape(self.scale, self._broadcast), axis=self._axes,
                                     epsilon=self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
