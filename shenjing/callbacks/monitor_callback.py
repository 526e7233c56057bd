"""``MonitorCallback``: what EarlyStopping, ModelCheckpoint and ReduceLROnPlateau share —
a monitored log key, a direction (``"min"``, ``"max"`` or inferred from the name) and
the rule "``current`` improves on ``reference`` by more than ``min_delta``".
"""

import warnings

from .callback import Callback

# Substrings of metric names that are better when higher, and when lower. "auto" mode
# looks for them in the monitored name (without its "val_" prefix), the higher list first.
_HIGHER_IS_BETTER = ("acc", "auc", "precision", "recall", "sensitivity", "specificity",
                     "f1", "fbeta", "iou", "r2", "true_positives", "true_negatives",
                     "cosine_similarity")
_LOWER_IS_BETTER = ("loss", "error", "crossentropy", "hinge", "divergence", "poisson",
                    "logcosh", "false_positives", "false_negatives", "mse", "mae", "mape",
                    "msle", "rmse")


def infer_mode(monitor, model=None):
    """``"max"`` or ``"min"`` for the log key ``monitor``, or None when the name does not say.

    A metric of the model that declares its direction (Keras's ``_direction``, "up" or
    "down") decides first; then the name: ``loss`` and errors go down, accuracies go up.
    """
    name = monitor[len("val_"):] if monitor.startswith("val_") else monitor
    for metric in getattr(model, "metrics", None) or []:
        direction = getattr(metric, "_direction", None)
        if getattr(metric, "name", None) == name and direction in ("up", "down"):
            return "max" if direction == "up" else "min"
    if name.endswith("loss"):  # "loss", "output_1_loss", ...
        return "min"
    if any(word in name for word in _HIGHER_IS_BETTER):
        return "max"
    if any(word in name for word in _LOWER_IS_BETTER):
        return "min"
    return None


def check_mode(mode, owner):
    """``mode`` itself, or ``"auto"`` (with a warning) when it is not a known mode."""
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{owner} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=3)
        return "auto"
    return mode


class MonitorCallback(Callback):
    """A callback that watches ``logs[monitor]`` and asks whether a value is an improvement.

    ``best`` starts at ``baseline`` when given, else at +inf ("min") or -inf ("max").
    The direction is settled at the first use (the model's metrics exist by then).
    """

    # What "auto" does with a name it cannot read: None raises (EarlyStopping,
    # ModelCheckpoint, as Keras 3); ReduceLROnPlateau falls back to "min" (as Keras).
    _auto_fallback = None

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        self.monitor = monitor
        self.mode = check_mode(mode, type(self).__name__)
        self.baseline = baseline
        self.min_delta = abs(min_delta)
        self.best = baseline
        self._direction = None  # "min" or "max" once settled

    @property
    def monitor_direction(self):
        """``"min"`` or ``"max"``, inferring it now if ``mode`` is ``"auto"``."""
        if self._direction is None:
            self._direction = self._resolve_direction()
        return self._direction

    def _resolve_direction(self):
        if self.mode != "auto":
            return self.mode
        direction = infer_mode(self.monitor, self.model) or self._auto_fallback
        if direction is None:
            raise ValueError(
                f"{type(self).__name__} callback received monitor={self.monitor}, but shenjing "
                "isn't able to automatically determine whether that metric should be maximized "
                "or minimized. Pass `mode='max'` in order to monitor based on the highest "
                "metric value, or pass `mode='min'` in order to use the lowest value."
            )
        return direction

    def _initial_best(self):
        if self.baseline is not None:
            return self.baseline
        return float("inf") if self.monitor_direction == "min" else float("-inf")

    def _is_improvement(self, current, reference):
        """Whether ``current`` beats ``reference`` by more than ``min_delta``."""
        if reference is None:
            return True
        if self.monitor_direction == "min":
            return current + self.min_delta < reference
        return current - self.min_delta > reference

    def _monitor_value(self, logs, what):
        """``logs[monitor]``, or None with a warning naming the keys that are there."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"{what} conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs.keys())}",
                stacklevel=3,
            )
        return value
