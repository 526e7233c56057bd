"""Confusion-matrix metrics (Keras 3): TruePositives ... FalseNegatives, Precision,
Recall and AUC, all built on one counting routine, ``confusion_counts``.

A prediction p is positive at threshold t when p > t. Instead of comparing every
prediction with every threshold (O(N * T)), each prediction goes into the bucket
of the highest threshold it exceeds and a reversed cumulative sum of the bucket
totals gives the counts at every threshold (O(N + T)), as in Keras's
``_update_confusion_matrix_variables_optimized``:

- evenly spaced thresholds i / (T - 1) (AUC's default): bucket = ceil(p (T - 1)) - 1,
  p clipped to [0, 1], and the first bucket takes everything when the end
  thresholds carry Keras's -eps / 1 + eps margins;
- any other thresholds: bucket = searchsorted(sorted thresholds, p) - 1 (exact p > t).
"""

import numpy as np  # dtypes only: arrays go through backend.xp

from .. import backend

from .metric import (EPSILON, Metric, as_result, divide_no_nan,
                     squeeze_or_expand_to_same_rank, to_array)
from ..registry import keras_export

NEG_INF = -1e10


def parse_thresholds(thresholds, default):
    """The thresholds as a list of floats, each checked to lie in [0, 1]."""
    if thresholds is None:
        return [float(default)]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    invalid = [t for t in values if t is None or not 0 <= t <= 1]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return [float(t) for t in values]


def is_evenly_distributed(thresholds):
    """Whether ``thresholds`` are i / (T - 1) for i = 0 .. T - 1 (T >= 3)."""
    num = len(thresholds)
    if num < 3:
        return False
    even = backend.xp.arange(num, dtype=np.float32) / (num - 1)
    return bool(backend.xp.allclose(thresholds, even, atol=EPSILON))


def filter_top_k(x, k):
    """Keep the k largest values of the last axis (first index wins ties), NEG_INF elsewhere."""
    order = backend.xp.argsort(-x, axis=-1, kind="stable")[..., :k]
    keep = backend.xp.zeros(x.shape, dtype=bool)
    backend.xp.put_along_axis(keep, order, True, axis=-1)
    return backend.xp.where(keep, x, NEG_INF)


def confusion_counts(y_true, y_pred, thresholds, *, evenly=False, sample_weight=None,
                     top_k=None, class_id=None, multi_label=False, label_weights=None,
                     name="metric"):
    """Weighted (tp, fp, tn, fn) at each threshold, shape (T,) or (T, labels) for multi_label.

    ``y_true`` is cast to bool; ``sample_weight`` broadcasts against ``y_true``
    (rank 0, or the same rank with axes of size 1); ``top_k`` keeps the k largest
    predictions per row; ``class_id`` keeps one column.
    """
    y_true = to_array(y_true, np.float32)
    y_pred = to_array(y_pred, np.float32)
    thresholds = backend.xp.asarray(thresholds, dtype=np.float64)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name}: expected y_true and y_pred of the same shape, received y_true of shape "
            f"{y_true.shape} and y_pred of shape {y_pred.shape}"
        )
    weights = None
    if sample_weight is not None:
        weights = to_array(sample_weight, np.float32)[..., None]
        _, weights = squeeze_or_expand_to_same_rank(y_true, weights, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim < 2:
            raise ValueError(
                f"{name}: when class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {y_pred.shape}"
            )
        if not -y_pred.shape[-1] <= class_id < y_pred.shape[-1]:
            raise ValueError(
                f"{name}: class_id={class_id} is out of range for y_pred of shape {y_pred.shape}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    if weights is not None:
        try:
            weights = backend.xp.broadcast_to(weights, y_pred.shape)
        except ValueError:
            raise ValueError(
                f"{name}: sample_weight of shape {np.shape(backend.to_numpy(getattr(sample_weight, 'data', sample_weight)))} cannot be broadcast "
                f"to the predictions' shape {y_pred.shape}"
            ) from None
    if label_weights is not None and not multi_label:
        lw = backend.xp.broadcast_to(backend.xp.asarray(label_weights, np.float32)[None], y_pred.shape)
        weights = lw if weights is None else weights * lw
    if weights is None:
        weights = backend.xp.ones(y_pred.shape, dtype=np.float64)
    weights = weights.astype(np.float64)

    num_thresholds = len(thresholds)
    if evenly:
        p = backend.xp.clip(y_pred, 0.0, 1.0)
        buckets = backend.xp.ceil(p * np.float32(num_thresholds - 1)).astype(np.int64) - 1
        if thresholds[0] < 0.0 or thresholds[-1] > 1.0:
            buckets = backend.xp.maximum(buckets, 0)
        order = None
    else:
        order = backend.xp.argsort(thresholds, kind="stable")
        # Count of thresholds strictly below p, minus one: the highest one p exceeds.
        buckets = backend.xp.searchsorted(thresholds[order], y_pred, side="left") - 1

    is_true = y_true.astype(bool)
    true_w = backend.xp.where(is_true, weights, 0.0)
    false_w = backend.xp.where(is_true, 0.0, weights)
    if multi_label:
        if y_pred.ndim != 2:
            raise ValueError(
                f"{name}: y_pred must have rank 2 when multi_label=True, found shape "
                f"{y_pred.shape}"
            )
        num_labels = y_pred.shape[1]
        offsets = backend.xp.arange(num_labels)[None, :] * num_thresholds
    else:
        num_labels, offsets = 1, 0
        buckets, true_w, false_w = buckets.reshape(-1), true_w.reshape(-1), false_w.reshape(-1)
    valid = buckets >= 0
    index = (buckets + offsets)[valid]
    size = num_thresholds * num_labels

    def reversed_cumsum(values):
        counts = backend.xp.bincount(index, weights=values[valid], minlength=size)
        counts = counts.reshape(num_labels, num_thresholds)[:, ::-1].cumsum(axis=1)[:, ::-1]
        return counts.T if multi_label else counts[0]

    tp = reversed_cumsum(true_w)
    fp = reversed_cumsum(false_w)
    if multi_label:
        fn = true_w.sum(axis=0)[None, :] - tp
        tn = false_w.sum(axis=0)[None, :] - fp
    else:
        fn = true_w.sum() - tp
        tn = false_w.sum() - fp
    if order is not None:
        unsorted = [backend.xp.empty_like(c) for c in (tp, fp, tn, fn)]
        for out, counts in zip(unsorted, (tp, fp, tn, fn)):
            out[order] = counts
        tp, fp, tn, fn = unsorted
    return tp, fp, tn, fn


class _ConfusionMatrixConditionCount(Metric):
    """The weighted count of one confusion-matrix cell at each threshold (default 0.5)."""

    _cell = 0  # index into (tp, fp, tn, fn)

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, 0.5)
        self._evenly = is_evenly_distributed(self.thresholds)
        self.accumulator = self.add_variable((len(self.thresholds),), name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(y_true, y_pred, self.thresholds, evenly=self._evenly,
                                  sample_weight=sample_weight, name=self.name)
        self.accumulator += counts[self._cell].astype(self.accumulator.dtype)

    def result(self):
        if len(self.thresholds) == 1:
            return as_result(self.accumulator[0])
        return as_result(self.accumulator)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


@keras_export("keras.metrics.TruePositives")
class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives: y_true and y_pred > threshold."""

    _cell = 0


@keras_export("keras.metrics.FalsePositives")
class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives: not y_true and y_pred > threshold."""

    _cell = 1


@keras_export("keras.metrics.TrueNegatives")
class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives: not y_true and y_pred <= threshold."""

    _cell = 2


@keras_export("keras.metrics.FalseNegatives")
class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives: y_true and y_pred <= threshold."""

    _cell = 3


class _PrecisionRecall(Metric):
    """Shared state of Precision and Recall: tp and one error cell per threshold."""

    _direction = "up"

    _other = "false_positives"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_thresholds(thresholds, default)
        self._evenly = is_evenly_distributed(self.thresholds)
        self.true_positives = self.add_variable((len(self.thresholds),), name="true_positives")
        self.other = self.add_variable((len(self.thresholds),), name=self._other)

    def update_state(self, y_true, y_pred, sample_weight=None):
        tp, fp, _, fn = confusion_counts(
            y_true, y_pred, self.thresholds, evenly=self._evenly, sample_weight=sample_weight,
            top_k=self.top_k, class_id=self.class_id, name=self.name)
        self.true_positives += tp.astype(self.true_positives.dtype)
        self.other += (fp if self._other == "false_positives" else fn).astype(self.other.dtype)

    def result(self):
        value = divide_no_nan(self.true_positives, self.true_positives + self.other)
        return as_result(value[0] if len(self.thresholds) == 1 else value)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


@keras_export("keras.metrics.Precision")
class Precision(_PrecisionRecall):
    """tp / (tp + fp) at each threshold (default 0.5), optionally for one ``class_id``
    or among the ``top_k`` predictions of each row."""

    _other = "false_positives"

    @property
    def false_positives(self):
        return self.other


@keras_export("keras.metrics.Recall")
class Recall(_PrecisionRecall):
    """tp / (tp + fn) at each threshold (default 0.5), optionally for one ``class_id``
    or among the ``top_k`` predictions of each row."""

    _other = "false_negatives"

    @property
    def false_negatives(self):
        return self.other


@keras_export("keras.metrics.AUC")
class AUC(Metric):
    """Area under the ROC or PR curve, from confusion counts at ``num_thresholds``
    thresholds (Keras's bucketed approximation).

    ROC + "interpolation": trapezoids of recall over the false-positive rate;
    PR + "interpolation": Davis & Goadrich's interpolation of precision;
    "minoring" / "majoring": left/right Riemann sums. ``multi_label=True`` keeps
    one curve per column and averages them (weighted by ``label_weights``).
    """

    _direction = "up"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        if str(curve).upper() not in ("ROC", "PR"):
            raise ValueError(
                f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC"]'
            )
        if str(summation_method).lower() not in ("interpolation", "majoring", "minoring"):
            raise ValueError(
                f'Invalid AUC summation method value: "{summation_method}". '
                'Expected values are ["interpolation", "majoring", "minoring"]'
            )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds(thresholds, 0.5))
            self.num_thresholds = len(inner) + 2
            self._evenly = is_evenly_distributed([0.0] + inner + [1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        # End thresholds just outside [0, 1] so that 0 and 1 fall inside the curve.
        self._thresholds = backend.xp.array([0.0 - EPSILON] + inner + [1.0 + EPSILON])
        self.curve = str(curve).upper()
        self.summation_method = str(summation_method).lower()
        super().__init__(name=name, dtype=dtype)
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = (None if label_weights is None
                              else backend.xp.asarray(label_weights, dtype=np.float64))
        self._from_logits = bool(from_logits)
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build(int(num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self):
        return list(self._thresholds)

    def _build(self, num_labels):
        shape = (self.num_thresholds,) if num_labels is None else (self.num_thresholds,
                                                                   num_labels)
        self._num_labels = num_labels
        self.true_positives = self.add_variable(shape, name="true_positives")
        self.false_positives = self.add_variable(shape, name="false_positives")
        self.true_negatives = self.add_variable(shape, name="true_negatives")
        self.false_negatives = self.add_variable(shape, name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = to_array(y_pred, np.float32)
        if not self._built:
            if y_pred.ndim != 2:
                raise ValueError(
                    f"{self.name}: y_pred must have rank 2 when multi_label=True, found shape "
                    f"{y_pred.shape}"
                )
            self._build(y_pred.shape[1])
        if self._from_logits:
            y_pred = (1.0 / (1.0 + backend.xp.exp(-y_pred.astype(np.float64)))).astype(np.float32)
        tp, fp, tn, fn = confusion_counts(
            y_true, y_pred, self._thresholds, evenly=self._evenly, sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights, name=self.name)
        for var, counts in zip(self.variables, (tp, fp, tn, fn)):
            var += counts.astype(var.dtype)

    def _average(self, by_label):
        if not self.multi_label:
            return float(backend.xp.sum(by_label))
        by_label = backend.xp.sum(by_label, axis=0)
        if self.label_weights is None:
            return float(backend.xp.mean(by_label))
        return float(divide_no_nan(backend.xp.sum(by_label * self.label_weights),
                                   backend.xp.sum(self.label_weights)))

    def _interpolate_pr_auc(self, tp, fp, fn):
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = divide_no_nan(dtp, backend.xp.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = backend.xp.where(both, divide_no_nan(p[:-1], backend.xp.maximum(p[1:], 0)), 1.0)
        increments = divide_no_nan(slope * (dtp + intercept * backend.xp.log(ratio)),
                                   backend.xp.maximum(tp[1:] + fn[1:], 0))
        return self._average(increments)

    def result(self):
        if not self._built:
            return 0.0
        tp, fp, tn, fn = (v.astype(np.float64) for v in self.variables)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc(tp, fp, fn)
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = backend.xp.minimum(y[:-1], y[1:])
        else:
            heights = backend.xp.maximum(y[:-1], y[1:])
        return self._average((x[:-1] - x[1:]) * heights)

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
