"""Intersection-over-union metrics (Keras 3): IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU.

All accumulate one (num_classes, num_classes) confusion matrix cm (rows: true class,
columns: predicted), integer by default as in Keras (float sample weights are
truncated then, with a warning). Per class c: IoU_c = cm[c, c] / (row_c + col_c -
cm[c, c] + eps); the result is the mean over the target classes whose denominator is
non-zero. Labels outside [0, num_classes), and ``ignore_class``, are not counted.
"""

import warnings

import numpy as np  # dtypes only: arrays go through backend.xp

from .. import backend
from ..registry import keras_export
from .metric import EPSILON, Metric, as_result, to_array


def _standard_dtype(dtype):
    return "int32" if dtype in (None, "int") else dtype


class _IoUBase(Metric):
    """The confusion-matrix state and update shared by the IoU metrics."""

    _direction = "up"

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=_standard_dtype(dtype))
        if not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
            raise ValueError(f"Expected `num_classes` to be a positive integer. "
                             f"Received: num_classes={num_classes!r}")
        self.num_classes = int(num_classes)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable((self.num_classes, self.num_classes),
                                          name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        xp = backend.xp
        y_true, y_pred = to_array(y_true), to_array(y_pred)
        if not self.sparse_y_true:
            y_true = xp.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = xp.argmax(y_pred, axis=self.axis)
        y_true = y_true.astype(self.dtype).reshape(-1)
        y_pred = y_pred.astype(self.dtype).reshape(-1)
        if y_true.shape != y_pred.shape:
            raise ValueError(f"{type(self).__name__}: y_true and y_pred must hold as many labels, "
                             f"received {y_true.size} and {y_pred.size}")
        if sample_weight is None:
            weight = xp.ones(y_true.shape, dtype=self.dtype)
        else:
            weight = to_array(sample_weight)
            if weight.dtype.kind == "f" and np.dtype(self.dtype).kind in "iu":
                warnings.warn("You are passing weight as `float`, but dtype is `int`. This may "
                              "result in an incorrect weight due to type casting Consider using "
                              "integer weights.", stacklevel=2)
            weight = weight.astype(self.dtype).reshape(-1) if weight.ndim > 1 else weight.astype(self.dtype)
            try:
                weight = xp.broadcast_to(weight, y_true.shape)
            except ValueError:
                raise ValueError(f"{type(self).__name__}: sample_weight of shape {weight.shape} "
                                 f"cannot be broadcast to the {y_true.size} labels") from None
        valid = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            valid &= y_true != self.ignore_class
        index = (y_true[valid].astype(np.int64) * self.num_classes + y_pred[valid].astype(np.int64))
        counts = xp.bincount(index, weights=weight[valid].astype(np.float64),
                             minlength=self.num_classes ** 2)
        self.total_cm[...] += counts.reshape(self.num_classes, self.num_classes).astype(self.dtype)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


@keras_export("keras.metrics.IoU")
class IoU(_IoUBase):
    """Mean IoU over ``target_class_ids``."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"Target class id {max(target_class_ids)} is out of range, which is "
                             f"[0, {num_classes}).")
        self.target_class_ids = list(target_class_ids)

    def result(self):
        cm = self.total_cm.astype(np.float64)
        tp = backend.xp.diag(cm)
        denominator = cm.sum(axis=0) + cm.sum(axis=1) - tp
        ids = backend.xp.asarray(self.target_class_ids, dtype=np.int64)
        tp, denominator = tp[ids].astype(np.float32), denominator[ids].astype(np.float32)
        valid = denominator > 1e-9
        iou = backend.xp.where(valid, tp / (denominator + EPSILON), 0.0)
        return as_result(iou.sum() / (valid.sum() + EPSILON))

    def get_config(self):
        return {**super().get_config(), "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


@keras_export("keras.metrics.BinaryIoU")
class BinaryIoU(IoU):
    """IoU of 0/1 targets against probabilities made 0/1 by ``y_pred >= threshold``."""

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = (to_array(y_pred, np.float32) >= self.threshold).astype(self.dtype)
        return super().update_state(to_array(y_true).astype(self.dtype), y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}


@keras_export("keras.metrics.MeanIoU")
class MeanIoU(IoU):
    """IoU averaged over every class."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=list(range(num_classes)),
                         name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


@keras_export("keras.metrics.OneHotIoU")
class OneHotIoU(IoU):
    """IoU of one-hot targets (and, unless ``sparse_y_pred``, per-class scores)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids, name=name,
                         dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self.dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


@keras_export("keras.metrics.OneHotMeanIoU")
class OneHotMeanIoU(MeanIoU):
    """MeanIoU of one-hot targets (and, unless ``sparse_y_pred``, per-class scores)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self.dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}
