"""RMSprop: divide the gradient by a running root mean square (Hinton, 2012)."""

from .. import backend

from .optimizer import Optimizer
from ..registry import keras_export


@keras_export("keras.optimizers.RMSprop")
class RMSprop(Optimizer):
    """``v = rho * v + (1 - rho) * g**2``; centered: ``mg = rho * mg + (1 - rho) * g`` and
    ``denom = v - mg**2 + epsilon``, else ``denom = v + epsilon``; ``inc = lr * g / sqrt(denom)``;
    with momentum ``mom = momentum * mom + inc; w -= mom``, else ``w -= inc``."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 name=None, **kwargs):
        # weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = bool(centered)

    def _slot_kinds(self):
        kinds = (("velocity", 0.0),)
        if self.momentum > 0:
            kinds += (("momentum", 0.0),)
        if self.centered:
            kinds += (("average_gradient", 0.0),)
        return kinds

    def _prepare(self, lr):
        return lr, float(self.rho), float(self.epsilon), float(self.momentum)

    def _update_step(self, w, g, slots, coeffs):
        lr, rho, eps, momentum = coeffs
        v = slots[0]
        v *= rho
        tmp = backend.xp.square(g)
        tmp *= 1 - rho
        v += tmp
        if self.centered:
            mg = slots[-1]
            mg *= rho
            backend.xp.multiply(g, 1 - rho, out=tmp)
            mg += tmp
            backend.xp.square(mg, out=tmp)
            backend.xp.subtract(v, tmp, out=tmp)
            tmp += eps
        else:
            backend.xp.add(v, eps, out=tmp)
        backend.xp.sqrt(tmp, out=tmp)
        inc = g * lr
        inc /= tmp
        if momentum > 0:
            mom = slots[1]
            mom *= momentum
            mom += inc
            w -= mom
        else:
            w -= inc

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
