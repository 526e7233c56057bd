"""The wrappers in scikit-learn's model selection, as its users write it: nested parameter
names, random_state, predict_proba scorers, cross_validate with KFold / StratifiedKFold /
LeaveOneOut / GroupKFold, EarlyStopping inside each fold, RandomizedSearchCV over the
learning rate, optimizer, units, dropout, batch size and epochs in two processes,
learning and validation curves with their plots, imputers in a Pipeline."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.stats import loguniform, uniform  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.model_selection import (GridSearchCV, GroupKFold, KFold, LearningCurveDisplay,  # noqa: E402
                                     LeaveOneOut, RandomizedSearchCV, ShuffleSplit, StratifiedKFold,
                                     ValidationCurveDisplay, cross_val_predict, cross_val_score,
                                     cross_validate, learning_curve, validation_curve)
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from shenjing import backend  # noqa: E402
from shenjing.keras import callbacks, layers, losses, models, optimizers, utils  # noqa: E402
from shenjing.keras.wrappers import SKLearnClassifier  # noqa: E402

OPTIMIZERS = {"adam": optimizers.Adam, "sgd": optimizers.SGD, "rmsprop": optimizers.RMSprop}


def mlp(X, y, units=8, dropout=0.0, optimizer="adam", learning_rate=0.01, logits=False):
    """One hidden layer sized from X and y; softmax outputs (or logits)."""
    model = models.Sequential([layers.Input((X.shape[1],)), layers.Dense(units, activation="relu"),
                               layers.Dropout(dropout),
                               layers.Dense(y.shape[1], activation=None if logits else "softmax")])
    loss = losses.CategoricalCrossentropy(from_logits=logits)
    model.compile(optimizer=OPTIMIZERS[optimizer](learning_rate=learning_rate), loss=loss)
    return model


def data(n=90, classes=3, seed=0):
    return make_classification(n_samples=n, n_features=6, n_informative=4, n_redundant=0,
                               n_classes=classes, class_sep=2.0, random_state=seed)


def classifier(epochs=10, **kwargs):
    kwargs.setdefault("random_state", 0)
    return SKLearnClassifier(mlp, fit_kwargs={"epochs": epochs, "batch_size": 16, "verbose": 0}, **kwargs)


# -- parameters ---------------------------------------------------------------------------------

def test_nested_parameter_names_set_one_entry_of_a_copy():
    given = {"learning_rate": 0.01, "units": 8}
    est = SKLearnClassifier(mlp, model_kwargs=given, fit_kwargs={"epochs": 3})
    deep = est.get_params()
    assert deep["model_kwargs__learning_rate"] == 0.01 and deep["fit_kwargs__epochs"] == 3
    assert "model_kwargs__units" not in est.get_params(deep=False)
    est.set_params(model_kwargs__learning_rate=0.1, fit_kwargs__batch_size=4, warm_start=True)
    assert est.model_kwargs == {"learning_rate": 0.1, "units": 8}
    assert est.fit_kwargs == {"epochs": 3, "batch_size": 4} and est.warm_start is True
    assert given == {"learning_rate": 0.01, "units": 8}   # the caller's dict is not changed
    assert SKLearnClassifier(mlp).set_params(model_kwargs__units=4).model_kwargs == {"units": 4}
    with pytest.raises(ValueError, match="one level deep"):
        est.set_params(model_kwargs__a__b=1)
    with pytest.raises(ValueError, match="Invalid parameter"):
        est.set_params(nonsense=1)


def test_pipeline_step_names_reach_the_nested_entries():
    X, y = data()
    pipe = Pipeline([("scale", StandardScaler()), ("clf", classifier())])
    pipe.set_params(clf__model_kwargs__units=5, clf__fit_kwargs__epochs=2)
    pipe.fit(X, y)
    assert pipe.named_steps["clf"].model_.layers[0].units == 5
    assert pipe.named_steps["clf"].epoch_ == 2


def test_grid_search_over_nested_learning_rate_names_the_best():
    X, y = data()
    grid = GridSearchCV(classifier(), {"model_kwargs__learning_rate": [1e-5, 0.05]}, cv=KFold(3))
    grid.fit(X, y)
    assert grid.best_params_ == {"model_kwargs__learning_rate": 0.05}
    assert grid.cv_results_["mean_test_score"][1] > grid.cv_results_["mean_test_score"][0]


def test_random_state_repeats_fits_and_differs_between_seeds():
    X, y = data()
    runs = [classifier(random_state=seed).fit(X, y).decision_function(X) for seed in (3, 3, 4)]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.allclose(runs[0], runs[2])
    # A compiled model instance is re-initialised by clone_model at each fit: seeded too.
    template = mlp(X, np.zeros((1, 3)))
    runs = [SKLearnClassifier(template, fit_kwargs={"epochs": 2, "verbose": 0}, random_state=1)
            .fit(X, y).decision_function(X) for _ in range(2)]
    np.testing.assert_array_equal(runs[0], runs[1])


def test_random_state_leaves_the_process_generators_alone():
    # Seeding the global generators inside fit made ShuffleSplit(random_state=None), which draws
    # from NumPy's global generator between fits, repeat its splits.
    X, y = data()
    np.random.seed(7)
    python_state, numpy_state, ours = __import__("random").getstate(), np.random.get_state(), backend.rng()
    classifier(epochs=1).fit(X, y)
    assert __import__("random").getstate() == python_state and backend.rng() is ours
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state[1])
    splits = [tuple(test) for _, test in ShuffleSplit(4, test_size=0.25).split(X)]
    scores = cross_val_score(classifier(epochs=1), X, y, cv=ShuffleSplit(4, test_size=0.25))
    assert scores.shape == (4,) and len(set(splits)) == 4


def test_random_state_gives_what_set_random_seed_gives_and_repeats_in_threads():
    X, y = data()
    est = classifier(epochs=2, random_state=5).fit(X, y)
    utils.set_random_seed(5)
    y_hot = np.eye(3)[y]
    model = mlp(X, y_hot)
    model.fit(X, y_hot, epochs=2, batch_size=16, verbose=0)
    np.testing.assert_array_equal(est.model_.predict(X, verbose=0), model.predict(X, verbose=0))

    import joblib

    alone = cross_val_score(classifier(epochs=3), X, y, cv=KFold(4))
    with joblib.parallel_backend("threading", n_jobs=2):
        threads = cross_val_score(classifier(epochs=3), X, y, cv=KFold(4), n_jobs=2)
    np.testing.assert_array_equal(alone, threads)


def test_random_state_takes_a_random_state_object_and_refuses_other_values():
    X, y = data()
    fits = [classifier(epochs=1, random_state=np.random.RandomState(0)) for _ in range(2)]
    first = [fits[0].fit(X, y).decision_function(X), fits[0].fit(X, y).decision_function(X)]
    again = fits[1].fit(X, y).decision_function(X)
    np.testing.assert_array_equal(first[0], again)   # the same RandomState sequence
    assert not np.allclose(first[0], first[1])       # a new seed drawn for each fit
    for bad in (-1, 1.5, "0", True):
        with pytest.raises(ValueError, match="SKLearnClassifier: expected random_state"):
            classifier(random_state=bad).fit(X, y)


def test_clone_keeps_a_subclass_parameters_and_metadata_requests():
    import sklearn

    class Wider(SKLearnClassifier):
        def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None, random_state=None,
                     extra=5):
            super().__init__(model, warm_start, model_kwargs, fit_kwargs, random_state)
            self.extra = extra

    assert clone(Wider(mlp, extra=42)).extra == 42
    with sklearn.config_context(enable_metadata_routing=True):
        est = classifier().set_fit_request(sample_weight=True)
        assert clone(est)._metadata_request.score.requests["sample_weight"] is True


def test_deep_params_list_only_names_that_set_params_takes_back():
    est = SKLearnClassifier(mlp, model_kwargs={"units": 4, "a__b": 1, 3: "x"})
    deep = est.get_params()
    assert "model_kwargs__units" in deep and not any(k.startswith("model_kwargs__a") for k in deep)
    est.set_params(**deep)   # round trip
    assert est.model_kwargs == {"units": 4, "a__b": 1, 3: "x"}


# -- predict_proba -----------------------------------------------------------------------------

def test_predict_proba_of_softmax_logits_and_binary_logits():
    X, y = data()
    est = classifier(model_kwargs={"logits": True}).fit(X, y)
    logits = est.model_.predict(X, verbose=0).astype(np.float64)
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(est.predict_proba(X), expected, rtol=1e-6)

    def binary_logits(X, y):
        model = models.Sequential([layers.Input((X.shape[1],)), layers.Dense(y.shape[1])])
        model.compile(optimizer="adam", loss=losses.BinaryCrossentropy(from_logits=True))
        return model

    Xb, yb = data(classes=2)
    est = SKLearnClassifier(binary_logits, fit_kwargs={"epochs": 2, "verbose": 0}).fit(Xb, yb)
    sig = 1 / (1 + np.exp(-est.model_.predict(Xb, verbose=0).astype(np.float64)))
    np.testing.assert_allclose(est.predict_proba(Xb), sig / sig.sum(axis=1, keepdims=True), rtol=1e-6)


def test_binary_decision_function_is_one_score_and_roc_auc_scores():
    X, y = data(classes=2)
    est = classifier(epochs=10).fit(X, y)
    outputs = est.model_.predict(X, verbose=0)
    np.testing.assert_allclose(est.decision_function(X), outputs[:, 1] - outputs[:, 0])
    assert est.decision_function(X).shape == (90,)
    scores = cross_validate(classifier(epochs=10), X, y, cv=StratifiedKFold(3),
                            scoring=["roc_auc", "average_precision", "neg_log_loss"])
    assert (scores["test_roc_auc"] > 0.8).all() and (scores["test_average_precision"] > 0.8).all()


def test_predict_proba_of_a_diverged_model_stays_nan():
    X, y = data()
    est = SKLearnClassifier(mlp, model_kwargs={"optimizer": "sgd", "learning_rate": 1e6, "logits": True},
                            fit_kwargs={"epochs": 5, "verbose": 0}, random_state=0).fit(X * 1e3, y)
    assert np.isnan(est.model_.predict(X, verbose=0)).all()
    assert np.isnan(est.predict_proba(X)).all()   # not a uniform 1/3 that would score as chance


def test_predict_proba_refuses_outputs_that_are_not_probabilities():
    def linear(X, y):
        model = models.Sequential([layers.Input((X.shape[1],)), layers.Dense(y.shape[1])])
        model.compile(optimizer="adam", loss="mse")
        return model

    X, y = data()
    est = SKLearnClassifier(linear, fit_kwargs={"epochs": 1, "verbose": 0}).fit(X * 10, y)
    with pytest.raises(ValueError, match="not probabilities.*softmax.*from_logits=True"):
        est.predict_proba(X * 10)


# -- cross-validation ---------------------------------------------------------------------------

def test_cross_validate_with_probability_scorers_and_fitted_estimators():
    X, y = data()
    result = cross_validate(classifier(epochs=30), X, y, cv=StratifiedKFold(3, shuffle=True, random_state=0),
                            scoring=["accuracy", "roc_auc_ovr", "neg_log_loss", "f1_macro"],
                            return_train_score=True, return_estimator=True)
    assert result["test_accuracy"].shape == (3,) and result["test_accuracy"].mean() > 0.8
    assert (result["test_roc_auc_ovr"] > 0.9).all() and (result["test_neg_log_loss"] < 0).all()
    assert len({id(e.model_) for e in result["estimator"]}) == 3
    again = cross_validate(classifier(epochs=30), X, y, cv=StratifiedKFold(3, shuffle=True, random_state=0),
                           scoring="accuracy")
    np.testing.assert_array_equal(again["test_score"], result["test_accuracy"])   # random_state


def test_leave_one_out_and_cross_val_predict():
    X, y = data(n=12, classes=2)
    scores = cross_validate(classifier(epochs=5), X, y, cv=LeaveOneOut())["test_score"]
    assert scores.shape == (12,) and set(np.unique(scores)) <= {0.0, 1.0}
    predicted = cross_val_predict(classifier(epochs=5), X, y, cv=LeaveOneOut())
    np.testing.assert_array_equal(predicted == y, scores == 1.0)   # the same 12 fits


def test_group_kfold_keeps_groups_apart():
    X, y = data(n=60)
    groups = np.repeat(np.arange(6), 10)
    cv = GroupKFold(n_splits=3)
    result = cross_validate(classifier(), X, y, groups=groups, cv=cv, return_indices=True)
    assert result["test_score"].shape == (3,)
    for train, test in zip(result["indices"]["train"], result["indices"]["test"]):
        assert not set(groups[train]) & set(groups[test])


def test_early_stopping_runs_inside_each_fold_on_its_own_copy():
    X, y = data()
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    est = SKLearnClassifier(mlp, model_kwargs={"learning_rate": 0.05}, random_state=0,
                            fit_kwargs={"epochs": 300, "validation_split": 0.25, "verbose": 0,
                                        "callbacks": [stop]})
    for n_jobs in (1, 2):
        result = cross_validate(est, X, y, cv=KFold(3), return_estimator=True, n_jobs=n_jobs)
        for fitted in result["estimator"]:
            epochs = fitted.epoch_
            assert 2 < epochs < 300   # stopped early, after at least patience + 1 epochs
            copy = fitted.fit_kwargs["callbacks"][0]
            assert copy is not stop and copy.stopped_epoch == epochs - 1
            losses_ = fitted.history_.history["val_loss"]
            assert min(losses_) < min(losses_[-2:])   # the best epoch came before the last two
        assert stop.model is None and stop.stopped_epoch == 0   # the given callback is untouched


def test_randomized_search_in_two_processes_repeats_with_the_same_seeds():
    X, y = data()
    space = {"model_kwargs__learning_rate": loguniform(1e-4, 1e-1),
             "model_kwargs__optimizer": ["adam", "sgd", "rmsprop"],
             "model_kwargs__units": [4, 16],
             "model_kwargs__dropout": uniform(0.0, 0.5),
             "fit_kwargs__batch_size": [8, 32],
             "fit_kwargs__epochs": [2, 6]}

    def search():
        return RandomizedSearchCV(classifier(), space, n_iter=4, cv=KFold(2), n_jobs=2,
                                  random_state=0).fit(X, y)

    first, second = search(), search()
    assert first.cv_results_["params"] == second.cv_results_["params"]
    np.testing.assert_array_equal(first.cv_results_["mean_test_score"], second.cv_results_["mean_test_score"])
    best = first.best_params_
    assert set(best) == set(space) and 1e-4 <= best["model_kwargs__learning_rate"] <= 1e-1
    refit = first.best_estimator_
    assert refit.model_kwargs["units"] == best["model_kwargs__units"]
    assert refit.epoch_ == best["fit_kwargs__epochs"]


# -- curves and plots ---------------------------------------------------------------------------

def test_learning_and_validation_curves_and_their_plots():
    X, y = data()
    sizes, train, test = learning_curve(classifier(), X, y, train_sizes=[0.3, 1.0], cv=KFold(3))
    assert list(sizes) == [18, 60] and train.shape == test.shape == (2, 3)
    lrs = [1e-5, 0.05]
    train, test = validation_curve(classifier(), X, y, param_name="model_kwargs__learning_rate",
                                   param_range=lrs, cv=KFold(3))
    assert train.shape == (2, 3) and test[1].mean() > test[0].mean()

    display = LearningCurveDisplay.from_estimator(classifier(epochs=3), X, y, train_sizes=[0.5, 1.0],
                                                  cv=KFold(2))
    assert len(display.lines_) == 2 and display.ax_.get_xlabel().startswith("Number of samples")
    display = ValidationCurveDisplay.from_estimator(classifier(epochs=3), X, y,
                                                    param_name="model_kwargs__learning_rate",
                                                    param_range=lrs, cv=KFold(2))
    assert len(display.lines_) == 2 and display.ax_.get_xlabel() == "model_kwargs__learning_rate"
    import matplotlib.pyplot as plt

    plt.close("all")


# -- missing values -----------------------------------------------------------------------------

def test_imputer_pipeline_fits_data_with_nan_that_the_bare_wrapper_refuses():
    X, y = data()
    X = X.copy()
    X[np.random.default_rng(0).random(X.shape) < 0.1] = np.nan
    with pytest.raises(ValueError, match="(?s)Input X contains NaN.*imputer"):
        classifier().fit(X, y)
    pipe = Pipeline([("impute", SimpleImputer(add_indicator=True)), ("scale", StandardScaler()),
                     ("clf", classifier())])
    scores = cross_validate(pipe, X, y, cv=StratifiedKFold(3))["test_score"]
    assert scores.mean() > 0.6
    assert clone(pipe).fit(X, y).named_steps["clf"].n_features_in_ == 12   # 6 + 6 indicators


def test_a_model_with_one_sigmoid_output_is_told_about_the_one_hot_targets():
    def keras2_port(X, y):
        model = models.Sequential([layers.Input((X.shape[1],)), layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        return model

    X, y = data(classes=2)
    with pytest.raises(ValueError, match=r"one-hot encodes y into 2 columns \(classes_=\[0, 1\]\).*"
                                         r"Dense\(2, activation=\"softmax\"\).*output shape \(None, 1\)"):
        SKLearnClassifier(keras2_port, fit_kwargs={"verbose": 0}).fit(X, y)
