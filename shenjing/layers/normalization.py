"""Normalization layers: ``BatchNormalization`` and ``LayerNormalization``.

Batch normalization, over every axis but ``axis``:
    training:  y = gamma (x - mean_B) / sqrt(var_B + eps) + beta, with the batch's (biased)
               mean and variance, and moving = moving * momentum + batch * (1 - momentum);
    inference: the same with the moving mean and variance.
Batch renormalization (``renorm=True``) corrects the batch statistics toward moving ones in
training: y = gamma (r x_hat + d) + beta, r = sigma_B / sigma_R, d = (mean_B - mu_R) / sigma_R
(clipped by ``renorm_clipping``, no gradient through r and d), with mu_R, sigma_R the renorm
moving statistics (``renorm_momentum``); moving_variance = relu(moving_stddev^2 - eps).
"""

import math

from .. import backend, constraints, initializers, ops, regularizers
from ..autograd import Tensor
from .input_spec import InputSpec
from .layer import Layer
from .layer_utils import serialize_constraint, serialize_regularizer
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
                                       regularizer=layer.gamma_regularizer,
                                       constraint=layer.gamma_constraint, name="gamma")
    if beta:
        layer.beta = layer.add_weight(shape=shape, initializer=layer.beta_initializer,
                                      regularizer=layer.beta_regularizer,
                                      constraint=layer.beta_constraint, name="beta")


@keras_export("keras.layers.BatchNormalization")
class BatchNormalization(Layer):
    """Normalize with batch statistics in training and moving statistics in inference.

    Weights, in Keras's order: gamma, beta (trainable), moving_mean, moving_variance (not).
    A layer with ``trainable = False`` always runs in inference mode, as in Keras 3.
    With a mask (propagated or given), training statistics use the unmasked steps only.
    """

    supports_masking = True

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
        self.renorm = bool(renorm)
        if self.renorm:
            renorm_clipping = dict(renorm_clipping or {})
            keys = ["rmax", "rmin", "dmax"]
            if set(renorm_clipping) - set(keys):
                raise ValueError("Received invalid keys for `renorm_clipping` argument: "
                                 f"{renorm_clipping}. Supported values: {keys}.")
            rmax, rmin, dmax = (renorm_clipping.get(k) for k in keys)
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError("rmax should be greater than rmin in the `renorm_clipping` "
                                 f"argument. Received: rmax={rmax}, rmin={rmin}.")
            if dmax is not None and dmax < 0:
                raise ValueError("dmax should be non-negative in the `renorm_clipping` "
                                 f"argument. Received: dmax={dmax}.")
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = float(renorm_momentum)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
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
        if self.renorm:
            def moving_stddev_initializer(shape, dtype=None):
                return backend.xp.sqrt(backend.xp.asarray(
                    self.moving_variance_initializer(shape, dtype=dtype)))

            self.moving_stddev = self.add_weight(shape=shape, initializer=moving_stddev_initializer,
                                                 trainable=False, name="moving_stddev")
            self.renorm_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer,
                                               trainable=False, name="renorm_mean")
            self.renorm_stddev = self.add_weight(shape=shape, initializer=moving_stddev_initializer,
                                                 trainable=False, name="renorm_stddev")
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: size})
        self._axis = axis
        self._reduction_axes = tuple(a for a in range(ndim) if a != axis)
        self._broadcast = tuple(size if a == axis else 1 for a in range(ndim))

    def _moments(self, inputs, mask):
        """The batch mean and variance (kept dims); with ``mask`` (one axis fewer than the
        inputs), over the unmasked positions only: sum(m x) / (sum(m) + 1e-7), as Keras."""
        axes = self._reduction_axes
        if mask is None:
            return (ops.mean(inputs, axis=axes, keepdims=True),
                    ops.var(inputs, axis=axes, keepdims=True))
        keep = backend.xp.broadcast_to(
            backend.xp.asarray(getattr(mask, "data", mask)).astype(bool)[..., None], inputs.shape)
        weights = keep.astype(inputs.dtype).sum(axis=axes, keepdims=True) + 1e-7
        mean = ops.sum(ops.where(keep, inputs, 0.0), axis=axes, keepdims=True) / weights
        squares = ops.square(ops.where(keep, inputs - mean, 0.0))
        return mean, ops.sum(squares, axis=axes, keepdims=True) / weights

    def call(self, inputs, training=None, mask=None):
        def shaped(w):
            return w if self._axis == inputs.ndim - 1 else ops.reshape(w, self._broadcast)

        if mask is not None and len(mask.shape) != inputs.ndim - 1:
            raise ValueError("The mask provided should be one dimension less than the inputs. "
                             f"Received: mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}")
        gamma, beta = self.gamma, self.beta
        if training and self.trainable and self.renorm:
            mean, variance = self._moments(inputs, mask)
            gamma, beta = self._renorm_transform(mean.data.reshape(-1), variance.data.reshape(-1))
        elif training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean.data * m + mean.data.reshape(-1) * (1 - m))
            self.moving_variance.assign(self.moving_variance.data * m + variance.data.reshape(-1) * (1 - m))
        else:
            mean, variance = shaped(self.moving_mean), shaped(self.moving_variance)
        return normalize(inputs, mean, variance, self.epsilon, gamma, beta, shaped)

    def _renorm_transform(self, mean, variance):
        """The effective (gamma, beta) = (r gamma, d gamma + beta) of one renorm training step,
        and the update of the renorm and moving statistics (arrays: no gradient through r, d)."""
        xp = backend.xp
        stddev = xp.sqrt(variance + self.epsilon)
        renorm_stddev = xp.maximum(self.renorm_stddev.data, math.sqrt(self.epsilon))
        r = stddev / renorm_stddev
        d = (mean - self.renorm_mean.data) / renorm_stddev
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = xp.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = xp.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = xp.clip(d, -clip["dmax"], clip["dmax"])
        r, d = Tensor(r.astype(mean.dtype)), Tensor(d.astype(mean.dtype))
        gamma = r if self.gamma is None else r * self.gamma
        beta = d if self.gamma is None else d * self.gamma
        if self.beta is not None:
            beta = beta + self.beta
        rm, m = self.renorm_momentum, self.momentum
        self.renorm_mean.assign(self.renorm_mean.data * rm + mean * (1 - rm))
        self.renorm_stddev.assign(self.renorm_stddev.data * rm + stddev * (1 - rm))
        self.moving_mean.assign(self.moving_mean.data * m + mean * (1 - m))
        moving_stddev = self.moving_stddev.data * m + stddev * (1 - m)
        self.moving_stddev.assign(moving_stddev)
        self.moving_variance.assign(xp.maximum(moving_stddev * moving_stddev - self.epsilon, 0))
        return gamma, beta

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
            "beta_constraint": serialize_constraint(self.beta_constraint),
            "gamma_constraint": serialize_constraint(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }


@keras_export("keras.layers.LayerNormalization")
class LayerNormalization(Layer):
    """Normalize each sample over ``axis``: y = gamma (x - mean) / sqrt(var + eps) + beta.

    With ``rms_scaling=True``: y = gamma x / sqrt(mean(x^2) + eps) (no centering, no beta).
    """

    supports_masking = True

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            axis = list(axis)
        elif not isinstance(axis, int):
            raise TypeError(f"Expected an int or a list/tuple of ints for the argument 'axis', "
                            f"but received: {axis}")
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
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
        # As Keras: the axis becomes a sorted list (so the config says [-1]), the weights take
        # the sizes in that order and are reshaped onto the normalized axes.
        self.axis = sorted(axes)
        self._axes = tuple(sorted(a % ndim for a in axes))
        shape = tuple(input_shape[a] for a in self.axis)
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
            "beta_constraint": serialize_constraint(self.beta_constraint),
            "gamma_constraint": serialize_constraint(self.gamma_constraint),
        }
