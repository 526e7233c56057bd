"""Lion: evolved sign momentum (Chen et al., 2023)."""

from .. import backend
from .optimizer import Optimizer
from ..registry import keras_export


@keras_export("keras.optimizers.Lion")
class Lion(Optimizer):
    """``w -= lr * sign(beta_1 * m + (1 - beta_1) * g)``, then
    ``m = beta_2 * m + (1 - beta_2) * g``."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, name=None, **kwargs):
        # weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}."
            )

    def _slot_kinds(self):
        return (("momentum", 0.0),)

    def _prepare(self, lr):
        return lr, float(self.beta_1), float(self.beta_2)

    def _update_step(self, w, g, slots, coeffs):
        lr, b1, b2 = coeffs
        m = slots[0]
        direction = m * b1
        direction += g * (1.0 - b1)
        backend.xp.sign(direction, out=direction)
        direction *= lr
        w -= direction
        m *= b2
        m += g * (1.0 - b2)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
