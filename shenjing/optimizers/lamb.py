"""Lamb: layer-wise adaptive large-batch optimization (You et al., 2019)."""

import math

from .. import backend
from .adam import update_moments
from .optimizer import Optimizer
from ..registry import keras_export


@keras_export("keras.optimizers.Lamb")
class Lamb(Optimizer):
    """With ``t = iterations + 1``: ``m``, ``v`` as in Adam;
    ``u = (m / (1 - beta_1**t)) / (sqrt(v / (1 - beta_2**t)) + epsilon)``;
    ``ratio = ||w|| / ||u||`` when both norms are positive, else 1;
    ``w -= ratio * lr * u``."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None,
                 **kwargs):
        # weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    _interleaved_slots = ("momentum", "velocity")  # Keras's build: weight by weight

    def _slot_kinds(self):
        return (("momentum", 0.0), ("velocity", 0.0))

    def _prepare(self, lr):
        t = self.iterations + 1
        b1, b2 = float(self.beta_1), float(self.beta_2)
        return lr, 1 - b1, 1 - b2, 1 - b1 ** t, 1 - b2 ** t, float(self.epsilon)

    def _update_step(self, w, g, slots, coeffs):
        lr, c1, c2, bias1, bias2, eps = coeffs
        xp = backend.xp
        m, v = slots
        tmp = update_moments(g, m, v, c1, c2)
        xp.divide(v, bias2, out=tmp)
        xp.sqrt(tmp, out=tmp)
        tmp += eps
        update = m / bias1
        update /= tmp
        w_norm = math.sqrt(float(xp.sum(xp.square(w))))
        u_norm = math.sqrt(float(xp.sum(xp.square(update))))
        ratio = w_norm / u_norm if w_norm > 0 and u_norm > 0 else 1.0
        update *= ratio * lr
        w -= update

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
