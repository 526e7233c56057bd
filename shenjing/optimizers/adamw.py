"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""

from .adam import Adam
from ..registry import keras_export


@keras_export("keras.optimizers.AdamW")
class AdamW(Adam):
    """Adam after ``w -= w * weight_decay * lr`` each step (the decay is not in the gradient)."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, name=None, **kwargs):
        # clipnorm, clipvalue, global_clipnorm, use_ema, ... go to the base class.
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, weight_decay=weight_decay, name=name,
                         **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
