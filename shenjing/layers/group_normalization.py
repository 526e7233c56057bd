"""``GroupNormalization``: split the channels (``axis``) into ``groups`` and normalize each
sample over each group (its channels and every other non-batch axis):
y = gamma (x - mean_g) / sqrt(var_g + eps) + beta. groups=1 is layer normalization over all
axes, groups=-1 (one channel per group) is instance normalization.
"""

import numpy as np

from .. import constraints, initializers, ops, regularizers
from .input_spec import InputSpec
from .layer import Layer
from .layer_utils import serialize_constraint, serialize_regularizer
from .normalization import add_gamma_beta
from ..registry import keras_export


@keras_export("keras.layers.GroupNormalization")
class GroupNormalization(Layer):
    """Normalize per sample over groups of channels; gamma and beta per channel."""

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or (groups <= 0 and groups != -1):
            raise ValueError("Received an invalid value for argument `groups`, expected a positive "
                             "integer (or `-1` for instance normalization). "
                             f"Received: groups={groups}")
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise ValueError(f"Layer '{self.name}': `axis` must be an int. Received: axis={axis}")
        self.supports_masking = True
        self.groups = int(groups)
        self.axis = int(axis)
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = self.beta = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim or self.axis % ndim == 0:
            raise ValueError(f"Layer '{self.name}': axis={self.axis} is out of range (or the batch "
                             f"axis) for inputs of shape {input_shape}")
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined dimension but "
                             f"the layer received an input with shape {input_shape}.")
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(f"Number of groups ({self.groups}) cannot be more than the number of "
                             f"channels ({dim}).")
        if dim % self.groups != 0:
            raise ValueError(f"Number of groups ({self.groups}) must be a multiple of the number of "
                             f"channels ({dim}).")
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: dim})
        add_gamma_beta(self, (dim,), gamma=self.scale, beta=self.center)
        axis = self.axis % ndim
        self._axis = axis
        # The grouped shape inserts the group axis before the channel axis.
        self._weight_shape = tuple(self.groups if a == axis else (dim // self.groups if a == axis + 1 else 1)
                                   for a in range(ndim + 1))
        self._reduction_axes = tuple(a for a in range(1, ndim + 1) if a != axis)

    def call(self, inputs):
        axis, shape = self._axis, tuple(inputs.shape)
        grouped_shape = shape[:axis] + (self.groups, shape[axis] // self.groups) + shape[axis + 1:]
        x = ops.reshape(inputs, grouped_shape)
        mean = ops.mean(x, axis=self._reduction_axes, keepdims=True)
        variance = ops.var(x, axis=self._reduction_axes, keepdims=True)
        outputs = (x - mean) / ops.sqrt(variance + self.epsilon)
        if self.gamma is not None:
            outputs = outputs * ops.reshape(self.gamma, self._weight_shape)
        if self.beta is not None:
            outputs = outputs + ops.reshape(self.beta, self._weight_shape)
        return ops.reshape(outputs, shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": serialize_regularizer(self.beta_regularizer),
            "gamma_regularizer": serialize_regularizer(self.gamma_regularizer),
            "beta_constraint": serialize_constraint(self.beta_constraint),
            "gamma_constraint": serialize_constraint(self.gamma_constraint),
        }
