"""Every metric shenjing shares with Keras 3.15, compared with real Keras (JAX): random
sequences of update_state calls with sample weights, result() after each call, and
get_config key by key (and each side loading the other's config).
"""

import re
import warnings

import numpy as np
import pytest

import shenjing.keras as sk

keras = pytest.importorskip("keras")

CALLS = 3
CONFIGS_PER_METRIC = 6


def _w(rng, batch, allow=True):
    if not allow or rng.random() < 0.4:
        return None
    return rng.uniform(0, 2, size=(batch,)).astype("float32")


def _batch(rng):
    return int(rng.integers(3, 7))


def _probs(rng, batch, classes):
    x = rng.uniform(0.05, 1, size=(batch, classes))
    return (x / x.sum(-1, keepdims=True)).astype("float32")


def _regression(rng, kw, positive=False, width=None):
    b = _batch(rng)
    shape = (b, width or int(rng.integers(1, 4)))
    low = 0.1 if positive else -2.0
    return (rng.uniform(low, 2, shape).astype("float32"), rng.uniform(low, 2, shape).astype("float32"),
            _w(rng, b))


def _binary(rng, kw):
    b = _batch(rng)
    shape = (b, int(rng.integers(1, 4)))
    return ((rng.random(shape) > 0.5).astype("float32"), rng.uniform(0, 1, shape).astype("float32"),
            _w(rng, b))


def _one_hot(rng, kw, classes=None):
    b, c = _batch(rng), classes or int(rng.integers(2, 6))
    return np.eye(c, dtype="float32")[rng.integers(0, c, b)], _probs(rng, b, c), _w(rng, b)


def _sparse(rng, kw, classes=None):
    b, c = _batch(rng), classes or int(rng.integers(2, 6))
    labels = rng.integers(0, c, b)
    if kw.get("ignore_class") is not None:
        labels[rng.random(b) < 0.3] = kw["ignore_class"]
    return labels, _probs(rng, b, c), _w(rng, b)


def _multilabel(rng, kw, classes=4):
    b = _batch(rng)
    return ((rng.random((b, classes)) > 0.5).astype("float32"),
            rng.uniform(0, 1, (b, classes)).astype("float32"), _w(rng, b))


def _iou_sparse(rng, kw):
    b, c = _batch(rng), kw["num_classes"]
    w = None if rng.random() < 0.4 else rng.integers(0, 3, b).astype("int32")
    y_true = rng.integers(0, c, b)
    if kw.get("sparse_y_true", True) is False:
        y_true = np.eye(c, dtype="float32")[y_true]
    y_pred = rng.integers(0, c, b) if kw.get("sparse_y_pred", True) else _probs(rng, b, c)
    return y_true, y_pred, w


def _binary_iou(rng, kw):
    b = _batch(rng)
    w = None if rng.random() < 0.4 else rng.integers(0, 3, b).astype("int32")
    return rng.integers(0, 2, b), rng.uniform(0, 1, b).astype("float32"), w


def _sorted_ids(rng, kw):
    b, c = _batch(rng), 6
    if kw.get("from_sorted_ids"):
        ids = np.argsort(-rng.random((b, c)), axis=-1).astype("float32")
        return rng.integers(0, c, b), ids, _w(rng, b)
    return _sparse(rng, kw, c)


def _choice(rng, values):
    return values[int(rng.integers(0, len(values)))]


NONE = lambda r: {}  # noqa: E731
METRICS = {
    "MeanSquaredError": (NONE, _regression), "MeanAbsoluteError": (NONE, _regression),
    "MeanAbsolutePercentageError": (NONE, lambda r, k: _regression(r, k, positive=True)),
    "MeanSquaredLogarithmicError": (NONE, lambda r, k: _regression(r, k, positive=True)),
    "RootMeanSquaredError": (NONE, _regression), "LogCoshError": (NONE, _regression),
    "CosineSimilarity": (lambda r: {"axis": -1}, _regression),
    "Hinge": (NONE, _binary), "SquaredHinge": (NONE, _binary), "CategoricalHinge": (NONE, _one_hot),
    "KLDivergence": (NONE, lambda r, k: (lambda t: (_probs(r, *t[1].shape), t[1], t[2]))(_one_hot(r, k))),
    "Poisson": (NONE, lambda r, k: _regression(r, k, positive=True)),
    "BinaryCrossentropy": (lambda r: {"label_smoothing": _choice(r, [0.0, 0.2])}, _binary),
    "CategoricalCrossentropy": (lambda r: {"label_smoothing": _choice(r, [0.0, 0.2])}, _one_hot),
    "SparseCategoricalCrossentropy": (lambda r: {"ignore_class": _choice(r, [None, 1])},
                                      lambda r, k: _sparse(r, k, 4)),
    "Accuracy": (NONE, lambda r, k: (lambda b: (r.integers(0, 3, (b, 2)), r.integers(0, 3, (b, 2)),
                                                _w(r, b)))(_batch(r))),
    "BinaryAccuracy": (lambda r: {"threshold": _choice(r, [0.3, 0.5])}, _binary),
    "CategoricalAccuracy": (NONE, _one_hot), "SparseCategoricalAccuracy": (NONE, _sparse),
    "TopKCategoricalAccuracy": (lambda r: {"k": _choice(r, [1, 2, 3])}, lambda r, k: _one_hot(r, k, 5)),
    "SparseTopKCategoricalAccuracy": (lambda r: {"k": _choice(r, [1, 2, 3]),
                                                 "from_sorted_ids": bool(r.random() < 0.5)}, _sorted_ids),
    "TruePositives": (lambda r: {"thresholds": _choice(r, [None, 0.3, [0.2, 0.7]])}, _binary),
    "FalsePositives": (lambda r: {"thresholds": _choice(r, [None, 0.3, [0.2, 0.7]])}, _binary),
    "TrueNegatives": (lambda r: {"thresholds": _choice(r, [None, 0.3, [0.2, 0.7]])}, _binary),
    "FalseNegatives": (lambda r: {"thresholds": _choice(r, [None, 0.3, [0.2, 0.7]])}, _binary),
    "Precision": (lambda r: {"thresholds": _choice(r, [None, 0.3]), "top_k": _choice(r, [None, 2])}, _multilabel),
    "Recall": (lambda r: {"thresholds": _choice(r, [None, 0.3]), "top_k": _choice(r, [None, 2])}, _multilabel),
    "AUC": (lambda r: {"num_thresholds": _choice(r, [50, 200]), "curve": _choice(r, ["ROC", "PR"])}, _binary),
    "F1Score": (lambda r: {"average": _choice(r, [None, "micro", "macro", "weighted"]),
                           "threshold": _choice(r, [None, 0.5])}, _multilabel),
    "FBetaScore": (lambda r: {"average": _choice(r, [None, "micro", "macro", "weighted"]),
                              "beta": _choice(r, [0.5, 2.0]), "threshold": _choice(r, [None, 0.4])},
                   _multilabel),
    "R2Score": (lambda r: {"class_aggregation": _choice(r, [None, "uniform_average",
                                                           "variance_weighted_average"]),
                           "num_regressors": _choice(r, [0, 1])},
                lambda r, k: _regression(r, k, width=3)),
    "IoU": (lambda r: {"num_classes": 3, "target_class_ids": _choice(r, [[0], [0, 2]]),
                       "ignore_class": _choice(r, [None, 1]), "sparse_y_pred": bool(r.random() < 0.5)},
            _iou_sparse),
    "MeanIoU": (lambda r: {"num_classes": 3, "ignore_class": _choice(r, [None, 0]),
                           "sparse_y_true": bool(r.random() < 0.5), "sparse_y_pred": bool(r.random() < 0.5)},
                _iou_sparse),
    "BinaryIoU": (lambda r: {"target_class_ids": _choice(r, [[0, 1], [1]]),
                             "threshold": _choice(r, [0.3, 0.5])}, _binary_iou),
    "OneHotIoU": (lambda r: {"num_classes": 3, "target_class_ids": [1, 2], "sparse_y_pred": False},
                  lambda r, k: _iou_sparse(r, {**k, "sparse_y_true": False})),
    "OneHotMeanIoU": (lambda r: {"num_classes": 3, "ignore_class": _choice(r, [None, 2])},
                      lambda r, k: _iou_sparse(r, {**k, "sparse_y_true": False, "sparse_y_pred": False})),
    "PrecisionAtRecall": (lambda r: {"recall": _choice(r, [0.3, 0.8]), "num_thresholds": _choice(r, [1, 20, 200])}, _binary),
    "RecallAtPrecision": (lambda r: {"precision": _choice(r, [0.3, 0.8]), "num_thresholds": _choice(r, [1, 20, 200])}, _binary),
    "SensitivityAtSpecificity": (lambda r: {"specificity": _choice(r, [0.3, 0.8]), "num_thresholds": _choice(r, [20, 200])}, _binary),
    "SpecificityAtSensitivity": (lambda r: {"sensitivity": _choice(r, [0.3, 0.8]), "num_thresholds": _choice(r, [20, 200])}, _binary),
    "PearsonCorrelation": (NONE, lambda r, k: _regression(r, k, width=4)),
    "ConcordanceCorrelation": (NONE, lambda r, k: _regression(r, k, width=4)),
}
NOT_COMPARED = {
    "Mean": "no y_true/y_pred (compared through the wrappers)", "Sum": "as Mean",
    "MeanMetricWrapper": "takes a function (compared through every wrapper above)",
    "Metric": "the base class",
}


def test_every_keras_metric_is_covered():
    names = {n for n in dir(keras.metrics) if n[0].isupper()}
    assert names - set(METRICS) - set(NOT_COMPARED) == set()


def _run(metric, batches):
    results = []
    for y_true, y_pred, w in batches:
        metric.update_state(y_true, y_pred, sample_weight=w)
        results.append(np.asarray(metric.result(), dtype=np.float64))
    return results


@pytest.mark.parametrize("name", sorted(METRICS))
def test_metric_matches_keras(name):
    make_kwargs, make_batch = METRICS[name]
    problems = []
    for seed in range(CONFIGS_PER_METRIC):
        rng = np.random.default_rng(seed)
        kwargs = make_kwargs(rng)
        batches = [make_batch(rng, kwargs) for _ in range(CALLS)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = _run(getattr(keras.metrics, name)(**kwargs), batches)
            got = _run(getattr(sk.metrics, name)(**kwargs), batches)
        for step, (e, g) in enumerate(zip(expected, got)):
            if e.shape != g.shape or not np.allclose(g, e, rtol=1e-4, atol=1e-5, equal_nan=True):
                problems.append(f"{name}({kwargs}) after call {step + 1}: keras {e} shenjing {g}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(METRICS))
def test_metric_config_matches_keras(name):
    for seed in range(3):
        kwargs = METRICS[name][0](np.random.default_rng(300 + seed))
        k_config = getattr(keras.metrics, name)(**kwargs).get_config()
        s_config = getattr(sk.metrics, name)(**kwargs).get_config()
        assert sorted(s_config) == sorted(k_config), (name, sorted(s_config), sorted(k_config))
        # Keras numbers repeated AUC names (auc, auc_1, ...); compare the base name
        k_config["name"] = re.sub(r"_\d+$", "", k_config["name"])
        for key in k_config:
            assert s_config[key] == k_config[key], (name, key, s_config[key], k_config[key])
        getattr(sk.metrics, name).from_config(k_config)
        getattr(keras.metrics, name).from_config(s_config)
