"""Adam: adaptive moment estimation (Kingma & Ba, 2014), with optional AMSGrad."""

import math

from .. import backend
from ..backend import kernels
from .optimizer import Optimizer
from ..registry import keras_export


def update_moments(g, m, v, c1, c2):
    """In place: m += (g - m) c1 and v += (g^2 - v) c2 (Adam's and Nadam's moving moments).
    Returns the scratch array it used, free for the caller's next step."""
    tmp = g - m
    tmp *= c1
    m += tmp
    backend.xp.square(g, out=tmp)
    tmp -= v
    tmp *= c2
    v += tmp
    return tmp


@keras_export("keras.optimizers.Adam")
class Adam(Optimizer):
    """With ``t = iterations + 1``: ``m += (g - m) * (1 - beta_1)``,
    ``v += (g**2 - v) * (1 - beta_2)``,
    (AMSGrad: ``v_hat = max(v_hat, v)`` used for ``v``),
    ``w -= lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (sqrt(v) + epsilon)``."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 name=None, **kwargs):
        # weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = bool(amsgrad)

    _interleaved_slots = ("momentum", "velocity")  # Keras's build: weight by weight

    def _slot_kinds(self):
        kinds = (("momentum", 0.0), ("velocity", 0.0))
        return kinds + (("velocity_hat", 0.0),) if self.amsgrad else kinds

    def _prepare(self, lr):
        t = self.iterations + 1
        b1, b2 = float(self.beta_1), float(self.beta_2)
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        return 1 - b1, 1 - b2, alpha, float(self.epsilon)

    def _update_step(self, w, g, slots, coeffs):
        c1, c2, alpha, eps = coeffs
        m, v = slots[0], slots[1]
        if not self.amsgrad:
            kernels.adam_update(w, g, m, v, c1, c2, alpha, eps)
            return
        xp = backend.xp
        tmp = update_moments(g, m, v, c1, c2)
        xp.maximum(slots[2], v, out=slots[2])
        v = slots[2]
        xp.sqrt(v, out=tmp)
        tmp += eps
        step = m * alpha
        step /= tmp
        w -= step

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config
