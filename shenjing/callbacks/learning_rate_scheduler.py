"""``LearningRateScheduler``: set the learning rate at the start of each epoch from a function."""

import inspect

import numpy as np

from .callback import Callback


def _takes_lr(schedule):
    """Whether ``schedule`` accepts ``(epoch, lr)`` rather than only ``(epoch)``."""
    try:
        params = inspect.signature(schedule).parameters.values()
    except (TypeError, ValueError):  # a builtin or C function: try both, as Keras does
        return None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)


class LearningRateScheduler(Callback):
    """``optimizer.learning_rate = schedule(epoch, lr)`` (or ``schedule(epoch)``) at each
    epoch's start, epochs counted from 0; the epoch's logs get ``learning_rate``."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise ValueError(f"schedule must be a function of (epoch) or (epoch, lr). Received: {schedule!r}")
        self.schedule = schedule
        self.verbose = verbose
        self._with_lr = _takes_lr(schedule)

    def _new_rate(self, epoch, lr):
        if self._with_lr is None:
            try:
                return self.schedule(epoch, lr)
            except TypeError:  # the old one-argument API
                return self.schedule(epoch)
        return self.schedule(epoch, lr) if self._with_lr else self.schedule(epoch)

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        learning_rate = self._new_rate(epoch, float(optimizer.learning_rate))
        if isinstance(learning_rate, np.ndarray) and learning_rate.ndim == 0:
            learning_rate = learning_rate[()]
        if not isinstance(learning_rate, (float, np.floating)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate!r} "
                f"(of type {type(learning_rate).__name__}) at epoch {epoch}"
            )
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(learning_rate)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
