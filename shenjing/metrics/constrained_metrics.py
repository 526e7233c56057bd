"""One rate at the best threshold that holds another rate to a bound (Keras 3):
SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision.

The confusion counts are kept at ``num_thresholds`` evenly spaced thresholds
[0, 1/(T-1), ..., 1] (0.5 alone when T = 1), a prediction being positive when
p > t. The result is max over thresholds where constrained >= value of the
dependent rate (0 if none qualifies); rates are tp / (tp + fn) (sensitivity,
recall), tn / (tn + fp) (specificity), tp / (tp + fp) (precision), 0 when 0 / 0.
"""

import numpy as np  # dtypes only: arrays go through backend.xp

from .. import backend
from ..registry import keras_export
from .confusion_metrics import confusion_counts
from .metric import Metric, as_result, divide_no_nan


class SensitivitySpecificityBase(Metric):
    """Confusion counts at evenly spaced thresholds, and the constrained maximum."""

    _direction = "up"
    _value_name = "value"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if not 0 <= value <= 1:
            raise ValueError(f"Argument `{self._value_name}` must be in the range [0, 1]. "
                             f"Received: {self._value_name}={value}")
        if num_thresholds <= 0:
            raise ValueError("Argument `num_thresholds` must be an integer > 0. "
                             f"Received: num_thresholds={num_thresholds}")
        self.value = value
        setattr(self, self._value_name, value)
        self.num_thresholds = num_thresholds
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds, self._evenly = [0.5], False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds, self._evenly = [0.0] + inner + [1.0], True
        size = (len(self.thresholds),)
        self.true_positives = self.add_variable(size, name="true_positives")
        self.false_positives = self.add_variable(size, name="false_positives")
        self.true_negatives = self.add_variable(size, name="true_negatives")
        self.false_negatives = self.add_variable(size, name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        tp, fp, tn, fn = confusion_counts(y_true, y_pred, self.thresholds, evenly=self._evenly,
                                          sample_weight=sample_weight, class_id=self.class_id,
                                          name=self.name)
        for var, counts in ((self.true_positives, tp), (self.false_positives, fp),
                            (self.true_negatives, tn), (self.false_negatives, fn)):
            var[...] += counts.astype(var.dtype)

    def _rates(self):
        tp, fp, tn, fn = (v.astype(np.float64) for v in (self.true_positives, self.false_positives,
                                                         self.true_negatives, self.false_negatives))
        return {"sensitivity": divide_no_nan(tp, tp + fn), "recall": divide_no_nan(tp, tp + fn),
                "specificity": divide_no_nan(tn, tn + fp), "precision": divide_no_nan(tp, tp + fp)}

    def _max_under_constraint(self, constrained, dependent):
        feasible = constrained >= self.value
        return as_result(max(0.0, float(backend.xp.where(feasible, dependent, 0.0).max())))

    def result(self):
        rates = self._rates()
        return self._max_under_constraint(rates[self._value_name], rates[self._dependent])

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._value_name: self.value}


@keras_export("keras.metrics.SensitivityAtSpecificity")
class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) with specificity >= ``specificity``."""

    _value_name, _dependent = "specificity", "sensitivity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id, name=name,
                         dtype=dtype)


@keras_export("keras.metrics.SpecificityAtSensitivity")
class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity with sensitivity >= ``sensitivity``."""

    _value_name, _dependent = "sensitivity", "specificity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name,
                         dtype=dtype)


@keras_export("keras.metrics.PrecisionAtRecall")
class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision with recall >= ``recall``."""

    _value_name, _dependent = "recall", "precision"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds=num_thresholds, class_id=class_id, name=name,
                         dtype=dtype)


@keras_export("keras.metrics.RecallAtPrecision")
class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall with precision >= ``precision``."""

    _value_name, _dependent = "precision", "recall"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds=num_thresholds, class_id=class_id, name=name,
                         dtype=dtype)
