"""Ftrl: follow the regularized leader (McMahan et al., 2013), as Keras 3 computes it."""

from .. import backend
from .optimizer import Optimizer
from ..registry import keras_export


@keras_export("keras.optimizers.Ftrl")
class Ftrl(Optimizer):
    """With ``p = -learning_rate_power``, ``l2 = l2_regularization_strength + beta / (2 lr)``
    and ``g' = g + 2 * l2_shrinkage_regularization_strength * w``:
    ``n' = n + g**2``; ``z += g' - (n'**p - n**p) / lr * w``;
    ``w = (clip(z, -l1, l1) - z) / (n'**p / lr + 2 * l2)``; ``n = n'``
    (``n`` the accumulator, started at ``initial_accumulator_value``; ``z`` the linear term)."""

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, name=None, **kwargs):
        # weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if initial_accumulator_value < 0.0:
            raise ValueError(
                "`initial_accumulator_value` needs to be positive or zero. Received: "
                f"initial_accumulator_value={initial_accumulator_value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        for arg, value in (("l1_regularization_strength", l1_regularization_strength),
                           ("l2_regularization_strength", l2_regularization_strength),
                           ("l2_shrinkage_regularization_strength",
                            l2_shrinkage_regularization_strength)):
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: {arg}={value}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    _interleaved_slots = ("accumulator", "linear")  # Keras's build: weight by weight

    def _slot_kinds(self):
        return (("accumulator", float(self.initial_accumulator_value)), ("linear", 0.0))

    def _prepare(self, lr):
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        return (lr, -float(self.learning_rate_power), float(l2),
                2.0 * self.l2_shrinkage_regularization_strength,
                float(self.l1_regularization_strength))

    def _update_step(self, w, g, slots, coeffs):
        lr, power, l2, shrink, l1 = coeffs
        xp = backend.xp
        accum, linear = slots
        new_accum = accum + xp.square(g)
        new_pow = xp.power(new_accum, power)
        linear += g + shrink * w - (new_pow - xp.power(accum, power)) / lr * w
        quadratic = new_pow / lr + 2 * l2
        w[...] = (xp.clip(linear, -l1, l1) - linear) / quadratic
        accum[...] = new_accum

    def get_config(self):
        config = super().get_config()
        config.update({
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        })
        return config
