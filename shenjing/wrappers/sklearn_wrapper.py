"""``keras.wrappers.SKLearnClassifier`` / ``SKLearnRegressor`` / ``SKLearnTransformer``: a
compiled model (or a callable building one) as a scikit-learn estimator, as Keras 3.

* ``model``: a compiled ``Model`` (cloned with ``keras.models.clone_model`` at each ``fit``,
  the compile config copied) or a callable ``model(X=X, y=y, **model_kwargs)`` returning a
  compiled model, called at each ``fit`` with the validated X and the encoded y.
* ``fit(X, y, **kwargs)``: ``model_.fit(X, y, **{**fit_kwargs, **kwargs})``; ``history_`` is
  what ``fit`` returned (the ``History`` callback), ``model_`` the fitted model,
  ``n_features_in_`` the width of X.
* Classifier: y must be binary or multiclass; it is one-hot encoded
  (``TargetReshaper`` then ``OneHotEncoder``) for the model, ``classes_`` = sorted labels;
  ``predict`` maps the model's outputs back through the encoder (argmax -> label),
  ``decision_function`` gives the raw outputs. There is no ``predict_proba`` (Keras 3 has none).
* Regressor: y passed as is (1-D y stays 1-D on the way back); ``score`` is R^2.
* Transformer: ``transform(X) = model_.predict(X)``.
* ``warm_start=True``: the next ``fit`` continues training ``model_`` (or, before the first
  fit, trains the given model instance itself, not a clone).
"""

import copy

import numpy as np

from ..models import Model
from ..models.cloning import clone_model
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .utils import TargetReshaper, check_model, type_of_target


def _routing_enabled():
    return bool(sklearn.get_config().get("enable_metadata_routing", False))


def _copy_model(model):
    """A deep copy of a model (its weights too); clone_model + set_weights when it can't be deep-copied."""
    try:
        return copy.deepcopy(model)
    except Exception:
        clone = clone_model(model)
        if model.built:
            clone.set_weights(model.get_weights())
        return clone


class SKLBase(BaseEstimator):
    """Base of the scikit-learn wrappers: ``model``, ``warm_start=False``, ``model_kwargs=None``,
    ``fit_kwargs=None`` (see the module docstring)."""

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self):
        """``sklearn.base.clone``: same parameters; a model instance is deep-copied, a callable shared."""
        model = self.model if callable(self.model) and not isinstance(self.model, Model) else _copy_model(self.model)
        return type(self)(model=model, warm_start=self.warm_start,
                          model_kwargs=copy.deepcopy(self.model_kwargs),
                          fit_kwargs=copy.deepcopy(self.fit_kwargs))

    @property
    def epoch_(self):
        """The number of epochs run by the last ``fit`` (0 before)."""
        history = getattr(self, "history_", None)
        return 0 if history is None else len(history.epoch)

    def set_fit_request(self, **kwargs):
        """scikit-learn metadata routing: ``param=alias`` requests (needs
        ``sklearn.set_config(enable_metadata_routing=True)``)."""
        if not _routing_enabled():
            raise RuntimeError("This method is only available when metadata routing is enabled. You can "
                               "enable it using sklearn.set_config(enable_metadata_routing=True).")
        from sklearn.utils.metadata_routing import MetadataRequest

        self._metadata_request = MetadataRequest(owner=self.__class__.__name__)
        for param, alias in kwargs.items():
            self._metadata_request.score.add_request(param=param, alias=alias)
        return self

    def _get_model(self, X, y):
        if self.warm_start and getattr(self, "model_", None) is not None:
            return self.model_
        if isinstance(self.model, Model):
            return self.model if self.warm_start else clone_model(self.model)
        if not callable(self.model):
            raise TypeError("`model` must be a compiled keras Model or a callable returning one. "
                            f"Received: model={self.model!r} (of type {type(self.model).__name__})")
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X, y, **kwargs):
        """Validate X and y, encode y, build (or clone) the model and ``model.fit`` it; returns self."""
        X, y = validate_data(self, X, y)
        y = self._process_target(y, reset=True)
        model = self._get_model(X, y)
        check_model(model)
        fit_kwargs = dict(self.fit_kwargs or {})
        fit_kwargs.update(kwargs)
        self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def predict(self, X):
        """``model_.predict(X)``, decoded back to the targets' form."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self._reverse_process_target(self.model_.predict(X, verbose=0))

    def _process_target(self, y, reset=False):
        type_of_target(y)   # the scikit-learn error for an unknown target type
        if reset:
            self._target_encoder = TargetReshaper().fit(y)
        return self._target_encoder.transform(y)

    def _reverse_process_target(self, y):
        return self._target_encoder.inverse_transform(y)


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """scikit-learn classifier around a Keras model: y one-hot encoded for the model,
    ``classes_`` the labels, ``predict`` -> labels, ``decision_function`` -> raw outputs,
    ``score`` = accuracy (see the module docstring)."""

    def decision_function(self, X):
        """The model's raw outputs, shape (n_samples, n_classes)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X, verbose=0)

    def _process_target(self, y, reset=False):
        target_type = type_of_target(y)
        if target_type not in ("binary", "multiclass"):
            raise ValueError(f"Only binary and multiclass target types are supported. Target type: {target_type}")
        if reset:
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import OneHotEncoder

            self._target_encoder = make_pipeline(TargetReshaper(), OneHotEncoder(sparse_output=False)).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, SKLBase):
    """scikit-learn regressor around a Keras model: y as is, ``score`` = R^2."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """scikit-learn transformer around a Keras model: ``transform(X) = model_.predict(X)``
    (an embedding step in a Pipeline)."""

    def transform(self, X):
        """``model_.predict(X)``, shape (n_samples, model outputs)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X, verbose=0)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
