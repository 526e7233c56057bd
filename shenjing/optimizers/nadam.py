"""Nadam: Adam with Nesterov momentum (Dozat, 2015), with Keras's momentum schedule."""

import numpy as np  # the host-side scalar state (u_product) only

from .. import backend

from .adam import update_moments
from .optimizer import Optimizer
from ..registry import keras_export


@keras_export("keras.optimizers.Nadam")
class Nadam(Optimizer):
    """With ``t = iterations + 1`` and ``u_t = beta_1 * (1 - 0.5 * 0.96**t)``,
    ``u_product *= u_t`` each step; ``m``, ``v`` as in Adam;
    ``m_hat = u_{t+1} * m / (1 - u_product * u_{t+1}) + (1 - u_t) * g / (1 - u_product)``;
    ``w -= lr * m_hat / (sqrt(v / (1 - beta_2**t)) + epsilon)``."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None,
                 **kwargs):
        # weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self._u_product = 1.0
        self._u_dtype = None

    _interleaved_slots = ("momentum", "velocity")  # Keras's build: weight by weight

    def _slot_kinds(self):
        return (("momentum", 0.0), ("velocity", 0.0))

    def _on_register(self, var):
        if self._u_dtype is None:
            self._u_dtype = var.data.dtype

    def _global_state(self):
        if self._u_dtype is None:
            return []
        return [np.array(self._u_product, dtype=self._u_dtype)]

    def _set_global_state(self, arrays):
        self._u_product = float(arrays[0])

    def _prepare(self, lr):
        t = self.iterations + 1
        b1, b2 = float(self.beta_1), float(self.beta_2)
        u_t = b1 * (1.0 - 0.5 * 0.96 ** t)
        u_t_1 = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        self._u_product *= u_t
        u_product_t_1 = self._u_product * u_t_1
        return (lr, 1 - b1, 1 - b2, u_t_1 / (1 - u_product_t_1),
                (1 - u_t) / (1 - self._u_product), 1 - b2 ** t, float(self.epsilon))

    def _update_step(self, w, g, slots, coeffs):
        lr, c1, c2, k_m, k_g, bias2, eps = coeffs
        m, v = slots
        tmp = update_moments(g, m, v, c1, c2)
        m_hat = m * k_m
        m_hat += g * k_g
        backend.xp.divide(v, bias2, out=tmp)
        backend.xp.sqrt(tmp, out=tmp)
        tmp += eps
        m_hat *= lr
        m_hat /= tmp
        w -= m_hat

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
