"""Per-sample loss functions, with Keras 3 names, signatures and formulas.

Each takes ``y_true`` (an array or Tensor; integers are fine) and ``y_pred`` (a
Tensor) and returns a Tensor of per-sample losses, reduced over the last axis
as Keras does (shape ``y_true.shape[:-1]``). Labels of the wrong shape raise a
``ValueError`` that names the loss and both shapes.
"""

import math
import warnings

import numpy as np  # dtypes and shapes only: arrays go through backend.xp

from .. import backend, ops
from ..autograd.ops.activation import logits_of
from ..autograd.tensor import Tensor
from ..registry import keras_export

EPSILON = 1e-7  # keras.backend.epsilon(): the clip margin for probabilities


# -- inputs ------------------------------------------------------------------------------
def as_prediction(y_pred, dtype=None):
    """``y_pred`` as a float Tensor (a Tensor keeps its float dtype unless ``dtype`` is given)."""
    if isinstance(y_pred, Tensor):
        if dtype is not None and y_pred.dtype != np.dtype(dtype):
            return ops.cast(y_pred, dtype)
        if y_pred.dtype.kind != "f":
            return ops.cast(y_pred, backend.floatx())
        return y_pred
    return Tensor(backend.xp.asarray(y_pred, dtype=dtype or backend.floatx()))


def as_target(y_true, like):
    """``y_true`` as a Tensor of ``like``'s dtype (a Tensor target keeps its gradient)."""
    if isinstance(y_true, Tensor):
        return ops.cast(y_true, like.dtype)
    return Tensor(backend.xp.asarray(y_true, dtype=like.dtype))


def match_rank(a, b):
    """Squeeze or expand a trailing axis of size 1 when the ranks differ by one (as Keras)."""
    if a.ndim == b.ndim + 1 and a.shape[-1] == 1:
        if b.ndim == 1:
            b = ops.expand_dims(b, -1)
        else:
            a = ops.squeeze(a, -1)
    elif b.ndim == a.ndim + 1 and b.shape[-1] == 1:
        if a.ndim == 1:
            a = ops.expand_dims(a, -1)
        else:
            b = ops.squeeze(b, -1)
    return a, b


def _looks_sparse(y_true, y_pred):
    """Integer class labels given where one-hot rows were expected."""
    if y_pred.ndim == 0 or y_pred.shape[-1] == 1:
        return False
    labels = backend.xp.asarray(getattr(y_true, "data", y_true))
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != y_pred.shape[:-1]:
        return False
    return labels.dtype.kind in "iub" or bool(backend.xp.all(labels == backend.xp.round(labels)))


def check_shapes(name, y_true, y_pred, original_true=None):
    """Raise ValueError naming the loss and both shapes unless they are equal."""
    if y_true.shape == y_pred.shape:
        return
    given = y_true if original_true is None else original_true
    message = (f"{name}: y_true and y_pred must have the same shape, received "
               f"y_true.shape={tuple(given.shape if hasattr(given, 'shape') else np.shape(given))} and y_pred.shape={y_pred.shape}.")
    if _looks_sparse(given, y_pred):
        message += (" y_true looks like integer class labels: use sparse_categorical_crossentropy "
                    "(or one-hot encode the labels).")
    raise ValueError(message)


def prepare(name, y_true, y_pred):
    """Tensors for ``y_true`` and ``y_pred`` of one shape, or a ValueError naming the loss.

    As in Keras, a trailing axis of size 1 is squeezed or added when the ranks differ by one.
    """
    y_pred = as_prediction(y_pred)
    target, y_pred = match_rank(as_target(y_true, y_pred), y_pred)
    check_shapes(name, target, y_pred, original_true=y_true)
    return target, y_pred


def _to_last_axis(x, axis):
    """``x`` with ``axis`` moved to the end (for the fused ops, which work on the last axis)."""
    axis = axis % x.ndim
    if axis == x.ndim - 1:
        return x
    order = [i for i in range(x.ndim) if i != axis] + [axis]
    return ops.transpose(x, order)


def row_sum(y_pred, axis, keepdims=True):
    """max(sum(y_pred, axis), eps): the divisor that normalises probability rows. A row summing
    to less than eps (all zeros) is divided by eps, not by 0, so its loss and gradient stay
    finite (0 / 0 is NaN in Keras); eps also bounds the gradient's 1 / sum^2."""
    return ops.maximum(ops.sum(y_pred, axis=axis, keepdims=keepdims), EPSILON)


def _fused(name, y_pred, from_logits, activation, axis=-1):
    """``(logits, True)`` when ``y_pred`` is the direct output of a softmax (over ``axis``) or
    sigmoid, so the probability cross-entropy is computed as the fused, stable logits one
    (as Keras's TensorFlow backend does); else ``(y_pred, from_logits)`` unchanged."""
    logits = logits_of(y_pred, activation, axis) if isinstance(y_pred, Tensor) else None
    if logits is None:
        return y_pred, from_logits
    if from_logits:
        warnings.warn(
            f"`{name}` received `from_logits=True`, but the `y_pred` argument was produced by a "
            f"{activation} activation and thus does not represent logits. Was this intended?",
            stacklevel=3)
        return y_pred, from_logits
    return logits, True


# -- regression ----------------------------------------------------------------------------
@keras_export("keras.losses.mean_squared_error", "keras.losses.MSE", "keras.losses.mse")
def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)^2, axis=-1)."""
    y_true, y_pred = prepare("mean_squared_error", y_true, y_pred)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


@keras_export("keras.losses.mean_absolute_error", "keras.losses.MAE", "keras.losses.mae")
def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|, axis=-1)."""
    y_true, y_pred = prepare("mean_absolute_error", y_true, y_pred)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


@keras_export("keras.losses.mean_absolute_percentage_error",
              "keras.losses.MAPE",
              "keras.losses.mape")
def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|y_true - y_pred| / max(|y_true|, eps), axis=-1)."""
    y_true, y_pred = prepare("mean_absolute_percentage_error", y_true, y_pred)
    diff = ops.abs(y_true - y_pred) / ops.maximum(ops.abs(y_true), EPSILON)
    return 100.0 * ops.mean(diff, axis=-1)


@keras_export("keras.losses.mean_squared_logarithmic_error",
              "keras.losses.MSLE",
              "keras.losses.msle")
def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))^2, axis=-1)."""
    y_true, y_pred = prepare("mean_squared_logarithmic_error", y_true, y_pred)
    first = ops.log(ops.maximum(y_pred, EPSILON) + 1.0)
    second = ops.log(ops.maximum(y_true, EPSILON) + 1.0)
    return ops.mean(ops.square(first - second), axis=-1)


@keras_export("keras.losses.huber")
def huber(y_true, y_pred, delta=1.0):
    """mean(0.5 e^2 if |e| <= delta else delta |e| - 0.5 delta^2, axis=-1), e = y_pred - y_true."""
    y_true, y_pred = prepare("huber", y_true, y_pred)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = 0.5 * ops.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return ops.mean(ops.where(abs_error.data <= delta, quadratic, linear), axis=-1)


@keras_export("keras.losses.log_cosh", "keras.losses.logcosh")
def log_cosh(y_true, y_pred):
    """mean(log(cosh(e)), axis=-1), as e + softplus(-2 e) - log(2) so that it never overflows."""
    y_true, y_pred = prepare("log_cosh", y_true, y_pred)
    error = y_pred - y_true
    return ops.mean(error + ops.softplus(-2.0 * error) - math.log(2.0), axis=-1)


@keras_export("keras.losses.cosine_similarity")
def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis): -1 when they point the same way."""
    y_true, y_pred = prepare("cosine_similarity", y_true, y_pred)
    return -ops.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def _l2_normalize(x, axis):
    """x / sqrt(max(sum(x^2), 1e-12)) along ``axis``."""
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis=axis, keepdims=True), 1e-12))


# -- probabilistic -------------------------------------------------------------------------
@keras_export("keras.losses.binary_crossentropy", "keras.losses.BCE", "keras.losses.bce")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """mean(-(t log p + (1 - t) log(1 - p)), axis), p clipped to [eps, 1 - eps].

    With ``from_logits`` the fused max(z, 0) - z t + log(1 + exp(-|z|)) is used; so it is
    when ``y_pred`` is the direct output of a sigmoid (its logits z are known: exact, unclipped).
    ``label_smoothing`` squeezes t towards 0.5: t (1 - s) + s / 2.
    """
    y_pred, from_logits = _fused("binary_crossentropy", y_pred, from_logits, "sigmoid")
    y_true, y_pred = prepare("binary_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        bce = ops.sigmoid_cross_entropy(y_true, y_pred)
    else:
        p = ops.clip(y_pred, EPSILON, 1.0 - EPSILON)
        bce = -(y_true * ops.log(p) + (1.0 - y_true) * ops.log(1.0 - p))
    return ops.mean(bce, axis=axis)


@keras_export("keras.losses.categorical_crossentropy")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(t log p, axis) for one-hot (or probability) rows t.

    On probabilities, p = y_pred / max(sum(y_pred), eps) clipped to [eps, 1 - eps]: Keras's
    formula for every row that sums to eps or more, and finite where Keras gives NaN: an
    all-zero row has p = eps in every class, a loss of -log(eps) sum(t) (about 16.12 for
    a one-hot t) and a zero gradient. On logits the fused, stable log-softmax
    cross-entropy, also used when ``y_pred`` is the direct output of a softmax over
    ``axis`` (exact, unclipped, as Keras's TF backend). ``label_smoothing`` s makes
    t (1 - s) + s / num_classes.
    """
    name = "categorical_crossentropy"
    y_pred, from_logits = _fused(name, as_prediction(y_pred), from_logits, "softmax", axis)
    target = as_target(y_true, y_pred)
    check_shapes(name, target, y_pred, original_true=y_true)
    if y_pred.ndim and y_pred.shape[axis] == 1:
        warnings.warn(
            f"{name}: y_pred has shape {y_pred.shape}, a single class, so the loss is always 0; "
            "use binary_crossentropy for two classes.", stacklevel=2)
    if label_smoothing:  # Keras divides by the last axis's size, whatever ``axis`` is
        target = target * (1.0 - label_smoothing) + label_smoothing / target.shape[-1]
    if from_logits:
        return ops.softmax_cross_entropy(_to_last_axis(target, axis), _to_last_axis(y_pred, axis))
    p = ops.clip(y_pred / row_sum(y_pred, axis), EPSILON, 1.0 - EPSILON)
    return -ops.sum(target * ops.log(p), axis=axis)


def _check_labels(name, labels, y_pred, ignore_class):
    """Integer labels in [0, C) (except ``ignore_class``), or a ValueError saying which is not."""
    num_classes = y_pred.shape[-1]
    if labels.dtype.kind == "f":
        fractional = labels[backend.xp.isnan(labels) | (labels != backend.xp.round(labels))]
        if fractional.size:
            raise ValueError(
                f"{name}: labels must be integer class indices, received the value {fractional[0]!r} "
                f"in y_true (y_pred has {num_classes} classes)")
    elif labels.dtype.kind not in "iub":
        raise ValueError(f"{name}: labels must be integer class indices, received dtype {labels.dtype}")
    checked = labels if ignore_class is None else labels[labels != ignore_class]
    if checked.size == 0:
        return
    bad = checked[(checked < 0) | (checked >= num_classes)]
    if bad.size:
        value = bad[0].item()
        value = int(value) if float(value).is_integer() else value
        raise ValueError(
            f"{name}: label {value} is out of range for {num_classes} classes "
            f"(y_pred has shape {y_pred.shape}); labels must be integers in [0, {num_classes})")


@keras_export("keras.losses.sparse_categorical_crossentropy")
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """-log p[label]: integer labels (...,) against probabilities or logits (..., C).

    On probabilities, p = y_pred / max(sum(y_pred), eps) clipped to [eps, 1 - eps] (as
    ``categorical_crossentropy``: an all-zero row gives -log(eps), about 16.12, and a zero
    gradient, not NaN); on logits (or the direct output of a softmax over ``axis``, whose
    logits are known) the fused, stable softmax cross-entropy. Entries whose label is
    ``ignore_class`` get a loss of 0.
    """
    name = "sparse_categorical_crossentropy"
    y_pred, from_logits = _fused(name, as_prediction(y_pred), from_logits, "softmax", axis)
    labels = backend.xp.asarray(getattr(y_true, "data", y_true))
    if labels.ndim == y_pred.ndim and labels.ndim and labels.shape[axis] == 1:
        labels = backend.xp.squeeze(labels, axis=axis)
    y_pred = _to_last_axis(y_pred, axis)
    if labels.shape != y_pred.shape[:-1]:
        message = (f"{name}: y_true must hold one integer label per row of y_pred, i.e. have shape "
                   f"{y_pred.shape[:-1]}, received y_true.shape={labels.shape} and "
                   f"y_pred.shape={y_pred.shape}.")
        if labels.shape == y_pred.shape:
            message += (" y_true looks one-hot encoded: use categorical_crossentropy, "
                        "or pass the class indices (y_true.argmax(-1)).")
        raise ValueError(message)
    _check_labels(name, labels, y_pred, ignore_class)
    valid = None if ignore_class is None else labels != ignore_class
    index = labels.astype(np.int64) if valid is None else backend.xp.where(valid, labels, 0).astype(np.int64)
    if from_logits:
        loss = ops.sparse_softmax_cross_entropy(index, y_pred)
    else:
        onehot = ops.one_hot(index, y_pred.shape[-1], dtype=y_pred.dtype)
        picked = ops.sum(y_pred * onehot, axis=-1) / row_sum(y_pred, -1, keepdims=False)
        loss = -ops.log(ops.clip(picked, EPSILON, 1.0 - EPSILON))
    if valid is not None:
        loss = ops.where(valid, loss, 0.0)
    return loss


@keras_export("keras.losses.kl_divergence",
              "keras.losses.KLD",
              "keras.losses.kld",
              "keras.losses.kullback_leibler_divergence")
def kl_divergence(y_true, y_pred):
    """sum(t log(t / p), axis=-1), t and p clipped to [eps, 1]."""
    y_true, y_pred = prepare("kl_divergence", y_true, y_pred)
    y_true = ops.clip(y_true, EPSILON, 1.0)
    y_pred = ops.clip(y_pred, EPSILON, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


@keras_export("keras.losses.poisson")
def poisson(y_true, y_pred):
    """mean(y_pred - y_true log(y_pred + eps), axis=-1)."""
    y_true, y_pred = prepare("poisson", y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + EPSILON), axis=-1)


# -- hinge -----------------------------------------------------------------------------
def _signed_labels(y_true):
    """0/1 labels become -1/1 (as Keras does); -1/1 labels pass through."""
    data = y_true.data
    if data.size and backend.xp.all((data == 0) | (data == 1)):
        return 2.0 * y_true - 1.0
    return y_true


@keras_export("keras.losses.hinge")
def hinge(y_true, y_pred):
    """mean(max(1 - t y_pred, 0), axis=-1), t in {-1, 1} (0/1 labels are converted)."""
    y_true, y_pred = prepare("hinge", y_true, y_pred)
    return ops.mean(ops.maximum(1.0 - _signed_labels(y_true) * y_pred, 0.0), axis=-1)


@keras_export("keras.losses.squared_hinge")
def squared_hinge(y_true, y_pred):
    """mean(max(1 - t y_pred, 0)^2, axis=-1), t in {-1, 1} (0/1 labels are converted)."""
    y_true, y_pred = prepare("squared_hinge", y_true, y_pred)
    return ops.mean(ops.square(ops.maximum(1.0 - _signed_labels(y_true) * y_pred, 0.0)), axis=-1)


@keras_export("keras.losses.categorical_hinge")
def categorical_hinge(y_true, y_pred):
    """max(neg - pos + 1, 0), pos = sum(t y_pred), neg = max((1 - t) y_pred), t one-hot."""
    name = "categorical_hinge"
    y_pred = as_prediction(y_pred)
    target = as_target(y_true, y_pred)
    check_shapes(name, target, y_pred, original_true=y_true)
    pos = ops.sum(target * y_pred, axis=-1)
    neg = ops.max((1.0 - target) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, 0.0)


# Keras's short names.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
bce = BCE = binary_crossentropy

FUNCTIONS = (mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
             mean_squared_logarithmic_error, huber, log_cosh, cosine_similarity,
             binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy,
             kl_divergence, poisson, hinge, squared_hinge, categorical_hinge)
ALIASES = {"mse": mse, "MSE": mse, "mae": mae, "MAE": mae, "mape": mape, "MAPE": mape,
           "msle": msle, "MSLE": msle, "kld": kld, "KLD": kld,
           "kullback_leibler_divergence": kld, "logcosh": logcosh, "bce": bce, "BCE": bce,
           "huber_loss": huber}
