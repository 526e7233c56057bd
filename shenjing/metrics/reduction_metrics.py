"""``Sum``, ``Mean`` and ``MeanMetricWrapper`` (the mean of a per-sample function).

Sample weights follow Keras 3's ``reduce_to_samplewise_values``: values are
reduced to the weights' rank, weighted, then reduced to one value per sample;
``Mean`` divides the weighted total by the sum of the (per-sample) weights.
"""

import numpy as np  # dtypes only: arrays go through backend.xp

from .. import backend
from ..autograd.masking import get_keras_mask
from ..autograd.ops.activation import logits_of
from ..losses.loss import apply_mask

from .metric import (Metric, as_result, deserialize_function, divide_no_nan,
                     serialize_function, squeeze_or_expand_to_same_rank, to_array)
from ..registry import keras_export

# Built-in per-sample functions that are losses: a metric wrapping one should go down.
LOWER_IS_BETTER = {
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "log_cosh", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence", "poisson",
    "hinge", "squared_hinge", "categorical_hinge",
}


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, name="metric"):
    """``(values, weights)``: the weighted values of rank <= 1 and the per-sample weights.
    A mask on ``values`` multiplies given weights (Keras reads it only when there are some)."""
    mask = get_keras_mask(values)
    values = to_array(values, np.float64)
    if sample_weight is not None:
        sample_weight = to_array(sample_weight, np.float64)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, np.float64, "sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        w_ndim, v_ndim = sample_weight.ndim, values.ndim
        if v_ndim > w_ndim:
            values = reduce_fn(values, axis=tuple(range(w_ndim, v_ndim)))
        try:
            sample_weight = backend.xp.broadcast_to(sample_weight, values.shape)
        except ValueError:
            raise ValueError(
                f"{name}: sample_weight of shape {sample_weight.shape} cannot weight values of "
                f"shape {values.shape}"
            ) from None
        values = values * sample_weight
        if w_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, w_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


@keras_export("keras.metrics.Sum")
class Sum(Metric):
    """The (weighted) sum of the values: [1, 3, 5, 7] -> 16; weights [1, 1, 0, 0] -> 4."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, backend.xp.sum, self.name)
        self.total[...] = self.total + backend.xp.sum(values)

    def result(self):
        return as_result(self.total)


@keras_export("keras.metrics.Mean")
class Mean(Metric):
    """The (weighted) mean: total / count, where count is the number (or weight) of samples.

    [1, 3, 5, 7] -> 4; with weights [1, 1, 0, 0] -> 2. ``Mean(name="loss")`` is the
    trainer's running loss: ``update_state(batch_loss, sample_weight=batch_size)``.
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")
        self.count = self.add_variable((), name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, backend.xp.mean,
                                                            self.name)
        if sample_weight is not None:
            num_samples = backend.xp.sum(sample_weight)
        elif values.ndim >= 1:
            num_samples = values.shape[0]
        else:
            num_samples = 1
        self.total[...] = self.total + backend.xp.sum(values)
        self.count[...] = self.count + num_samples

    def result(self):
        return as_result(divide_no_nan(self.total, self.count))


@keras_export("keras.metrics.MeanMetricWrapper")
class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)``, a function of per-sample values.

    A mask on ``y_pred`` (``_keras_mask``) weighs its masked entries 0: the mean is over the
    unmasked ones (times ``sample_weight`` when given), as Keras's wrapper does."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise ValueError(f"MeanMetricWrapper expects a callable fn, received {fn!r}")
        super().__init__(name=name or getattr(fn, "__name__", None) or "mean_metric_wrapper",
                         dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        # As Keras does for wrapped losses: lower is better.
        if (getattr(fn, "__name__", None) in LOWER_IS_BETTER
                or str(getattr(fn, "__module__", "")).startswith("shenjing.losses")):
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = get_keras_mask(y_pred)
        if mask is not None:
            sample_weight = apply_mask(
                None if sample_weight is None else to_array(sample_weight, np.float64),
                mask, np.float64, "sum")
        kwargs = self._fn_kwargs
        activation = getattr(self._fn, "logits_activation", None)
        if activation is not None and not kwargs.get("from_logits"):
            logits = logits_of(y_pred, activation, kwargs.get("axis", -1))
            if logits is not None:  # the fused, exact form, as the loss computes it
                y_pred, kwargs = logits, {**kwargs, "from_logits": True}
        try:
            values = self._fn(to_array(y_true), to_array(y_pred), **kwargs)
        except ValueError as err:
            if self.name in str(err):
                raise
            raise ValueError(f"Metric '{self.name}': {err}") from err
        return super().update_state(to_array(values), sample_weight=sample_weight)

    def get_config(self):
        config = {**super().get_config(), "fn": serialize_function(self._fn)}
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize_function(config["fn"], custom_objects)
        return cls(**config)


def samplewise(y_true, y_pred):
    """Both inputs as float arrays of the same rank (Keras's squeeze-or-expand)."""
    y_true = to_array(y_true, np.float64)
    y_pred = to_array(y_pred, np.float64)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)
