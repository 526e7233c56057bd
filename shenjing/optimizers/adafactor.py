"""Adafactor: adaptive rates with factored second moments (Shazeer & Stern, 2018)."""

import math

from .. import backend
from .optimizer import Optimizer
from ..registry import keras_export


def _rms(x):
    return math.sqrt(float(backend.xp.mean(backend.xp.square(x))))


@keras_export("keras.optimizers.Adafactor")
class Adafactor(Optimizer):
    """With ``t = iterations + 1``, ``rho = min(lr, 1 / sqrt(t))``,
    ``alpha = max(epsilon_2, rms(w)) * rho``, ``b = 1 - t**beta_2_decay`` and
    ``q = g**2 + epsilon_1``: a weight of rank >= 2 keeps row and column means of ``q``
    (its last two axes), ``r = b r + (1 - b) mean(q, -1)``, ``c = b c + (1 - b) mean(q, -2)``,
    and ``v = (r / mean(r, -1))[..., None] * c[..., None, :]``; a smaller weight keeps
    ``v = b v + (1 - b) q``. Then ``u = g / sqrt(v)``,
    ``w -= alpha * u / max(1, rms(u) / clip_threshold)``."""

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
                 clip_threshold=1.0, relative_step=True, name=None, **kwargs):
        # weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    # Keras's build makes, weight by weight, the row and column statistics (int32 scalar
    # placeholders for weights of rank < 2) and the velocity.
    _interleaved_slots = ("r", "c", "velocity")

    def _slot_kinds(self):
        return (("r", 0.0), ("c", 0.0), ("velocity", 0.0))

    def _make_slots(self, var):
        xp = backend.xp
        data = var.data
        shape = data.shape
        if len(shape) < 2:
            r = xp.zeros((), dtype="int32")
            c = xp.zeros((), dtype="int32")
        else:
            r = xp.zeros(shape[:-1], dtype=data.dtype)
            c = xp.zeros(shape[:-2] + shape[-1:], dtype=data.dtype)
        return [r, c, xp.zeros_like(data)]

    def _prepare(self, lr):
        t = self.iterations + 1
        rho = min(lr, 1.0 / math.sqrt(t))
        return rho, 1.0 - t ** float(self.beta_2_decay)

    def _update_step(self, w, g, slots, coeffs):
        rho, b = coeffs
        xp = backend.xp
        r, c, v = slots
        alpha = max(float(self.epsilon_2), _rms(w)) * rho
        q = xp.square(g)
        q += self.epsilon_1
        if w.ndim >= 2:
            r *= b
            r += (1 - b) * xp.mean(q, axis=-1)
            c *= b
            c += (1 - b) * xp.mean(q, axis=-2)
            v[...] = xp.expand_dims(r / xp.mean(r, axis=-1, keepdims=True), -1) * \
                xp.expand_dims(c, -2)
        else:
            v *= b
            v += (1 - b) * q
        u = g / xp.sqrt(v)
        u /= max(1.0, _rms(u) / self.clip_threshold)
        u *= alpha
        w -= u

    def get_config(self):
        config = super().get_config()
        config.update({"beta_2_decay": self.beta_2_decay, "epsilon_1": self.epsilon_1,
                       "epsilon_2": self.epsilon_2, "clip_threshold": self.clip_threshold,
                       "relative_step": self.relative_step})
        return config
