"""Adagrad: per-coordinate learning rates from the sum of squared gradients (Duchi et al., 2011)."""

from .. import backend

from .optimizer import Optimizer
from ..registry import keras_export


@keras_export("keras.optimizers.Adagrad")
class Adagrad(Optimizer):
    """``acc += g**2; w -= lr * g / sqrt(acc + epsilon)``; ``acc`` starts at
    ``initial_accumulator_value``."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 name=None, **kwargs):
        # weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if initial_accumulator_value < 0:
            raise ValueError(
                "`initial_accumulator_value` must be non-negative. "
                f"Received: initial_accumulator_value={initial_accumulator_value}"
            )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _slot_kinds(self):
        return (("accumulator", float(self.initial_accumulator_value)),)

    def _prepare(self, lr):
        return lr, float(self.epsilon)

    def _update_step(self, w, g, slots, coeffs):
        lr, eps = coeffs
        acc = slots[0]
        tmp = backend.xp.square(g)
        acc += tmp
        backend.xp.add(acc, eps, out=tmp)
        backend.xp.sqrt(tmp, out=tmp)
        inc = g * lr
        inc /= tmp
        w -= inc

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config
