"""``Optimizer``: the base class every optimizer shares (Keras 3's contract).

One step, in Keras's order: drop missing gradients, unscale (``loss_scale_factor``),
clip (``clipnorm`` | ``global_clipnorm`` | ``clipvalue``), decay the weights
(``w -= w * weight_decay * lr``), run the subclass's update on each weight in
place, update the moving averages (``use_ema``), then ``iterations += 1``.

A built-in names its per-weight state in ``_slot_kinds()`` (see
``optimizer_variables.py``) and writes one ``_update_step(w, g, slots, coeffs)``
that changes ``w`` and ``slots`` in place; ``_prepare(lr)`` turns the learning
rate into the step's scalar coefficients once per step (the fast path). A user
subclass written the Keras way overrides ``update_step(gradient, variable,
learning_rate)`` instead, which is called once per weight under ``no_grad``.
"""

import re
import warnings

import numpy as np  # host-side state copies (saving) and scalar checks; arrays go through backend.xp

from .. import backend
from ..autograd.graph import no_grad
from ..autograd.tensor import Tensor
from . import schedules as _schedules
from .clipping import clip_by_global_norm, clip_by_norm
from ..registry import keras_export
from .iteration_count import IterationCount
from .optimizer_variables import OptimizerVariables

# Keys that older tf.keras configs carry and Keras 3 ignores.
_LEGACY_CONFIG_KEYS = ("is_legacy_optimizer", "jit_compile")


def _snake_case(name):
    """Keras's ``to_snake_case``: "RMSprop" -> "rm_sprop", "AdamW" -> "adam_w", "SGD" -> "sgd"."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _as_array(grad):
    return grad.data if isinstance(grad, Tensor) else backend.xp.asarray(grad)


class LearningRateValue(float):
    """An optimizer's current learning rate: a float that ``assign``s back to its optimizer
    (``optimizer.learning_rate = value``, with that setter's checks)."""

    def __new__(cls, value, optimizer):
        self = super().__new__(cls, value)
        self._optimizer = optimizer
        return self

    def assign(self, value):
        self._optimizer.learning_rate = float(np.asarray(value))
        return self._optimizer.learning_rate

    def numpy(self):
        return np.float32(self)

    def __reduce__(self):  # copies and pickles are the plain number
        return (float, (float(self),))


@keras_export("keras.optimizers.Optimizer")
class Optimizer(OptimizerVariables):
    """Base optimizer: learning rate (float, schedule or callable), clipping, weight decay, state.

    Update weights with ``step(params)`` (PyTorch style: reads each ``.grad``),
    ``apply_gradients([(grad, var), ...])`` or ``apply(grads, vars)`` (Keras style).
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if "lr" in kwargs:  # tf.keras 1/2 spelling
            learning_rate = kwargs.pop("lr")
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.",
                          stacklevel=3)
        if kwargs:
            received = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
            raise ValueError(
                f"{self.__class__.__name__}: argument(s) not recognized: {sorted(kwargs)}. "
                f"Received: {received}"
            )
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        for arg, value in (("weight_decay", weight_decay), ("clipnorm", clipnorm),
                           ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm),
                           ("loss_scale_factor", loss_scale_factor)):
            if value is not None and not _is_number(value):
                raise ValueError(
                    f"Argument `{arg}` must be a float or None. Received: {arg}={value!r}"
                )
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(
                    "`ema_momentum` must be in the range [0, 1]. "
                    f"Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                            or ema_overwrite_frequency < 1):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        self.name = name if name is not None else _snake_case(self.__class__.__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._learning_rate = self._check_learning_rate(learning_rate)
        self._iterations = 0
        self._init_variables()
        self._exclude_ids = set()
        self._exclude_pattern = None
        self._decay_cache = {}

    # -- learning rate ---------------------------------------------------------
    @staticmethod
    def _check_learning_rate(learning_rate):
        if isinstance(learning_rate, _schedules.LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        if not _is_number(learning_rate):
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance of "
                "LearningRateSchedule, or a callable (that takes in the current iteration "
                "value and returns the corresponding learning rate value). "
                f"Received instead: learning_rate={learning_rate!r}"
            )
        return float(learning_rate)

    @property
    def learning_rate(self):
        """The learning rate now: the float, or the schedule evaluated at ``iterations``; a
        float that also has ``assign`` and ``numpy``, as Keras's learning-rate variable, so
        ``keras.backend.set_value(optimizer.lr, 0.01)`` sets it."""
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            lr = lr(self._iterations)
        elif not isinstance(lr, float):
            lr = lr()
        return LearningRateValue(float(lr), self)

    @learning_rate.setter
    def learning_rate(self, value):
        if not (isinstance(value, _schedules.LearningRateSchedule) or callable(value)) and \
                isinstance(self._learning_rate, _schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not "
                "settable. If you need the learning rate to be settable, you should "
                "instantiate the optimizer with a float `learning_rate` argument."
            )
        self._learning_rate = self._check_learning_rate(value)

    lr = learning_rate  # tf.keras 2 alias

    @property
    def iterations(self):
        """Completed update steps (with gradient accumulation: applied updates)."""
        if self.gradient_accumulation_steps:
            return IterationCount(self._iterations // self.gradient_accumulation_steps)
        return IterationCount(self._iterations)

    # -- applying gradients ------------------------------------------------------
    def step(self, params=None):
        """Update each param with a ``.grad`` in place (params without one are skipped).

        ``params`` defaults to the weights the optimizer was built on.
        """
        if params is None:
            params = self._vars
        params = list(params)
        self._ensure_built(params)
        grads, vars_ = [], []
        for p in params:
            g = p.grad
            if g is None:
                continue
            if isinstance(g, Tensor):
                g = g.data
            grads.append(g)
            vars_.append(p)
        if vars_:
            self._apply(grads, vars_)

    def zero_grad(self, params=None):
        """Forget the gradients: ``p.grad = None`` for each param (default: the built weights)."""
        for p in self._vars if params is None else params:
            p.grad = None

    def apply_gradients(self, grads_and_vars):
        """Keras/tf.keras: update from ``[(grad, var), ...]``; returns ``iterations``."""
        pairs = list(grads_and_vars)
        if pairs:
            grads, vars_ = zip(*pairs)
            self.apply(grads, vars_)
        return self.iterations

    def apply(self, grads, trainable_variables=None):
        """Keras 3: update ``trainable_variables`` (or the built ones) from ``grads``."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self._vars:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. "
                    "Call `optimizer.build(trainable_variables)` first."
                )
            trainable_variables = self._vars
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"Received {len(grads)} gradients for {len(trainable_variables)} variables; "
                "expected one gradient per variable."
            )
        self._ensure_built(trainable_variables)
        kept_g, kept_v, missing = [], [], []
        for g, v in zip(grads, trainable_variables):
            if g is None:
                missing.append(getattr(v, "name", None))
                continue
            kept_g.append(_as_array(g))
            kept_v.append(v)
        if not kept_g:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss.",
                stacklevel=2,
            )
        self._apply(kept_g, kept_v)

    def _apply(self, grads, vars_):
        for i, (g, v) in enumerate(zip(grads, vars_)):
            if g.dtype != v.data.dtype:
                grads[i] = g.astype(v.data.dtype)
            if g.shape != v.data.shape:
                raise ValueError(
                    f"Gradient of shape {g.shape} does not match variable "
                    f"{getattr(v, 'name', None)!r} of shape {v.data.shape}"
                )
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        steps = self.gradient_accumulation_steps
        if steps:
            accs = [self._base_slots[id(v)][-1] for v in vars_]
            if (self._iterations + 1) % steps == 0:
                grads = [(g + acc) / steps for g, acc in zip(grads, accs)]
                self._update(grads, vars_)
                for acc in accs:
                    acc.fill(0)
            else:
                for g, acc in zip(grads, accs):
                    acc += g
        else:
            self._update(grads, vars_)
        if self.use_ema:
            self._update_moving_averages()
        with no_grad():  # Keras: constraints project the variables after the update
            for v in vars_:
                if getattr(v, "constraint", None) is not None:
                    v.assign(v.constraint(v))
        self._iterations += 1

    def _update(self, grads, vars_):
        grads = self._clip_gradients(grads)
        lr = self.learning_rate
        self._apply_weight_decay(vars_, lr)
        if self._keras_style():
            with no_grad():
                for g, v in zip(grads, vars_):
                    self.update_step(Tensor(g), v, lr)
            return
        coeffs = self._prepare(lr)
        slots = self._slots
        update = self._update_step
        for g, v in zip(grads, vars_):
            update(v.data, g, slots[id(v)], coeffs)

    def _prepare(self, lr):
        """The step's scalar coefficients, computed once for all weights."""
        return lr

    def _update_step(self, w, g, slots, coeffs):
        raise NotImplementedError(f"{self.__class__.__name__} must implement `_update_step`")

    def scale_loss(self, loss):
        """The loss times ``loss_scale_factor`` (the loss itself when it is None); the
        trainer differentiates this, and ``apply`` divides the gradients back."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return [backend.xp.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    # -- weight decay ------------------------------------------------------------
    def _apply_weight_decay(self, vars_, lr):
        """``w -= w * weight_decay * lr`` on every weight not excluded (Muon overrides it)."""
        if self.weight_decay:
            decay = self.weight_decay * lr
            for v in vars_:
                if self._use_weight_decay(v):
                    v.data -= v.data * decay

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt these weights, or those whose name contains one of ``var_names``, from decay."""
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(sorted(set(var_names)))) if var_names else None
        self._decay_cache = {}

    def _use_weight_decay(self, var):
        key = id(var)
        use = self._decay_cache.get(key)
        if use is None:
            use = key not in self._exclude_ids and not (
                self._exclude_pattern is not None
                and self._exclude_pattern.search(str(getattr(var, "name", "") or ""))
            )
            self._decay_cache[key] = use
        return use

    # -- exponential moving average of the weights ---------------------------------
    def _update_moving_averages(self):
        momentum = self.ema_momentum if self.iterations != 0 else 0.0
        for var in self._vars:
            average = self._base_slots[id(var)][0]
            average *= momentum
            average += var.data * (1 - momentum)
        freq = self.ema_overwrite_frequency
        if freq and (self.iterations + 1) % freq == 0:
            self.finalize_variable_values(self._vars)

    def finalize_variable_values(self, var_list):
        """With ``use_ema``, overwrite the weights with their moving averages (Keras calls
        it at the end of ``fit``); weights the optimizer never updated are left alone."""
        if self.use_ema:
            for var in var_list:
                base = self._base_slots.get(id(var))
                if base:
                    var.data[...] = base[0]

    def _swap_moving_averages(self, copy_weights_into_averages=False):
        """``keras.callbacks.SwapEMAWeights``'s swap: exchange each weight with its moving average
        (or, with ``copy_weights_into_averages``, set the averages to the weights). Raises
        ValueError without ``use_ema``."""
        if not self.use_ema:
            raise ValueError("SwapEMAWeights must be used when `use_ema=True` is set on the "
                             f"optimizer. Received: use_ema={self.use_ema}")
        for var in self._vars:
            base = self._base_slots.get(id(var))
            if not base:
                continue
            if copy_weights_into_averages:
                base[0][...] = var.data
            else:
                weights = var.data.copy()
                var.data[...] = base[0]
                base[0][...] = weights

    # -- config ----------------------------------------------------------------------
    def get_config(self):
        lr = self._learning_rate
        if isinstance(lr, _schedules.LearningRateSchedule):
            lr = _schedules.serialize(lr)
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in _LEGACY_CONFIG_KEYS:
            config.pop(key, None)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _schedules.deserialize(config["learning_rate"],
                                                             custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self):
        lr = self._learning_rate
        return f"<{self.__class__.__name__} name={self.name!r} learning_rate={lr!r}>"


def check_unit_interval(name, value):
    """Keras's check for a momentum-like argument: a number in [0, 1]."""
    if not _is_number(value) or not 0 <= value <= 1:
        raise ValueError(f"`{name}` must be a float between [0, 1]. Received: {name}={value!r}")
    return float(value)
