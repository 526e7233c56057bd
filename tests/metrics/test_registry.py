"""get / get_metric / resolve_accuracy / serialize / deserialize, as Keras 3 resolves them."""

import json

import numpy as np
import pytest

from shenjing import metrics


@pytest.mark.parametrize("y_true_shape, y_pred_shape, expected", [
    ((32, 1), (32, 1), metrics.BinaryAccuracy),       # sigmoid output
    ((32,), (32, 1), metrics.BinaryAccuracy),
    ((32,), (32, 10), metrics.SparseCategoricalAccuracy),
    ((32, 1), (32, 10), metrics.SparseCategoricalAccuracy),
    ((32, 10), (32, 10), metrics.CategoricalAccuracy),  # one-hot
    ((32, 5, 1), (32, 5, 7), metrics.SparseCategoricalAccuracy),
    ((32,), (32,), metrics.CategoricalAccuracy),         # Keras's rule, taken as is
])
def test_resolve_accuracy_follows_keras3_compile_rule(y_true_shape, y_pred_shape, expected):
    m = metrics.resolve_accuracy(y_true_shape, y_pred_shape)
    assert type(m) is expected and m.name == "accuracy"
    m2 = metrics.get_metric("acc", np.zeros(y_true_shape), np.zeros(y_pred_shape))
    assert type(m2) is expected and m2.name == "acc"


def test_get_metric_names_as_keras_logs_them():
    assert metrics.get_metric("mse").name == "mse"
    assert isinstance(metrics.get_metric("mse"), metrics.MeanSquaredError)
    assert metrics.get_metric("mean_absolute_error").name == "mean_absolute_error"
    assert metrics.get_metric("AUC").name == "AUC"
    assert metrics.get_metric(metrics.AUC()).name == "auc"
    assert metrics.get_metric(metrics.Precision(name="p")).name == "p"
    assert metrics.get_metric("Accuracy", (4, 1), (4, 1)).name == "Accuracy"
    assert metrics.get_metric(None) is None

    def my_metric(y_true, y_pred):
        return np.abs(y_true - y_pred)

    wrapped = metrics.get_metric(my_metric)
    assert isinstance(wrapped, metrics.MeanMetricWrapper) and wrapped.name == "my_metric"
    assert wrapped([1.0, 3.0], [2.0, 3.0]) == 0.5
    assert metrics.get_metric(metrics.mse).name == "mean_squared_error"
    with pytest.raises(ValueError, match="shapes"):
        metrics.get_metric("accuracy")


def test_unique_names_like_compile_metrics():
    assert metrics.unique_names(["loss", "acc", "acc", "acc"]) == ["loss", "acc", "acc_1", "acc_2"]
    assert metrics.unique_names(["acc"], prefix="out") == ["out_acc"]


@pytest.mark.parametrize("name, cls, default_name", [
    ("categorical_accuracy", metrics.CategoricalAccuracy, "categorical_accuracy"),
    ("sparse_categorical_accuracy", metrics.SparseCategoricalAccuracy,
     "sparse_categorical_accuracy"),
    ("binary_accuracy", metrics.BinaryAccuracy, "binary_accuracy"),
    ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy, "top_k_categorical_accuracy"),
    ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy,
     "sparse_top_k_categorical_accuracy"),
    ("mse", metrics.MeanSquaredError, "mean_squared_error"),
    ("MAE", metrics.MeanAbsoluteError, "mean_absolute_error"),
    ("mean_squared_error", metrics.MeanSquaredError, "mean_squared_error"),
    ("AUC", metrics.AUC, "auc"),
    ("auc", metrics.AUC, "auc"),
    ("precision", metrics.Precision, "precision"),
    ("recall", metrics.Recall, "recall"),
    ("RootMeanSquaredError", metrics.RootMeanSquaredError, "root_mean_squared_error"),
    ("root_mean_squared_error", metrics.RootMeanSquaredError, "root_mean_squared_error"),
    ("kl_divergence", metrics.KLDivergence, "kl_divergence"),
    ("accuracy", metrics.Accuracy, "accuracy"),  # keras.metrics.get: exact-match Accuracy
])
def test_get_strings(name, cls, default_name):
    m = metrics.get(name)
    assert type(m) is cls and m.name == default_name


def test_get_other_identifiers_and_errors():
    m = metrics.AUC()
    assert metrics.get(m) is m
    assert isinstance(metrics.get(metrics.Recall), metrics.Recall)
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    got = metrics.get({"class_name": "TopKCategoricalAccuracy", "config": {"k": 3}})
    assert got.k == 3
    assert metrics.get(None) is None
    with pytest.raises(ValueError, match="Valid names:.*mse"):
        metrics.get("not_a_metric")
    with pytest.raises(ValueError, match="get_metric"):
        metrics.get("acc")
    with pytest.raises(ValueError, match="Could not interpret"):
        metrics.get(42)


@pytest.mark.parametrize("metric", [
    metrics.Mean(name="loss"), metrics.Sum(), metrics.Accuracy(),
    metrics.BinaryAccuracy(threshold=0.3), metrics.CategoricalAccuracy(),
    metrics.SparseCategoricalAccuracy(name="acc"), metrics.TopKCategoricalAccuracy(k=2),
    metrics.SparseTopKCategoricalAccuracy(k=3), metrics.MeanSquaredError(),
    metrics.MeanAbsoluteError(), metrics.RootMeanSquaredError(),
    metrics.MeanAbsolutePercentageError(), metrics.CosineSimilarity(axis=-1),
    metrics.Precision(thresholds=[0.3, 0.6], class_id=1), metrics.Recall(top_k=2),
    metrics.AUC(num_thresholds=50, curve="PR", from_logits=True),
    metrics.AUC(thresholds=[0.2, 0.4], multi_label=True, num_labels=2, label_weights=[1, 2]),
    metrics.TruePositives(thresholds=0.3), metrics.BinaryCrossentropy(label_smoothing=0.1),
    metrics.SparseCategoricalCrossentropy(from_logits=True),
    metrics.MeanMetricWrapper(metrics.mse, name="wrapped"),
])
def test_serialize_round_trip(metric):
    config = metrics.serialize(metric)
    assert config["module"] == "keras.metrics" and config["registered_name"] is None
    assert config["class_name"] == type(metric).__name__
    config = json.loads(json.dumps(config))  # plain data
    clone = metrics.deserialize(config)
    assert type(clone) is type(metric)
    assert clone.get_config() == metric.get_config()
    assert clone.name == metric.name and clone.dtype == metric.dtype


def test_deserialize_functions_and_custom_objects():
    fn_config = metrics.serialize(metrics.categorical_accuracy)
    assert fn_config["class_name"] == "function"
    assert metrics.deserialize(fn_config) is metrics.categorical_accuracy

    class MyMetric(metrics.Mean):
        pass

    config = metrics.serialize(MyMetric(name="mine"))
    assert config["registered_name"] == "MyMetric"
    with pytest.raises(ValueError, match="Unknown metric: 'MyMetric'"):
        metrics.deserialize(config)
    assert metrics.deserialize(config, custom_objects={"MyMetric": MyMetric}).name == "mine"
    with pytest.raises(ValueError, match="expected a dict"):
        metrics.deserialize(42)


def test_get_for_compile_ignores_the_loss_like_keras3():
    y, p = np.zeros((8, 10)), np.zeros((8, 10))
    m = metrics.get_for_compile("accuracy", "binary_crossentropy", y, p)
    assert type(m) is metrics.CategoricalAccuracy and m.name == "accuracy"
    m = metrics.get_for_compile("accuracy", "binary_crossentropy", np.zeros((8, 1)),
                                np.zeros((8, 1)))
    assert type(m) is metrics.BinaryAccuracy


@pytest.mark.parametrize("metric, direction", [
    (metrics.get_metric("accuracy", (4,), (4, 3)), "up"), (metrics.AUC(), "up"),
    (metrics.Precision(), "up"), (metrics.Recall(), "up"),
    (metrics.TopKCategoricalAccuracy(), "up"),
    (metrics.MeanSquaredError(), "down"), (metrics.RootMeanSquaredError(), "down"),
    (metrics.get_metric("mae"), "down"), (metrics.BinaryCrossentropy(), "down"),
    (metrics.Hinge(), "down"), (metrics.MeanMetricWrapper(metrics.mse), "down"),
    (metrics.CosineSimilarity(), "up"), (metrics.Mean(), None), (metrics.TruePositives(), None),
])
def test_direction_hint_for_callbacks(metric, direction):
    assert metric._direction == direction
