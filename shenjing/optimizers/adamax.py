"""Adamax: Adam with the infinity norm in place of the second moment (Kingma & Ba, 2014, 7.1)."""

from .. import backend

from .optimizer import Optimizer
from ..registry import keras_export


@keras_export("keras.optimizers.Adamax")
class Adamax(Optimizer):
    """``m += (g - m) * (1 - beta_1)``; ``u = max(beta_2 * u, |g|)``;
    ``w -= lr * m / ((1 - beta_1**t) * (u + epsilon))`` with ``t = iterations + 1``."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None,
                 **kwargs):
        # weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    _interleaved_slots = ("momentum", "norm")  # Keras's build: weight by weight

    def _slot_kinds(self):
        return (("momentum", 0.0), ("norm", 0.0))

    def _prepare(self, lr):
        b1 = float(self.beta_1)
        return lr, 1 - b1, float(self.beta_2), 1 - b1 ** (self.iterations + 1), float(self.epsilon)

    def _update_step(self, w, g, slots, coeffs):
        lr, c1, b2, bias, eps = coeffs
        m, u = slots
        tmp = g - m
        tmp *= c1
        m += tmp
        u *= b2
        backend.xp.abs(g, out=tmp)
        backend.xp.maximum(u, tmp, out=u)
        backend.xp.add(u, eps, out=tmp)
        tmp *= bias
        step = m * lr
        step /= tmp
        w -= step

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
