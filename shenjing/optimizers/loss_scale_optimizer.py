"""``LossScaleOptimizer``: dynamic loss scaling around another optimizer (Keras 3's).

The trainer differentiates ``scale_loss(loss) = loss * dynamic_scale``; ``apply`` then
checks the gradients: all finite, they are divided by the scale and handed to the inner
optimizer, and after ``dynamic_growth_steps`` such steps in a row the scale doubles; any
non-finite, the step is skipped and the scale halves. The state, in Keras's order:
``iterations`` and ``learning_rate`` of the wrapper (kept at 0), ``step_counter``,
``dynamic_scale``, then the inner optimizer's variables.
"""

import numpy as np  # the host-side scalar state (step counter, scale)

from .. import backend
from .optimizer import Optimizer
from ..registry import keras_export

_BASE_DEFAULTS = {
    "weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
    "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
    "loss_scale_factor": None, "gradient_accumulation_steps": None,
}


@keras_export("keras.optimizers.LossScaleOptimizer")
class LossScaleOptimizer(Optimizer):
    """Wraps ``inner_optimizer``; starts at ``initial_scale`` and doubles the scale after
    ``dynamic_growth_steps`` finite steps, halves it (skipping the step) on a non-finite one."""

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000,
                 name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                "`loss_scale_factor` directly on the `inner_optimizer`.")
        for arg, default in _BASE_DEFAULTS.items():
            if arg in kwargs:
                value = kwargs.pop(arg)
                if (default is None and value is not None) or value != default:
                    raise ValueError(f"LossScaleOptimizer does not support `{arg}`. "
                                     f"Instead, set `{arg}` on the `inner_optimizer`.")
        if kwargs:
            raise ValueError("LossScaleOptimizer does not support arguments: "
                             f"`{'`, `'.join(kwargs)}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise ValueError("Expected `inner_optimizer` to be a keras.optimizers.Optimizer. "
                             f"Received: inner_optimizer={inner_optimizer!r}")
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        self.inner_optimizer.loss_scale_factor = None
        self._step_counter = np.zeros((), dtype=np.int32)
        self._dynamic_scale = np.array(initial_scale, dtype=np.float32)
        self._scale_built = False

    @property
    def step_counter(self):
        return self._step_counter

    @property
    def dynamic_scale(self):
        return self._dynamic_scale

    # -- delegated to the inner optimizer ----------------------------------------------
    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    lr = learning_rate

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def built(self):
        return self._scale_built

    def build(self, var_list):
        self.inner_optimizer.build(var_list)
        self._vars = self.inner_optimizer._vars
        self._scale_built = True

    def _set_variable_order(self, var_list):
        self.inner_optimizer._set_variable_order(var_list)

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    # -- one step ---------------------------------------------------------------------
    def scale_loss(self, loss):
        scale = self._dynamic_scale if self._scale_built else self.initial_scale
        return loss * float(scale)

    def _apply(self, grads, vars_):
        xp = backend.xp
        if all(bool(xp.all(xp.isfinite(g))) for g in grads):
            scale = self._dynamic_scale
            self.inner_optimizer._apply([g / scale.astype(g.dtype) for g in grads], vars_)
            if int(self._step_counter) == self.dynamic_growth_steps - 1:
                self._step_counter[...] = 0
                self._dynamic_scale[...] = self._dynamic_scale * np.float32(2.0)
            else:
                self._step_counter[...] += 1
        else:
            self._step_counter[...] = 0
            self._dynamic_scale[...] = self._dynamic_scale * np.float32(0.5)

    # -- state --------------------------------------------------------------------------
    @property
    def variables(self):
        own = [np.array(self._iterations, dtype=np.int64), np.array(0.0, dtype=np.float32),
               self._step_counter, self._dynamic_scale]
        return own + self.inner_optimizer.variables

    def set_state(self, arrays):
        arrays = [np.asarray(a) for a in arrays]
        if len(arrays) < 4:
            raise ValueError(f"Optimizer '{self.name}' expects at least 4 state arrays "
                             f"(its own 4, then the inner optimizer's); received {len(arrays)}")
        for i in (2, 3):
            if arrays[i].shape != ():
                raise ValueError(f"Optimizer '{self.name}': expected state array {i} "
                                 f"({('step_counter', 'dynamic_scale')[i - 2]}) of shape (). "
                                 f"Received: shape={arrays[i].shape}")
        self.inner_optimizer.set_state(arrays[4:])
        self._iterations = int(arrays[0])
        self._step_counter[...] = arrays[2]
        self._dynamic_scale[...] = arrays[3]

    # -- config ---------------------------------------------------------------------------
    def get_config(self):
        from . import serialize

        return {"name": self.name, "inner_optimizer": serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize

        config = dict(config)
        inner = config.pop("inner_optimizer")
        if isinstance(inner, dict):
            inner = deserialize(inner, custom_objects=custom_objects)
        return cls(inner, **config)
