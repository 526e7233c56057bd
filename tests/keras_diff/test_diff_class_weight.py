"""``fit`` with the class-imbalance remedies compared with Keras 3: ``class_weight`` (from
scikit-learn's ``compute_class_weight("balanced")``, NumPy keys and values) with sparse and
one-hot labels, per-sample ``sample_weight`` with ``validation_split`` and with weighted
``validation_data``, and ``CategoricalFocalCrossentropy`` with one alpha a class. Keras's
initial weights are copied into shenjing; every epoch's logged values must agree."""

import numpy as np
import pytest
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

import shenjing.keras as sk

TOL = dict(rtol=2e-5, atol=2e-6)
RNG = np.random.default_rng(0)
X = RNG.normal(size=(48, 5)).astype("float32")
Y = np.repeat([0, 1, 2], [30, 12, 6])[RNG.permutation(48)]   # imbalanced: 30 / 12 / 6
BALANCED = compute_class_weight("balanced", classes=np.arange(3), y=Y)
CLASS_WEIGHT = {np.int64(c): w for c, w in zip(np.arange(3), BALANCED)}   # NumPy keys and values
SAMPLE_WEIGHT = compute_sample_weight("balanced", Y)


def _sparse(m):
    return m.losses.SparseCategoricalCrossentropy(from_logits=True)


CASES = {
    "class_weight, sparse labels": dict(loss=_sparse, y="sparse", fit=dict(class_weight=CLASS_WEIGHT)),
    "class_weight, one-hot labels": dict(
        loss=lambda m: m.losses.CategoricalCrossentropy(from_logits=True), y="one_hot",
        fit=dict(class_weight=CLASS_WEIGHT)),
    "class_weight, labels (n, 1)": dict(loss=_sparse, y="column", fit=dict(class_weight=CLASS_WEIGHT)),
    "class_weight with validation_split": dict(
        loss=_sparse, y="sparse", fit=dict(class_weight=CLASS_WEIGHT, validation_split=0.25)),
    "sample_weight with validation_split": dict(
        loss=_sparse, y="sparse", fit=dict(sample_weight=SAMPLE_WEIGHT, validation_split=0.25)),
    "sample_weight with weighted validation_data": dict(
        loss=_sparse, y="sparse",
        fit=dict(sample_weight=SAMPLE_WEIGHT, validation_data=(X[:12], Y[:12], SAMPLE_WEIGHT[:12]))),
    "focal loss, alpha a class": dict(
        loss=lambda m: m.losses.CategoricalFocalCrossentropy(alpha=BALANCED.tolist(), gamma=2.0,
                                                             from_logits=True),
        y="one_hot", fit={}),
    "focal loss, alpha an array, with class_weight": dict(
        loss=lambda m: m.losses.CategoricalFocalCrossentropy(alpha=BALANCED, from_logits=True),
        y="one_hot", fit=dict(class_weight=CLASS_WEIGHT)),
}


def _labels(kind):
    return {"sparse": Y, "one_hot": np.eye(3, dtype="float32")[Y], "column": Y[:, None]}[kind]


@pytest.mark.parametrize("name", list(CASES))
def test_fit_history_equals_keras(keras_module, name):
    case = CASES[name]
    histories = []
    reference = None
    for m in (keras_module, sk):
        model = m.Sequential([m.Input((5,)), m.layers.Dense(8, activation="relu"), m.layers.Dense(3)])
        if reference is None:
            reference = model.get_weights()
        model.set_weights(reference)
        model.compile(optimizer=m.optimizers.SGD(0.1), loss=case["loss"](m),
                      metrics=["accuracy"], weighted_metrics=["accuracy"])
        history = model.fit(X, _labels(case["y"]), epochs=2, batch_size=8, shuffle=False, verbose=0,
                            **case["fit"])
        histories.append(history.history)
    theirs, ours = histories
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], err_msg=f"{name}: {key}", **TOL)
