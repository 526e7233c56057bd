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
  ``decision_function`` gives the raw outputs (two classes: see below).
* Regressor: y passed as is (1-D y stays 1-D on the way back); ``score`` is R^2.
* Transformer: ``transform(X) = model_.predict(X)``.
* ``warm_start=True``: the next ``fit`` continues training ``model_`` (or, before the first
  fit, trains the given model instance itself, not a clone).

Additions to Keras 3's wrappers (its programs run unchanged):

* ``random_state=None``: with an int, each ``fit`` builds and trains drawing from its own
  generators seeded with it (the numbers ``keras.utils.set_random_seed`` would give), so the
  same value gives the same weights, shuffles, dropout masks and scores, in this process or
  a worker, in a thread or a process; the process's own generators are not touched. A
  RandomState or Generator gives each fit a seed drawn from it.
* Nested parameter names: ``model_kwargs__learning_rate`` and ``fit_kwargs__epochs`` set one
  entry of those dicts (``set_params``, so ``GridSearchCV`` grids and Pipelines' ``clf__...``
  names work); ``get_params(deep=True)`` lists them.
* Classifier ``predict_proba``: the model's outputs as probabilities (see its docstring); for
  two classes ``decision_function`` is one score per sample (scikit-learn's contract, so
  ``scoring="roc_auc"`` works), where Keras gives both columns.
"""

import contextlib
import copy

import numpy as np

from .. import backend
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
    ``fit_kwargs=None``, ``random_state=None`` (see the module docstring)."""

    _DICT_PARAMS = ("model_kwargs", "fit_kwargs")

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None, random_state=None):
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs
        self.random_state = random_state

    def get_params(self, deep=True):
        """The constructor's parameters; with ``deep``, also ``model_kwargs__<key>`` and
        ``fit_kwargs__<key>`` for each entry of those dicts."""
        params = super().get_params(deep=deep)
        if deep:
            for name in self._DICT_PARAMS:
                entries = params.get(name)
                for key, value in (entries.items() if isinstance(entries, dict) else ()):
                    if isinstance(key, str) and key and "__" not in key:   # names set_params takes back
                        params[f"{name}__{key}"] = value
        return params

    def set_params(self, **params):
        """scikit-learn's ``set_params``; ``model_kwargs__<key>=v`` / ``fit_kwargs__<key>=v``
        set that entry in a copy of the dict (the dict given to the constructor is not changed)."""
        entries = {}
        for name in list(params):
            head, sep, key = name.partition("__")
            if sep and head in self._DICT_PARAMS:
                if not key or "__" in key:
                    raise ValueError(f"Invalid parameter {name!r} for estimator {type(self).__name__}: "
                                     f"expected {head}__<key>, one level deep.")
                entries.setdefault(head, {})[key] = params.pop(name)
        super().set_params(**params)   # a whole dict given in the same call is set first
        for head, values in entries.items():
            current = getattr(self, head)
            if current is not None and not isinstance(current, dict):
                raise ValueError(f"Can't set {head}__<key> on {type(self).__name__}: {head} is "
                                 f"{current!r}, expected a dict or None.")
            setattr(self, head, {**(current or {}), **values})
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self):
        """``sklearn.base.clone``: the same constructor parameters (a subclass's too), deep-copied;
        a model instance is copied with its weights, a callable shared; metadata requests kept."""
        params = self.get_params(deep=False)
        model = params.pop("model")
        params = {name: copy.deepcopy(value) for name, value in params.items()}
        clone = type(self)(model=model if callable(model) and not isinstance(model, Model) else _copy_model(model),
                           **params)
        if hasattr(self, "_metadata_request"):
            clone._metadata_request = copy.deepcopy(self._metadata_request)
        return clone

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

    def _seed(self):
        """The int seed of this fit: ``random_state`` itself, or drawn from a RandomState /
        Generator (so repeated fits differ, as scikit-learn's convention); None when None."""
        state = self.random_state
        if state is None:
            return None
        if isinstance(state, (int, np.integer)) and not isinstance(state, bool) and 0 <= state < 2**32:
            return int(state)
        if isinstance(state, np.random.RandomState):
            return int(state.randint(np.iinfo(np.int32).max))
        if isinstance(state, np.random.Generator):
            return int(state.integers(np.iinfo(np.int32).max))
        raise ValueError(f"{type(self).__name__}: expected random_state to be None, an int in [0, 2**32), "
                         f"a numpy RandomState or Generator. Received: random_state={state!r}")

    def fit(self, X, y, **kwargs):
        """Validate X and y, encode y, build (or clone) the model and ``model.fit`` it; returns self.
        With ``random_state``, the build and the fit draw from this thread's own generators
        seeded with it (``backend.seeded``): the process's generators are left as they were."""
        seed = self._seed()
        X, y = validate_data(self, X, y)
        y = self._process_target(y, reset=True)
        with contextlib.nullcontext() if seed is None else backend.seeded(seed):
            model = self._get_model(X, y)
            check_model(model)
            self._check_outputs(model, y)
            fit_kwargs = dict(self.fit_kwargs or {})
            fit_kwargs.update(kwargs)
            self.history_ = model.fit(X, y, **fit_kwargs)
        self.model_ = model
        return self

    def _check_outputs(self, model, y):
        """Regressors and transformers take any model outputs."""

    def _outputs(self, X):
        """``model_.predict`` of the validated X."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.model_.predict(X, verbose=0)

    def predict(self, X):
        """``model_.predict(X)``, decoded back to the targets' form."""
        return self._reverse_process_target(self._outputs(X))

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
    ``predict_proba`` -> probabilities, ``score`` = accuracy (see the module docstring)."""

    def _check_outputs(self, model, y):
        """The model must give one output per class, as y is one-hot encoded for it (a port of
        a Keras 2 wrapper program ending in ``Dense(1, activation="sigmoid")`` fails in the loss
        with a bare shape error otherwise)."""
        shape = getattr(model, "output_shape", None) if getattr(model, "built", False) else None
        if isinstance(shape, tuple) and len(shape) == 2 and shape[-1] not in (None, y.shape[1]):
            raise ValueError(
                f"SKLearnClassifier one-hot encodes y into {y.shape[1]} columns (classes_={self.classes_.tolist()}), "
                f"so the model must output {y.shape[1]} values per sample, e.g. "
                f"Dense({y.shape[1]}, activation=\"softmax\"). Received: a model with output shape {shape}. "
                "The model function gets the encoded y: use y.shape[1].")

    def decision_function(self, X):
        """The model's raw outputs, shape (n_samples, n_classes); for two classes, as scikit-learn
        wants, one score per sample, larger for ``classes_[1]``: outputs[:, 1] - outputs[:, 0]
        (Keras 3 returns both columns)."""
        outputs = self._outputs(X)
        return outputs[:, 1] - outputs[:, 0] if outputs.ndim == 2 and outputs.shape[1] == 2 else outputs

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_`` order.

        p = outputs / sum(outputs) per row, where outputs are the model's (softmax or sigmoid
        units), or softmax(logits) (sigmoid(logits) for a binary loss) when the model's loss
        has ``from_logits=True``. Outputs outside [0, 1] from a loss without ``from_logits``
        raise ValueError. Not in Keras 3: it lets ``scoring="neg_log_loss"``/``"roc_auc_ovr"`` and
        calibration tools use the wrapper.
        """
        outputs = np.asarray(self._outputs(X), dtype=np.float64)
        loss = self.model_.loss
        if getattr(loss, "from_logits", False):
            if "binary" in type(loss).__name__.lower():
                outputs = 1.0 / (1.0 + np.exp(-outputs))
            else:
                outputs = np.exp(outputs - outputs.max(axis=1, keepdims=True))
        elif outputs.size and (np.nanmin(outputs) < 0 or np.nanmax(outputs) > 1 + 1e-6):
            raise ValueError(
                f"predict_proba: the model's outputs are not probabilities (they range over "
                f"[{np.nanmin(outputs):.4g}, {np.nanmax(outputs):.4g}], expected [0, 1]). End the model "
                "with a softmax (or sigmoid) layer, or compile it with a loss that has from_logits=True.")
        total = outputs.sum(axis=1, keepdims=True)   # NaN outputs (a diverged model) stay NaN
        uniform = np.full_like(outputs, 1.0 / outputs.shape[1])
        return np.where(total == 0, uniform, outputs / np.where(total == 0, 1.0, total))

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
        return self._outputs(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
