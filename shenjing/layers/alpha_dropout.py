"""``AlphaDropout``: dropout for SELU networks that keeps the mean and variance of its inputs.

Training: dropped values are set to alpha' = -scale * alpha (SELU's negative saturation), then
y = a (x * keep + alpha' (1 - keep)) + b, with a = ((1 - rate) (1 + rate alpha'^2))^-1/2 and
b = -a alpha' rate; keep ~ Bernoulli(1 - rate) per value (shared along ``noise_shape``'s 1s).
Inference: the identity.
"""

from .. import backend
from ..autograd import Tensor
from .regularization import _Random, _check_rate
from ..registry import keras_export

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


@keras_export("keras.layers.AlphaDropout")
class AlphaDropout(_Random):
    """Randomly set inputs to SELU's saturation value, then restore mean and variance."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _check_rate(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.supports_masking = True

    def _concrete_noise_shape(self, shape):
        if self.noise_shape is None:
            return tuple(shape)
        if len(self.noise_shape) != len(shape):
            raise ValueError(f"Layer '{self.name}': `noise_shape` {self.noise_shape} must have the "
                             f"rank of the inputs; received inputs of shape {tuple(shape)}")
        return tuple(s if n is None else n for n, s in zip(self.noise_shape, shape))

    def call(self, inputs, training=False):
        if not training or self.rate <= 0:
            return inputs
        alpha_p = -_ALPHA * _SCALE
        uniform = self._rng().uniform(0.0, 1.0, self._concrete_noise_shape(inputs.shape))
        keep = backend.xp.asarray(uniform >= self.rate).astype(inputs.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = inputs * Tensor(keep) + Tensor(alpha_p * (1 - keep))
        return x * a + b

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}
