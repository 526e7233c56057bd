"""Activation layers: ``Activation(fn)`` and the parametrised ones (ReLU, LeakyReLU, Softmax, ELU, PReLU)."""

import warnings

from .. import activations, backend, constraints, initializers, ops, regularizers
from .input_spec import InputSpec
from .layer import Layer
from .layer_utils import serialize_constraint, serialize_regularizer
from ..registry import keras_export


@keras_export("keras.layers.Activation")
class Activation(Layer):
    """Apply an activation function (a name such as "relu", or a callable) elementwise."""

    supports_masking = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


@keras_export("keras.layers.ReLU")
class ReLU(Layer):
    """y = min(max_value, x) for x >= threshold, else negative_slope * (x - threshold)."""

    supports_masking = True

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. Received: {max_value}")
        if negative_slope is None or negative_slope < 0:
            raise ValueError("negative_slope of a ReLU layer cannot be a negative value. "
                             f"Received: {negative_slope}")
        if threshold is None:
            raise ValueError("threshold of a ReLU layer cannot be None. Expected a float. "
                             f"Received: {threshold}")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


@keras_export("keras.layers.LeakyReLU")
class LeakyReLU(Layer):
    """y = x if x > 0 else negative_slope * x (Keras's default slope is 0.3)."""

    supports_masking = True

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.", stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError("The negative_slope value of a Leaky ReLU layer cannot be None or negative "
                             f"value. Expected a float. Received: negative_slope={negative_slope}")
        self.negative_slope = negative_slope

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


def _softmax_mask(mask, inputs):
    """``mask`` as booleans (values > 0.5 keep), checked to broadcast to ``inputs``."""
    data = backend.xp.asarray(getattr(mask, "data", mask))
    shape, target = tuple(data.shape), tuple(inputs.shape)
    if len(shape) > len(target) or any(m != 1 and m != i for m, i in zip(shape[::-1], target[::-1])):
        raise ValueError("The `mask` must be broadcastable to `inputs`: each mask dimension must be "
                         f"1 or match the corresponding input dimension. Received: "
                         f"inputs.shape={target}, mask.shape={shape}")
    return data if data.dtype == bool else data > 0.5


@keras_export("keras.layers.Softmax")
class Softmax(Layer):
    """y = exp(x) / sum(exp(x)) along ``axis``."""

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        """With ``mask`` (True = keep; it broadcasts to ``inputs`` from the right), masked
        positions get -1e9 before the softmax and 0 after it, as Keras's layer does."""
        if mask is not None:
            mask = _softmax_mask(mask, inputs)
            inputs = ops.where(mask, inputs, -3e4 if inputs.dtype == "float16" else -1e9)
        outputs = ops.softmax(inputs, axis=self.axis)
        return outputs if mask is None else ops.where(mask, outputs, 0.0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


@keras_export("keras.layers.ELU")
class ELU(Layer):
    """y = x if x > 0 else alpha * (exp(x) - 1)."""

    supports_masking = True

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return ops.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


@keras_export("keras.layers.PReLU")
class PReLU(Layer):
    """y = x if x > 0 else alpha * x, with a learned ``alpha`` per value (shared along ``shared_axes``)."""

    supports_masking = True

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        if shared_axes is not None and not isinstance(shared_axes, (list, tuple)):
            shared_axes = [shared_axes]
        self.shared_axes = None if shared_axes is None else list(shared_axes)

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            param_shape[axis - 1] = 1
        self.alpha = self.add_weight(shape=param_shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint, name="alpha")
        axes = {i: input_shape[i] for i in range(1, len(input_shape))
                if i not in (self.shared_axes or ())}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)

    def call(self, inputs):
        return ops.relu(inputs) - self.alpha * ops.relu(-inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": serialize_regularizer(self.alpha_regularizer),
                "alpha_constraint": serialize_constraint(self.alpha_constraint),
                "shared_axes": self.shared_axes}
