"""Adadelta: step sizes from running averages of squared gradients and updates (Zeiler, 2012)."""

import numpy as np

from .optimizer import Optimizer


class Adadelta(Optimizer):
    """``ag = rho * ag + (1 - rho) * g**2``; ``d = -sqrt(ad + eps) * g / sqrt(ag + eps)``;
    ``ad = rho * ad + (1 - rho) * d**2``; ``w += lr * d``."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adadelta", **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _slot_kinds(self):
        return (("accumulated_grad", 0.0), ("accumulated_delta_var", 0.0))

    def _prepare(self, lr):
        return lr, float(self.rho), float(self.epsilon)

    def _update_step(self, w, g, slots, coeffs):
        lr, rho, eps = coeffs
        acc_g, acc_d = slots
        acc_g *= rho
        tmp = np.square(g)
        tmp *= 1 - rho
        acc_g += tmp
        delta = np.add(acc_d, eps)
        np.sqrt(delta, out=delta)
        delta *= g
        np.add(acc_g, eps, out=tmp)
        np.sqrt(tmp, out=tmp)
        delta /= tmp
        np.negative(delta, out=delta)
        acc_d *= rho
        np.square(delta, out=tmp)
        tmp *= 1 - rho
        acc_d += tmp
        delta *= lr
        w += delta

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
