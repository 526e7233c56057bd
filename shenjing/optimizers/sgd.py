"""SGD: gradient descent, with optional (Nesterov) momentum."""

from .optimizer import Optimizer, check_unit_interval
from ..registry import keras_export


@keras_export("keras.optimizers.SGD")
class SGD(Optimizer):
    """Without momentum ``w -= lr * g``; with it ``v = momentum * v - lr * g`` then
    ``w += v`` (Nesterov: ``w += momentum * v - lr * g``)."""

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name=None, **kwargs):
        # weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = check_unit_interval("momentum", momentum)
        self.nesterov = bool(nesterov)

    def _slot_kinds(self):
        return (("momentum", 0.0),) if self.momentum != 0 else ()

    def _prepare(self, lr):
        return lr, self.momentum

    def _update_step(self, w, g, slots, coeffs):
        lr, momentum = coeffs
        step = g * lr
        if not slots:
            w -= step
            return
        v = slots[0]
        v *= momentum
        v -= step
        if self.nesterov:
            w += v * momentum - step
        else:
            w += v

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
