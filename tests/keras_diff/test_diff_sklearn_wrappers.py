"""keras.wrappers against Keras 3's: the same get_params keys, and on the same data the same
classes_, n_features_in_ and output shapes (predict, decision_function, transform, score)."""

import numpy as np
import pytest

pytest.importorskip("sklearn", minversion="1.6")

from sklearn.datasets import make_classification, make_regression  # noqa: E402

from shenjing.keras import layers, models  # noqa: E402
from shenjing.keras import wrappers  # noqa: E402

NAMES = ("SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer")


def _builder(layers_module, model_class):
    def build(X, y, loss, units=8):
        inputs = layers_module.Input(shape=(X.shape[1],))
        hidden = layers_module.Dense(units, activation="relu")(inputs)
        n_outputs = y.shape[1] if y.ndim > 1 else 1
        outputs = layers_module.Dense(n_outputs, activation="softmax" if loss == "categorical_crossentropy" else None)(hidden)
        model = model_class(inputs, outputs)
        model.compile(loss=loss, optimizer="rmsprop")
        return model
    return build


def _pair(keras_module, name, loss):
    ours = getattr(wrappers, name)(_builder(layers, models.Model), model_kwargs={"loss": loss},
                                   fit_kwargs={"epochs": 1, "verbose": 0})
    theirs = getattr(keras_module.wrappers, name)(_builder(keras_module.layers, keras_module.Model),
                                                  model_kwargs={"loss": loss}, fit_kwargs={"epochs": 1, "verbose": 0})
    return ours, theirs


@pytest.mark.parametrize("name", NAMES)
def test_get_params_keys_and_defaults_match(keras_module, name):
    ours = getattr(wrappers, name)(model=len).get_params()
    theirs = getattr(keras_module.wrappers, name)(model=len).get_params()
    assert ours.pop("random_state") is None   # ours only: seeds each fit when given
    assert ours == theirs


@pytest.mark.parametrize("n_classes,labels", [(2, None), (3, None), (3, ("a", "b", "c"))])
def test_classifier_attributes_and_shapes_match(keras_module, n_classes, labels):
    X, y = make_classification(n_samples=40, n_features=5, n_informative=3, n_redundant=0,
                               n_classes=n_classes, random_state=0)
    if labels is not None:
        y = np.array(labels)[y]
    ours, theirs = _pair(keras_module, "SKLearnClassifier", "categorical_crossentropy")
    ours.fit(X, y)
    theirs.fit(X, y)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.n_features_in_ == theirs.n_features_in_ == 5
    ours_pred, theirs_pred = ours.predict(X), theirs.predict(X)
    assert ours_pred.shape == theirs_pred.shape and ours_pred.dtype.kind == theirs_pred.dtype.kind
    assert set(ours_pred) <= set(theirs.classes_)
    if n_classes == 2:   # ours follows scikit-learn: one score per sample (Keras: both columns)
        assert ours.decision_function(X).shape == (40,) and theirs.decision_function(X).shape == (40, 2)
    else:
        assert ours.decision_function(X).shape == theirs.decision_function(X).shape
    assert np.isscalar(ours.score(X, y)) and np.isscalar(theirs.score(X, y))
    # Ours only (Keras 3 has no predict_proba): softmax outputs are the probabilities.
    assert not hasattr(theirs, "predict_proba")
    np.testing.assert_allclose(ours.predict_proba(X), ours.model_.predict(X, verbose=0), rtol=1e-5, atol=1e-6)


def test_regressor_and_transformer_shapes_match(keras_module):
    X, y = make_regression(n_samples=40, n_features=4, random_state=0)
    for name, method in (("SKLearnRegressor", "predict"), ("SKLearnTransformer", "transform")):
        ours, theirs = _pair(keras_module, name, "mse")
        ours.fit(X, y)
        theirs.fit(X, y)
        assert ours.n_features_in_ == theirs.n_features_in_ == 4
        assert getattr(ours, method)(X).shape == getattr(theirs, method)(X).shape
        with pytest.raises(ValueError):
            ours.predict(X[:, :3]) if method == "predict" else ours.transform(X[:, :3])
