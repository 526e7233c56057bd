"""``Loss``: a per-sample loss plus its reduction to one scalar, as in Keras 3.

``loss(y_true, y_pred, sample_weight=None)`` computes the per-sample values
with ``call``, multiplies them by ``sample_weight`` and reduces them:

- ``"sum_over_batch_size"`` (default) and ``"mean"``: sum(loss * w) / loss.size
- ``"sum"``: sum(loss * w)
- ``"mean_with_sample_weight"``: sum(loss * w) / sum(w)
- ``"none"`` or None: the weighted per-sample values.
"""

import re

import numpy as np  # broadcast_shapes on shape tuples only: arrays go through backend.xp

from .. import backend, ops
from .functions import as_prediction
from ..registry import keras_export

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument reduction: expected one of {REDUCTIONS}. "
            f"Received: reduction={reduction!r}"
        )
    return reduction


def _snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _align_weights(weights, shape, name):
    """``weights`` shaped to broadcast against per-sample losses of ``shape``.

    A trailing axis of size 1 is dropped, and missing trailing axes are added,
    so weights of shape (batch,) apply per sample to losses of shape (batch, steps).
    """
    if weights.ndim == len(shape) + 1 and weights.shape[-1] == 1:
        weights = weights[..., 0]
    while weights.ndim < len(shape):
        weights = weights[..., None]
    try:
        if np.broadcast_shapes(weights.shape, shape) == tuple(shape):
            return weights
    except ValueError:
        pass
    message = (f"{name}: sample_weight of shape {weights.shape} cannot weight the per-sample "
               f"losses of shape {tuple(shape)}")
    if len(shape) == 0:
        message += (": the loss already averaged over the last axis of y_pred, which was the batch "
                    "axis; give y_true and y_pred a last axis of size 1, e.g. shape (batch, 1)")
    raise ValueError(message)


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", name="loss"):
    """Weight ``values`` by ``sample_weight`` (and ``mask``) and reduce them to a scalar."""
    reduction = standardize_reduction(reduction)
    weights = None
    if sample_weight is not None:
        weights = backend.xp.asarray(getattr(sample_weight, "data", sample_weight), dtype=values.dtype)
        weights = _align_weights(weights, values.shape, name)
    if mask is not None:
        mask = backend.xp.asarray(mask, dtype=values.dtype).reshape(values.shape)
        if reduction in ("sum_over_batch_size", "mean"):
            # Masked entries drop out of the mean: divide by the valid count, not the size.
            valid = mask.sum()
            mask = mask * (mask.size / valid) if valid > 0 else mask
        weights = mask if weights is None else weights * mask
    if weights is not None:
        values = values * weights
    return reduce_values(values, weights, reduction)


def reduce_values(values, weights=None, reduction="sum_over_batch_size"):
    if reduction in (None, "none") or values.ndim == 0 or values.size == 0:
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weights is not None:
        divisor = float(backend.xp.broadcast_to(weights, values.shape).sum())
        return total / divisor if divisor != 0 else total * 0.0
    return total / values.size


@keras_export("keras.losses.Loss")
class Loss:
    """Base class: subclasses implement ``call(y_true, y_pred)`` -> per-sample losses."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self.dtype = dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = as_prediction(y_pred, self.dtype)
        losses = self.call(y_true, y_pred)
        mask = self.compute_mask(y_true, y_pred, losses)
        return reduce_weighted_values(losses, sample_weight, mask, self.reduction, self.name)

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred)")

    def compute_mask(self, y_true, y_pred, losses):
        """Which per-sample losses count (None: all of them)."""
        return None

    def get_config(self):
        config = {"name": self.name, "reduction": self.reduction}
        if self.dtype is not None:
            config["dtype"] = self.dtype
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


@keras_export("keras.losses.LossFunctionWrapper")
class LossFunctionWrapper(Loss):
    """A ``Loss`` around a per-sample function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        if type(self) is LossFunctionWrapper:
            from . import serialize  # the registry lives in the package

            config["fn"] = serialize(self.fn)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            from . import deserialize

            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} fn={getattr(self.fn, '__name__', self.fn)} kwargs={self._fn_kwargs}>"
