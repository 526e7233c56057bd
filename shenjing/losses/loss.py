"""``Loss``: a per-sample loss plus its reduction to one scalar, as in Keras 3.

``loss(y_true, y_pred, sample_weight=None)`` computes the per-sample values
with ``call``, multiplies them by ``sample_weight`` and reduces them:

- ``"sum_over_batch_size"`` (default) and ``"mean"``: sum(loss * w) / loss.size
- ``"sum"``: sum(loss * w)
- ``"mean_with_sample_weight"``: sum(loss * w) / sum(w)
- ``"none"`` or None: the weighted per-sample values.

A mask on ``y_pred`` (``_keras_mask``: padding steps of a sequence model) is folded into the
weights, as Keras's ``apply_mask`` does: masked entries weigh 0, and for the two mean
reductions the valid ones weigh size / valid, so the mean is over the valid entries only.
"""

import re

import numpy as np  # broadcast_shapes on shape tuples only: arrays go through backend.xp

from .. import backend, ops
from .functions import as_prediction
from ..autograd.masking import get_keras_mask
from ..autograd.tensor import Tensor
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


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Squeeze (or, for rank 1, expand) a trailing axis of size 1 when ranks differ by one.

    Keras's rule, for arrays and Tensors alike.
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2[..., None] if not isinstance(x2, Tensor) else ops.expand_dims(x2, -1)
        else:
            x1 = x1[..., 0] if not isinstance(x1, Tensor) else ops.squeeze(x1, -1)
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1[..., None] if not isinstance(x1, Tensor) else ops.expand_dims(x1, -1)
        else:
            x2 = x2[..., 0] if not isinstance(x2, Tensor) else ops.squeeze(x2, -1)
    return x1, x2


def combine_masks(*masks):
    """The AND of the masks that are not None (Keras's ``in_mask & out_mask``), as a boolean
    array; None when all are None."""
    out = None
    for mask in masks:
        if mask is None:
            continue
        mask = backend.xp.asarray(getattr(mask, "data", mask)).astype(bool)
        out = mask if out is None else out & mask
    return out


def apply_mask(weights, mask, dtype, reduction):
    """Keras's ``apply_mask``: the mask folded into the sample weights.

    For the mean reductions valid entries weigh total / valid (0 when none is valid),
    so that dividing by the size gives the mean over the valid entries.
    """
    if mask is None:
        return weights
    mask = backend.xp.asarray(getattr(mask, "data", mask))
    if reduction in ("mean", "sum_over_batch_size"):
        valid = float(mask.astype(dtype).sum())
        scale = mask.size / valid if valid else 0.0
        float_mask = backend.xp.where(mask.astype(bool), scale, 0.0).astype(dtype)
    else:
        float_mask = mask.astype(dtype)
    if weights is None:
        return float_mask
    float_mask, weights = squeeze_or_expand_to_same_rank(float_mask, weights)
    try:
        return weights * float_mask
    except ValueError:
        raise ValueError(
            f"sample_weight of shape {tuple(weights.shape)} cannot weight the entries of a mask of "
            f"shape {tuple(float_mask.shape)} (the mask of y_pred); give sample_weight the mask's "
            f"shape or ({float_mask.shape[0]}, 1)") from None


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", name="loss"):
    """Weight ``values`` by ``sample_weight`` (and ``mask``) and reduce them, as Keras 3 does.

    The weights' trailing axis of size 1 is squeezed (or the values' expanded, for
    rank-1 values) when ranks differ by one; then they broadcast as arrays do, so
    weights (B, 1) apply per sample to losses (B, T) and ``reduction="none"`` with
    losses (B,) and weights (B, 1) gives (B, 1). ``"mean_with_sample_weight"``
    divides by the sum of the weights as given (not broadcast).
    """
    reduction = standardize_reduction(reduction)
    weights = None
    if sample_weight is not None:
        weights = backend.xp.asarray(getattr(sample_weight, "data", sample_weight), dtype=values.dtype)
    weights = apply_mask(weights, mask, values.dtype, reduction)
    if weights is not None:
        values, weights = squeeze_or_expand_to_same_rank(values, weights)
        try:
            np.broadcast_shapes(tuple(values.shape), weights.shape)
        except ValueError:
            raise ValueError(
                f"{name}: sample_weight of shape {weights.shape} cannot weight the per-sample "
                f"losses of shape {tuple(values.shape)} (they must broadcast after a trailing axis "
                "of size 1 is squeezed; to weight whole samples of losses shaped (batch, steps), "
                "give sample_weight the shape (batch, 1))") from None
        values = values * weights
    return reduce_values(values, weights, reduction)


def reduce_values(values, weights=None, reduction="sum_over_batch_size"):
    """Keras's ``reduce_values``: sum, or sum divided by the size (or the weights' sum)."""
    if reduction in (None, "none") or values.ndim == 0 or tuple(values.shape) == (0,):
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weights is not None:
        divisor = float(backend.xp.asarray(weights).sum())
    else:
        divisor = float(values.size)
    return total / divisor if divisor != 0 else total * 0.0


@keras_export("keras.losses.Loss")
class Loss:
    """Base class: subclasses implement ``call(y_true, y_pred)`` -> per-sample losses."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self.dtype = dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = get_keras_mask(y_pred)  # a sequence model's padding: those steps do not count
        y_pred = as_prediction(y_pred, self.dtype)
        losses = self.call(y_true, y_pred)
        mask = combine_masks(in_mask, get_keras_mask(losses),
                             self.compute_mask(y_true, y_pred, losses))
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

    # The function arguments a subclass writes into its config (None: all of them).
    # Keras 3.15 lists them per class: Huber and CosineSimilarity write none, and
    # SparseCategoricalCrossentropy leaves out ``axis``.
    config_keys = None

    def get_config(self):
        config = super().get_config()
        keys = self._fn_kwargs if self.config_keys is None else self.config_keys
        config.update({key: self._fn_kwargs[key] for key in keys})
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
