"""Normalization layers: ``BatchNormalization`` and ``LayerNormalization``.

Batch normalization, over every axis but ``axis``:
    training:  y = gamma (x - mean_B) / sqrt(var_B + eps) + beta, with the batch's (biased)
               mean and variance, and moving = moving * momentum + batch * (1 - momentum);
    inference: the same with the moving mean and variance.
"""

from .. import initializers, ops, regularizers
from .input_spec import InputSpec
from .layer import Layer
from .layer_utils import reject_constraint, serialize_regularizer
from ..registry import keras_export


def normalize(inputs, mean, variance, epsilon, gamma, beta, shaped):
    """(x - mean) / sqrt(var + eps), then scaled by gamma and shifted by beta when they exist
    (``shaped`` makes a per-feature weight broadcast against the inputs)."""
    outputs = (inputs - mean) / ops.sqrt(variance + epsilon)
    if gamma is not None:
        outputs = outputs * shaped(gamma)
    if beta is not None:
        outputs = outputs + shaped(beta)
    return outputs


def add_gamma_beta(layer, shape, gamma, beta):
    """The layer's scale ``gamma`` and offset ``beta`` weights of ``shape``, each if asked for,
    from its ``gamma_*`` / ``beta_*`` initializer and regularizer."""
    if gamma:
        layer.gamma = layer.add_weight(shape=shape, initializer=layer.gamma_initializer,
                                       regularizer=layer.gamma_regularizer, name="gamma")
    if beta:
        layer.beta = layer.add_weight(shape=shape, initializer=layer.beta_initializer,
                                      regularizer=layer.beta_regularizer, name="beta")


@keras_export("keras.layers.BatchNormalization")
class BatchNormalization(Layer):
    """Normalize with batch statistics in training and moving statistics in inference.

    Weights, in Keras's order: gamma, beta (trainable), moving_mean, moving_variance (not).
    A layer with ``trainable = False`` always runs in inference mode, as in Keras 3.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized=False, renorm=False,
                 renorm_clipping=None, renorm_momentum=0.99, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            axis = axis[0]
        if not isinstance(axis, int):
            raise ValueError(f"Layer '{self.name}': `axis` must be an int. Received: axis={axis}")
        if renorm:
            raise ValueError(f"Layer '{self.name}': renorm=True is not supported")
        reject_constraint(self.name, "beta_constraint", beta_constraint)
        reject_constraint(self.name, "gamma_constraint", gamma_constraint)
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.synchronized = synchronized
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.gamma = self.beta = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"Layer '{self.name}': axis={self.axis} is out of range for inputs of "
                             f"shape {input_shape}")
        axis = self.axis % ndim
        size = input_shape[axis]
        if size is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined dimension but the "
                             f"layer received an input with shape {input_shape}.")
        shape = (size,)
        add_gamma_beta(self, shape, gamma=self.scale, beta=self.center)
        self.moving_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=shape, initializer=self.moving_variance_initializer,
                                               trainable=False, name="moving_variance")
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: size})
        self._axis = axis
        self._reduction_axes = tuple(a for a in range(ndim) if a != axis)
        self._broadcast = tuple(size if a == axis else 1 for a in range(ndim))

    def call(self, inputs, training=None):
        def shaped(w):
            return w if self._axis == inputs.ndim - 1 else ops.reshape(w, self._broadcast)

        if training and self.trainable:
            mean = ops.mean(inputs, axis=self._reduction_axes, keepdims=True)
            variance = ops.var(inputs, axis=self._reduction_axes, keepdims=True)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean.data * m + mean.data.reshape(-1) * (1 - m))
            self.moving_variance.assign(self.moving_variance.data * m + variance.data.reshape(-1) * (1 - m))
        else:
            mean, variance = shaped(self.moving_mean), shaped(self.moving_variance)
        return normalize(inputs, mean, variance, self.epsilon, self.gamma, self.beta, shaped)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": serialize_regularizer(self.beta_regularizer),
            "gamma_regularizer": serialize_regularizer(self.gamma_regularizer),
            "beta_constraint": None,
            "gamma_constraint": None,
            "synchronized": self.synchronized,
        }


@keras_export("keras.layers.LayerNormalization")
class LayerNormalization(Layer):
    """Normalize each sample over ``axis``: y = gamma (x - mean) / sqrt(var + eps) + beta.

    With ``rms_scaling=True``: y = gamma x / sqrt(mean(x^2) + eps) (no centering, no beta).
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            axis = list(axis)
        elif not isinstance(axis, int):
            raise TypeError(f"Expected an int or a list/tuple of ints for the argument 'axis', "
                            f"but received: {axis}")
        reject_constraint(self.name, "beta_constraint", beta_constraint)
        reject_constraint(self.name, "gamma_constraint", gamma_constraint)
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.gamma = self.beta = None

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        if any(not -ndim <= a < ndim for a in axes):
            raise ValueError(f"Layer '{self.name}': axis={self.axis} is out of range for inputs of "
                             f"shape {input_shape}")
        self._axes = tuple(sorted(a % ndim for a in axes))
        shape = tuple(input_shape[a] for a in self._axes)
        add_gamma_beta(self, shape, gamma=self.scale or self.rms_scaling,
                       beta=self.center and not self.rms_scaling)
        self._broadcast = tuple(input_shape[a] if a in self._axes else 1 for a in range(ndim))
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in self._axes})

    def call(self, inputs):
        def shaped(w):
            return ops.reshape(w, self._broadcast)

        if self.rms_scaling:
            ms = ops.mean(ops.square(inputs), axis=self._axes, keepdims=True)
            return inputs / ops.sqrt(ms + self.epsilon) * shaped(self.gamma)
        mean = ops.mean(inputs, axis=self._axes, keepdims=True)
        variance = ops.var(inputs, axis=self._axes, keepdims=True)
        return normalize(inputs, mean, variance, self.epsilon, self.gamma, self.beta, shaped)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": serialize_regularizer(self.beta_regularizer),
            "gamma_regularizer": serialize_regularizer(self.gamma_regularizer),
            "beta_constraint": None,
            "gamma_constraint": None,
        }
