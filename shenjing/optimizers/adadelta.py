"""Adadelta: step sizes from running averages of squared gradients and updates (Zeiler, 2012)."""

from .. import backend

from .optimizer import Optimizer
from ..registry import keras_export


@keras_export("keras.optimizers.Adadelta")
class Adadelta(Optimizer):
    """``ag = rho * ag + (1 - rho) * g**2``; ``d = -sqrt(ad + eps) * g / sqrt(ag + eps)``;
    ``ad = rho * ad + (1 - rho) * d**2``; ``w += lr * d``."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name=None, **kwargs):
        # weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    _interleaved_slots = ("accumulated_grad", "accumulated_delta_var")  # Keras's build: weight by weight

    def _slot_kinds(self):
        return (("accumulated_grad", 0.0), ("accumulated_delta_var", 0.0))

    def _prepare(self, lr):
        return lr, float(self.rho), float(self.epsilon)

    def _update_step(self, w, g, slots, coeffs):
        lr, rho, eps = coeffs
        acc_g, acc_d = slots
        acc_g *= rho
        tmp = backend.xp.square(g)
        tmp *= 1 - rho
        acc_g += tmp
        delta = backend.xp.add(acc_d, eps)
        backend.xp.sqrt(delta, out=delta)
        delta *= g
        backend.xp.add(acc_g, eps, out=tmp)
        backend.xp.sqrt(tmp, out=tmp)
        delta /= tmp
        backend.xp.negative(delta, out=delta)
        acc_d *= rho
        backend.xp.square(delta, out=tmp)
        tmp *= 1 - rho
        acc_d += tmp
        delta *= lr
        w += delta

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
