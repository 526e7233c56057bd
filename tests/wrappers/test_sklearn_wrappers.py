"""keras.wrappers.SKLearnClassifier / SKLearnRegressor / SKLearnTransformer: scikit-learn's own
estimator checks (as Keras 3's sklearn_test.py runs them), clone, fit/predict/score,
cross-validation, grid search over model_kwargs / fit_kwargs, a Pipeline, reproducibility."""

import unittest

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn", minversion="1.6")   # expected_failed_checks: scikit-learn >= 1.6

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from shenjing.keras import layers as keras_layers  # noqa: E402
from shenjing.keras import models, optimizers, utils  # noqa: E402
from shenjing.keras.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: E402


def dynamic_model(X, y, loss, layers=(10,), learning_rate=0.001, seed=None):
    """A small MLP sized from X and y (softmax outputs, as Keras's test model)."""
    if seed is not None:
        utils.set_random_seed(seed)
    inputs = keras_layers.Input(shape=(X.shape[1],))
    hidden = inputs
    for units in layers:
        hidden = keras_layers.Dense(units, activation="relu")(hidden)
    n_outputs = y.shape[1] if y.ndim > 1 else 1
    outputs = keras_layers.Dense(n_outputs, activation="softmax")(hidden)
    model = models.Model(inputs, outputs)
    model.compile(loss=loss, optimizer=optimizers.RMSprop(learning_rate=learning_rate))
    return model


def regression_model(X, y, loss="mse", units=8, learning_rate=0.01, seed=None):
    """A small MLP with a linear output (for regression scores that mean something)."""
    if seed is not None:
        utils.set_random_seed(seed)
    inputs = keras_layers.Input(shape=(X.shape[1],))
    hidden = keras_layers.Dense(units, activation="relu")(inputs)
    n_outputs = y.shape[1] if y.ndim > 1 else 1
    model = models.Model(inputs, keras_layers.Dense(n_outputs)(hidden))
    model.compile(loss=loss, optimizer=optimizers.Adam(learning_rate=learning_rate))
    return model



# Keras 3's keras/src/wrappers/sklearn_test.py marks 7 checks as expected failures:
# check_classifiers_regression_target and check_parameters_default_constructible ("not an issue
# in sklearn>=1.6"), check_classifiers_one_label_sample_weights ("0 sample weight is not
# ignored"), check_classifiers_classes ("returns not all classes sometimes"), and
# check_classifier_data_not_an_array, check_supervised_y_2d, check_fit_idempotent ("assumes
# reproducibility in fit"). Here every check passes: random_state makes each fit repeat, and
# the binary decision_function has scikit-learn's shape (n_samples,). Keras 3 itself also fails
# check_classifiers_train under scikit-learn 1.9, for that shape.
@parametrize_with_checks(
    [
        SKLearnClassifier(model=dynamic_model,
                          model_kwargs={"loss": "categorical_crossentropy", "layers": [20, 20, 20]},
                          fit_kwargs={"epochs": 5, "verbose": 0}, random_state=0),
        SKLearnRegressor(model=dynamic_model, model_kwargs={"loss": "mse"}, fit_kwargs={"verbose": 0},
                         random_state=0),
        SKLearnTransformer(model=dynamic_model, model_kwargs={"loss": "mse"}, fit_kwargs={"verbose": 0},
                           random_state=0),
    ],
)
def test_sklearn_estimator_checks(estimator, check):
    try:
        check(estimator)
    except unittest.SkipTest as exc:   # pytest-dev/pytest#13895: unittest's SkipTest as a pytest skip
        pytest.skip(str(exc))


# -- fit / predict / score ----------------------------------------------------------------------------

def _classification(n_classes=3, n=120, seed=0):
    X, y = make_classification(n_samples=n, n_features=6, n_informative=4, n_redundant=0,
                               n_classes=n_classes, n_clusters_per_class=1, class_sep=2.0, random_state=seed)
    return X.astype("float32"), y


def _regression(n=120, seed=0):
    X, y = make_regression(n_samples=n, n_features=5, noise=0.1, random_state=seed)
    return X.astype("float32"), (y / np.std(y)).astype("float32")


def _classifier(**kwargs):
    model_kwargs = {"loss": "categorical_crossentropy", "learning_rate": 0.01, "seed": 0}
    model_kwargs.update(kwargs.pop("model_kwargs", {}))
    return SKLearnClassifier(dynamic_model, model_kwargs=model_kwargs,
                             fit_kwargs={"epochs": 20, "verbose": 0, **kwargs.pop("fit_kwargs", {})}, **kwargs)


def test_classifier_fit_predict_score_and_attributes():
    X, y = _classification()
    labels = np.array(["cat", "dog", "eel"])[y]
    est = _classifier().fit(X, labels)
    assert list(est.classes_) == ["cat", "dog", "eel"]
    assert est.n_features_in_ == 6
    predicted = est.predict(X)
    assert predicted.shape == (120,) and set(predicted) <= set(est.classes_)
    assert est.decision_function(X).shape == (120, 3)
    proba = est.predict_proba(X)   # softmax outputs: the decision function, rows summing to 1
    np.testing.assert_allclose(proba, est.decision_function(X), rtol=1e-5, atol=1e-6)   # 3 classes
    np.testing.assert_array_equal(est.classes_[proba.argmax(axis=1)], predicted)
    assert est.score(X, labels) > 0.8
    assert est.epoch_ == 20 and len(est.history_.history["loss"]) == 20
    assert isinstance(est.model_, models.Model)


def test_binary_classifier_one_hot_encodes_two_classes():
    X, y = _classification(n_classes=2)
    est = _classifier().fit(X, y)
    assert est.model_.output_shape == (None, 2)
    assert list(est.classes_) == [0, 1] and est.score(X, y) > 0.8


def test_classifier_rejects_continuous_and_single_class_targets():
    X, _ = _classification()
    with pytest.raises(ValueError, match="binary and multiclass"):
        _classifier().fit(X, np.linspace(0, 1, len(X)))
    with pytest.raises(ValueError, match="only one class"):
        _classifier().fit(X, np.zeros(len(X), dtype=int))


def test_regressor_and_transformer():
    X, y = _regression()
    reg = SKLearnRegressor(regression_model, model_kwargs={"seed": 0}, fit_kwargs={"epochs": 60, "verbose": 0})
    reg.fit(X, y)
    assert reg.predict(X).shape == (120,) and reg.score(X, y) > 0.8
    with pytest.raises(ValueError, match="1d array"):   # as Keras 3: y is validated as one target
        reg.fit(X, np.stack([y, -y], axis=1))
    trs = SKLearnTransformer(regression_model, model_kwargs={"units": 4}, fit_kwargs={"epochs": 1, "verbose": 0})
    assert trs.fit(X, y).transform(X).shape == (120, 1)
    assert trs.fit_transform(X, y).shape == (120, 1)


def test_fit_keyword_arguments_win_over_fit_kwargs_and_do_not_stick():
    X, y = _classification()
    est = _classifier(fit_kwargs={"epochs": 3})
    est.fit(X, y, epochs=2)
    assert est.epoch_ == 2 and est.fit_kwargs["epochs"] == 3
    est.fit(X, y)
    assert est.epoch_ == 3


def test_compiled_model_instance_is_cloned_and_uncompiled_one_refused():
    X, y = _classification()
    template = dynamic_model(X, np.zeros((1, 3)), "categorical_crossentropy", learning_rate=0.01)
    before = [w.copy() for w in template.get_weights()]
    est = SKLearnClassifier(template, fit_kwargs={"epochs": 5, "verbose": 0}).fit(X, y)
    assert est.model_ is not template
    for a, b in zip(before, template.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert est.predict(X).shape == (120,)
    raw = models.Sequential([keras_layers.Input(shape=(6,)), keras_layers.Dense(3)])
    with pytest.raises(RuntimeError, match="compiled"):
        SKLearnClassifier(raw).fit(X, y)


def test_warm_start_continues_training_the_fitted_model():
    X, y = _classification()
    est = _classifier(warm_start=True, fit_kwargs={"epochs": 2})
    est.fit(X, y)
    first = est.model_
    loss_before = est.history_.history["loss"][-1]
    est.fit(X, y)
    assert est.model_ is first and est.history_.history["loss"][0] < loss_before + 1e-6


def test_get_params_set_params_and_clone():
    est = _classifier()
    assert sorted(est.get_params(deep=False)) == ["fit_kwargs", "model", "model_kwargs", "random_state",
                                                  "warm_start"]
    est.set_params(warm_start=True, model_kwargs={"loss": "categorical_crossentropy", "learning_rate": 0.1})
    copy = clone(est)
    assert copy is not est and copy.model is est.model and copy.warm_start is True
    assert copy.model_kwargs == est.model_kwargs and copy.fit_kwargs == est.fit_kwargs
    X, y = _classification()
    est.fit(X, y)
    assert not hasattr(clone(est), "model_")
    template = dynamic_model(X, np.zeros((1, 3)), "categorical_crossentropy")
    wrapped = SKLearnClassifier(template)
    copied = clone(wrapped)
    assert copied.model is not template and isinstance(copied.model, models.Model)
    for a, b in zip(template.get_weights(), copied.model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_same_seeds_give_same_scores():
    X, y = _classification()
    scores = [_classifier(fit_kwargs={"epochs": 3, "shuffle": False}).fit(X, y).decision_function(X) for _ in range(2)]
    np.testing.assert_allclose(scores[0], scores[1], rtol=1e-6, atol=1e-6)
    cv = [cross_val_score(_classifier(fit_kwargs={"epochs": 3}), X, y, cv=KFold(3)) for _ in range(2)]
    np.testing.assert_allclose(cv[0], cv[1])


# -- model selection ----------------------------------------------------------------------------------

def test_cross_val_score_with_kfold_and_stratified_kfold():
    X, y = _classification()
    for cv in (KFold(n_splits=3, shuffle=True, random_state=0), StratifiedKFold(n_splits=3)):
        scores = cross_val_score(_classifier(), X, y, cv=cv)
        assert scores.shape == (3,) and scores.mean() > 0.7
    Xr, yr = _regression()
    reg = SKLearnRegressor(regression_model, model_kwargs={"seed": 0}, fit_kwargs={"epochs": 60, "verbose": 0})
    scores = cross_val_score(reg, Xr, yr, cv=KFold(n_splits=3))
    assert scores.shape == (3,) and scores.mean() > 0.5


def test_grid_search_over_model_kwargs_and_fit_kwargs():
    X, y = _classification()
    grid = GridSearchCV(
        _classifier(),
        {"model_kwargs": [{"loss": "categorical_crossentropy", "learning_rate": lr, "seed": 0} for lr in (1e-5, 0.01)],
         "fit_kwargs": [{"epochs": 10, "verbose": 0}]},
        cv=KFold(2), n_jobs=1)
    grid.fit(X, y)
    assert grid.best_params_["model_kwargs"]["learning_rate"] == 0.01
    assert grid.predict(X).shape == (120,) and grid.best_estimator_.n_features_in_ == 6


def test_pipeline_with_standard_scaler():
    X, y = _classification()
    pipe = make_pipeline(StandardScaler(), _classifier())
    pipe.fit(X * 100.0 + 7.0, y)
    assert pipe.score(X * 100.0 + 7.0, y) > 0.8
    assert list(pipe.classes_) == [0, 1, 2]


def test_cross_val_score_in_two_processes():
    X, y = _classification()
    scores = cross_val_score(_classifier(fit_kwargs={"epochs": 3}), X, y, cv=KFold(2), n_jobs=2)
    assert scores.shape == (2,)


def test_warm_start_with_a_model_instance_trains_that_instance():
    X, y = _classification()
    template = dynamic_model(X, np.zeros((1, 3)), "categorical_crossentropy", learning_rate=0.01)
    before = [w.copy() for w in template.get_weights()]
    est = SKLearnClassifier(template, warm_start=True, fit_kwargs={"epochs": 2, "verbose": 0}).fit(X, y)
    assert est.model_ is template
    assert any(not np.array_equal(a, b) for a, b in zip(before, template.get_weights()))


def test_clone_keeps_fit_kwargs():
    # Keras 3's __sklearn_clone__ drops fit_kwargs (so GridSearchCV / cross_val_score lose e.g. epochs);
    # here the clone has every parameter.
    est = _classifier(fit_kwargs={"epochs": 3})
    assert clone(est).get_params() == est.get_params()


def test_set_fit_request_needs_metadata_routing():
    with pytest.raises(RuntimeError, match="enable_metadata_routing"):
        _classifier().set_fit_request(sample_weight=True)
    with sklearn.config_context(enable_metadata_routing=True):
        est = _classifier().set_fit_request(sample_weight=True)
        assert est._metadata_request.score.requests["sample_weight"] is True


def test_keras_face_loads_wrappers_lazily():
    import subprocess
    import sys

    code = ("import sys, shenjing.keras as k; assert 'sklearn' not in sys.modules; "
            "assert k.wrappers.SKLearnRegressor.__module__ == 'shenjing.wrappers.sklearn_wrapper'; "
            "assert 'sklearn' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
