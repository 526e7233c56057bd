"""The loss classes: each wraps one per-sample function with Keras 3's arguments and name."""

from .. import backend

from . import functions as F
from .loss import LossFunctionWrapper
from ..registry import keras_export

_SBS = "sum_over_batch_size"


@keras_export("keras.losses.MeanSquaredError")
class MeanSquaredError(LossFunctionWrapper):
    """mean((y_true - y_pred)^2), reduced over the batch."""

    def __init__(self, reduction=_SBS, name="mean_squared_error", dtype=None):
        super().__init__(F.mean_squared_error, reduction=reduction, name=name, dtype=dtype)


@keras_export("keras.losses.MeanAbsoluteError")
class MeanAbsoluteError(LossFunctionWrapper):
    """mean(|y_true - y_pred|), reduced over the batch."""

    def __init__(self, reduction=_SBS, name="mean_absolute_error", dtype=None):
        super().__init__(F.mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


@keras_export("keras.losses.MeanAbsolutePercentageError")
class MeanAbsolutePercentageError(LossFunctionWrapper):
    """100 * mean(|y_true - y_pred| / |y_true|), reduced over the batch."""

    def __init__(self, reduction=_SBS, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(F.mean_absolute_percentage_error, reduction=reduction, name=name,
                         dtype=dtype)


@keras_export("keras.losses.MeanSquaredLogarithmicError")
class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """mean((log(y_pred + 1) - log(y_true + 1))^2), reduced over the batch."""

    def __init__(self, reduction=_SBS, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(F.mean_squared_logarithmic_error, reduction=reduction, name=name,
                         dtype=dtype)


@keras_export("keras.losses.CosineSimilarity")
class CosineSimilarity(LossFunctionWrapper):
    """-cosine(y_true, y_pred) along ``axis``, reduced over the batch."""

    def __init__(self, axis=-1, reduction=_SBS, name="cosine_similarity", dtype=None):
        super().__init__(F.cosine_similarity, reduction=reduction, name=name, dtype=dtype,
                         axis=axis)

    config_keys = ()  # Keras 3.15 writes only name and reduction


@keras_export("keras.losses.Huber")
class Huber(LossFunctionWrapper):
    """Quadratic for |error| <= delta, linear beyond, reduced over the batch."""

    def __init__(self, delta=1.0, reduction=_SBS, name="huber_loss", dtype=None):
        super().__init__(F.huber, reduction=reduction, name=name, dtype=dtype, delta=delta)

    config_keys = ()  # Keras 3.15 writes only name and reduction


@keras_export("keras.losses.LogCosh")
class LogCosh(LossFunctionWrapper):
    """mean(log(cosh(y_pred - y_true))), reduced over the batch."""

    def __init__(self, reduction=_SBS, name="log_cosh", dtype=None):
        super().__init__(F.log_cosh, reduction=reduction, name=name, dtype=dtype)


@keras_export("keras.losses.Hinge")
class Hinge(LossFunctionWrapper):
    """mean(max(1 - y_true * y_pred, 0)); 0/1 labels become -1/1."""

    def __init__(self, reduction=_SBS, name="hinge", dtype=None):
        super().__init__(F.hinge, reduction=reduction, name=name, dtype=dtype)


@keras_export("keras.losses.SquaredHinge")
class SquaredHinge(LossFunctionWrapper):
    """mean(max(1 - y_true * y_pred, 0)^2); 0/1 labels become -1/1."""

    def __init__(self, reduction=_SBS, name="squared_hinge", dtype=None):
        super().__init__(F.squared_hinge, reduction=reduction, name=name, dtype=dtype)


@keras_export("keras.losses.CategoricalHinge")
class CategoricalHinge(LossFunctionWrapper):
    """max(max((1 - t) y_pred) - sum(t y_pred) + 1, 0) for one-hot t."""

    def __init__(self, reduction=_SBS, name="categorical_hinge", dtype=None):
        super().__init__(F.categorical_hinge, reduction=reduction, name=name, dtype=dtype)


@keras_export("keras.losses.KLDivergence")
class KLDivergence(LossFunctionWrapper):
    """sum(y_true * log(y_true / y_pred)), reduced over the batch."""

    def __init__(self, reduction=_SBS, name="kl_divergence", dtype=None):
        super().__init__(F.kl_divergence, reduction=reduction, name=name, dtype=dtype)


@keras_export("keras.losses.Poisson")
class Poisson(LossFunctionWrapper):
    """mean(y_pred - y_true * log(y_pred)), reduced over the batch."""

    def __init__(self, reduction=_SBS, name="poisson", dtype=None):
        super().__init__(F.poisson, reduction=reduction, name=name, dtype=dtype)


@keras_export("keras.losses.BinaryCrossentropy")
class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy of 0/1 targets against probabilities (or logits)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_SBS,
                 name="binary_crossentropy", dtype=None):
        super().__init__(F.binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


@keras_export("keras.losses.CategoricalCrossentropy")
class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of one-hot targets against probabilities (or logits)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_SBS,
                 name="categorical_crossentropy", dtype=None):
        super().__init__(F.categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


@keras_export("keras.losses.SparseCategoricalCrossentropy")
class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer labels against probabilities (or logits).

    Entries labelled ``ignore_class`` count neither in the sum nor in the
    batch size that ``"sum_over_batch_size"`` divides by.
    """

    config_keys = ("from_logits", "ignore_class")  # Keras 3.15 does not write axis

    def __init__(self, from_logits=False, ignore_class=None, reduction=_SBS, axis=-1,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(F.sparse_categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class,
                         axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def compute_mask(self, y_true, y_pred, losses):
        if self.ignore_class is None:
            return None
        labels = backend.xp.asarray(getattr(y_true, "data", y_true))
        return (labels != self.ignore_class).reshape(losses.shape)


CLASSES = (MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
           MeanSquaredLogarithmicError, CosineSimilarity, Huber, LogCosh, Hinge, SquaredHinge,
           CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
           SparseCategoricalCrossentropy)
