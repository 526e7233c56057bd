"""Regularization layers, active only when called with ``training=True``: Dropout and its
spatial variants (1D/2D/3D), GaussianNoise, GaussianDropout."""

import math

import numpy as np  # argument checks and the seeded host generators (noise drawn on the host, then moved)

from .. import backend, ops
from ..autograd import Tensor
from .input_spec import InputSpec
from .layer import Layer
from ..registry import keras_export


def _check_rate(rate):
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) or not 0 <= rate <= 1:
        raise ValueError("Invalid value received for argument `rate`. Expected a float value between "
                         f"0 and 1. Received: rate={rate}")
    return rate


class _Random(Layer):
    """A layer with its own generator: a seed fixes the sequence of masks, not one mask."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self._generator = None if seed is None else np.random.default_rng(seed)

    def _rng(self):
        return backend.rng() if self._generator is None else self._generator


@keras_export("keras.layers.Dropout")
class Dropout(_Random):
    """Training: zero each value with probability ``rate`` and scale the rest by 1 / (1 - rate).
    Inference: the identity. ``noise_shape`` (None entries = the input's size) shares one mask."""

    supports_masking = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _check_rate(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def _noise_shape(self, inputs):
        return self.noise_shape

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate >= 1:
            return inputs * 0.0
        return ops.dropout(inputs, self.rate, noise_shape=self._noise_shape(inputs), seed=self._rng())

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}


@keras_export("keras.layers.SpatialDropout1D")
class SpatialDropout1D(Dropout):
    """Dropout of whole channels: one mask per (sample, channel) over (batch, steps, channels)."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _noise_shape(self, inputs):
        return (inputs.shape[0], 1, inputs.shape[-1])

    def get_config(self):
        # Keras's constructor takes (rate, [data_format,] seed, name, dtype) only: no `trainable`,
        # and the dtype policy by its name.
        return {"rate": self.rate, "seed": self.seed, "name": self.name,
                "dtype": self._dtype_policy.name}


@keras_export("keras.layers.SpatialDropout2D")
class SpatialDropout2D(SpatialDropout1D):
    """Dropout of whole feature maps: one mask per (sample, channel) over (batch, h, w, channels)."""

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        from .convolutional import standardize_data_format

        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)
        self.input_spec = InputSpec(ndim=4)

    _rank = 4

    def _noise_shape(self, inputs):
        if self.data_format == "channels_first":
            return inputs.shape[:2] + (1,) * (self._rank - 2)
        return (inputs.shape[0],) + (1,) * (self._rank - 2) + (inputs.shape[-1],)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


@keras_export("keras.layers.SpatialDropout3D")
class SpatialDropout3D(SpatialDropout2D):
    """Dropout of whole 3-D feature maps: one mask per (sample, channel) over 5-D inputs."""

    _rank = 5

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, data_format=data_format, seed=seed, **kwargs)
        self.input_spec = InputSpec(ndim=5)


@keras_export("keras.layers.GaussianNoise")
class GaussianNoise(_Random):
    """Training: y = x + noise, noise ~ N(0, stddev^2). Inference: the identity."""

    supports_masking = True

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if not 0 <= stddev:
            raise ValueError(f"Invalid value received for argument `stddev`. Expected a non-negative "
                             f"float. Received: stddev={stddev}")
        self.stddev = stddev

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = self._rng().normal(0.0, self.stddev, inputs.shape).astype(inputs.dtype)
        return inputs + Tensor(noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


@keras_export("keras.layers.GaussianDropout")
class GaussianDropout(_Random):
    """Training: y = x * noise, noise ~ N(1, rate / (1 - rate)). Inference: the identity."""

    supports_masking = True

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _check_rate(rate)

    def call(self, inputs, training=False):
        if not training or not 0 < self.rate < 1:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = self._rng().normal(1.0, stddev, inputs.shape).astype(inputs.dtype)
        return inputs * Tensor(noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
