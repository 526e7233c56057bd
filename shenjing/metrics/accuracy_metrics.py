"""Accuracy metrics: per-sample functions and their ``MeanMetricWrapper`` classes (Keras 3).

- ``accuracy``: y_pred == y_true, averaged over the last axis.
- ``binary_accuracy``: (y_pred > threshold) == y_true, averaged over the last axis.
- ``categorical_accuracy``: argmax(y_true) == argmax(y_pred) for one-hot y_true.
- ``sparse_categorical_accuracy``: y_true == argmax(y_pred) for integer labels,
  y_true of shape (N,) or (N, 1).
- ``(sparse_)top_k_categorical_accuracy``: the true class's score is at least
  the k-th largest score (ties at the boundary count as hits, as in TF's ``in_top_k``).
"""

import numpy as np  # dtypes only: arrays go through backend.xp

from .. import backend

from .metric import check_same_shape, register_function, to_array
from .reduction_metrics import MeanMetricWrapper, samplewise
from ..registry import keras_export

_SPARSE_HINT = "; for integer labels use sparse_categorical_accuracy"
_ONE_HOT_HINT = "; for one-hot labels use categorical_accuracy"


@keras_export("keras.metrics.accuracy")
@register_function
def accuracy(y_true, y_pred):
    y_true, y_pred = samplewise(y_true, y_pred)
    check_same_shape("accuracy", y_true, y_pred)
    return backend.xp.mean(y_true == y_pred, axis=-1)


@keras_export("keras.metrics.binary_accuracy")
@register_function
def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = samplewise(y_true, y_pred)
    check_same_shape("binary_accuracy", y_true, y_pred)
    return backend.xp.mean(y_true == (y_pred > threshold), axis=-1)


def _one_hot_inputs(name, y_true, y_pred):
    y_true = to_array(y_true)
    y_pred = to_array(y_pred)
    if y_pred.ndim == 0:
        raise ValueError(f"{name}: y_pred must have a class axis, received a scalar")
    check_same_shape(name, y_true, y_pred, _SPARSE_HINT)
    return y_true, y_pred


def _sparse_inputs(name, y_true, y_pred):
    y_true = to_array(y_true)
    y_pred = to_array(y_pred)
    if y_pred.ndim == 0:
        raise ValueError(f"{name}: y_pred must have a class axis, received a scalar")
    batch_shape = y_pred.shape[:-1]
    if y_true.shape == batch_shape + (1,) and y_pred.ndim >= 1:
        y_true = y_true[..., 0]
    if y_true.shape != batch_shape:
        raise ValueError(
            f"{name}: expected integer labels y_true of shape {batch_shape} or "
            f"{batch_shape + (1,)} for y_pred of shape {y_pred.shape}, received y_true of "
            f"shape {y_true.shape}{_ONE_HOT_HINT if y_true.shape == y_pred.shape else ''}"
        )
    return y_true, y_pred


@keras_export("keras.metrics.categorical_accuracy")
@register_function
def categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _one_hot_inputs("categorical_accuracy", y_true, y_pred)
    return (backend.xp.argmax(y_true, axis=-1) == backend.xp.argmax(y_pred, axis=-1)).astype(np.float64)


@keras_export("keras.metrics.sparse_categorical_accuracy")
@register_function
def sparse_categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _sparse_inputs("sparse_categorical_accuracy", y_true, y_pred)
    return (y_true == backend.xp.argmax(y_pred, axis=-1)).astype(np.float64)


def in_top_k(targets, predictions, k):
    """Whether each target's score is >= the k-th largest score in its row (vectorised)."""
    num_classes = predictions.shape[-1]
    scores = predictions.reshape(-1, num_classes)
    targets = targets.reshape(-1)
    if k <= 0:
        return backend.xp.zeros(targets.shape, dtype=bool).reshape(predictions.shape[:-1])
    k = min(int(k), num_classes)
    kth = backend.xp.partition(scores, num_classes - k, axis=-1)[:, num_classes - k]
    index = targets.astype(np.int64)
    valid = (index >= 0) & (index < num_classes) & (index == targets)
    target_scores = backend.xp.take_along_axis(scores, backend.xp.where(valid, index, 0)[:, None], axis=-1)[:, 0]
    return (valid & (target_scores >= kth)).reshape(predictions.shape[:-1])


@keras_export("keras.metrics.top_k_categorical_accuracy")
@register_function
def top_k_categorical_accuracy(y_true, y_pred, k=5):
    y_true, y_pred = _one_hot_inputs("top_k_categorical_accuracy", y_true, y_pred)
    return in_top_k(backend.xp.argmax(y_true, axis=-1), y_pred, k).astype(np.float64)


@keras_export("keras.metrics.sparse_top_k_categorical_accuracy")
@register_function
def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """Whether the label is in the top k; with ``from_sorted_ids``, y_pred holds class ids
    sorted by score (e.g. from a retrieval step) and the label is looked up in its first k."""
    if from_sorted_ids:
        y_true, y_pred = to_array(y_true), to_array(y_pred)
        labels = y_true.reshape(-1)
        ids = y_pred.reshape(-1, y_pred.shape[-1]) if y_pred.ndim else y_pred.reshape(1, 1)
        if ids.shape[0] != labels.size:
            raise ValueError(
                f"sparse_top_k_categorical_accuracy: expected one label per row of sorted ids, "
                f"received y_true of shape {y_true.shape} and y_pred of shape {y_pred.shape}")
        matches = (labels[:, None] == ids[:, :k]).any(axis=1).astype(np.float64)
        return matches.reshape(y_true.shape) if y_true.ndim > 1 else matches
    y_true, y_pred = _sparse_inputs("sparse_top_k_categorical_accuracy", y_true, y_pred)
    return in_top_k(y_true, y_pred, k).astype(np.float64)


@keras_export("keras.metrics.Accuracy")
class Accuracy(MeanMetricWrapper):
    """How often y_pred equals y_true exactly."""

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.BinaryAccuracy")
class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) matches the binary labels."""

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if threshold is not None and not 0 < threshold < 1:
            raise ValueError(
                "Invalid value for argument `threshold`. Expected a value in interval (0, 1). "
                f"Received: threshold={threshold}"
            )
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


@keras_export("keras.metrics.CategoricalAccuracy")
class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) matches one-hot y_true."""

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.SparseCategoricalAccuracy")
class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) matches integer labels (shape (N,) or (N, 1))."""

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.TopKCategoricalAccuracy")
class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the top ``k`` predictions."""

    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


@keras_export("keras.metrics.SparseTopKCategoricalAccuracy")
class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is among the top ``k`` predictions."""

    _direction = "up"

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        super().__init__(fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:  # as Keras 3.15: written only when set
            config["from_sorted_ids"] = True
        return config
