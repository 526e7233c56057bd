"""Helpers of the scikit-learn wrappers (scikit-learn >= 1.6, a dependency): the target-type
check, the compiled-model check, and ``TargetReshaper`` (1-D targets <-> one-column 2-D
targets), as in Keras 3."""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin


def type_of_target(y, input_name=""):
    """scikit-learn's ``type_of_target``, raising ValueError for the "unknown" type."""
    from sklearn.utils.multiclass import type_of_target as _type_of_target

    target_type = _type_of_target(y, input_name=input_name)
    if target_type == "unknown":
        raise ValueError(f"Unknown label type for {input_name or 'data'}: {y!r}")
    return target_type


def check_model(model):
    """The wrapped model must be compiled with a loss and an optimizer."""
    if not getattr(model, "compiled", False) or not model.loss or not model.optimizer:
        raise RuntimeError("Given model needs to be compiled, and have a loss and an optimizer. "
                           f"Received: {type(model).__name__} (compiled={getattr(model, 'compiled', False)}, "
                           f"loss={getattr(model, 'loss', None)!r}, "
                           f"optimizer={getattr(model, 'optimizer', None)!r})")


class TargetReshaper(TransformerMixin, BaseEstimator):
    """1-D y -> (n, 1) on ``transform``; back to 1-D on ``inverse_transform`` when fitted on
    1-D y (``ndim_``). For encoders that want 2-D input (OneHotEncoder)."""

    def fit(self, y):
        self.ndim_ = np.ndim(y)
        return self

    def transform(self, y):
        y = np.asarray(y)
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        y = np.asarray(y)
        if self.ndim_ == 1 and y.ndim == 2:
            return np.squeeze(y, axis=1)
        return y
