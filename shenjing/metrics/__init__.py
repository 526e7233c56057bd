"""Floor 3: metrics, with Keras 3's names, defaults and semantics, computed on NumPy.

Two ways to look a metric up:

- ``get(identifier)`` is ``keras.metrics.get``: a class name ("AUC"), its snake
  case ("auc", "binary_accuracy", "mean_squared_error"), an alias ("mse", "mae",
  "mape", "msle", "bce"), a Keras dict ``{"class_name": ..., "config": ...}``, a
  ``Metric`` instance or class, or any function ``fn(y_true, y_pred)`` (returned
  as is). Strings give instances with the class's default name.
- ``get_metric(identifier, y_true_shape, y_pred_shape)`` is what
  ``compile(metrics=[...])`` does (Keras 3's ``compile_utils.get_metric``):
  "accuracy"/"acc" become Binary/Sparse/CategoricalAccuracy by the shapes (see
  ``resolve_accuracy``), functions are wrapped in ``MeanMetricWrapper``, and the
  metric is named after the string the user wrote ("mse" logs as "mse", "AUC"
  as "AUC"), or after the instance's ``name`` / the function's ``__name__``.

``serialize``/``deserialize`` use Keras's ``{"module": "keras.metrics", ...}`` dicts.
"""

import inspect

from ..registry import class_dict
from .accuracy_metrics import (Accuracy, BinaryAccuracy, CategoricalAccuracy,
                               SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy,
                               TopKCategoricalAccuracy, accuracy, binary_accuracy,
                               categorical_accuracy, sparse_categorical_accuracy,
                               sparse_top_k_categorical_accuracy, top_k_categorical_accuracy)
from .confusion_metrics import (AUC, FalseNegatives, FalsePositives, Precision, Recall,
                                TrueNegatives, TruePositives)
from .hinge_metrics import (CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge,
                            squared_hinge)
from .constrained_metrics import (PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
                                  SpecificityAtSensitivity)
from .correlation_metrics import (ConcordanceCorrelation, PearsonCorrelation,
                                  concordance_correlation, pearson_correlation)
from .f_score_metrics import F1Score, FBetaScore
from .iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .loss_functions import binary_focal_crossentropy, categorical_focal_crossentropy, huber
from .metric import FUNCTIONS, Metric, serialize_function, to_snake_case
from .r2_score import R2Score
from .probabilistic_metrics import (BCE, KLD, BinaryCrossentropy, CategoricalCrossentropy,
                                    KLDivergence, Poisson, SparseCategoricalCrossentropy, bce,
                                    binary_crossentropy, categorical_crossentropy, kl_divergence,
                                    kld, kullback_leibler_divergence, poisson,
                                    sparse_categorical_crossentropy)
from .reduction_metrics import Mean, MeanMetricWrapper, Sum
from .regression_metrics import (MAE, MAPE, MSE, MSLE, CosineSimilarity, LogCoshError,
                                 MeanAbsoluteError, MeanAbsolutePercentageError,
                                 MeanSquaredError, MeanSquaredLogarithmicError,
                                 RootMeanSquaredError, cosine_similarity, log_cosh, logcosh, mae,
                                 mape, mean_absolute_error, mean_absolute_percentage_error,
                                 mean_squared_error, mean_squared_logarithmic_error, mse, msle)

MODULE = "keras.metrics"

ALL_OBJECTS = (
    Metric, Mean, Sum, MeanMetricWrapper,
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError,
    AUC, FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives,
    Hinge, SquaredHinge, CategoricalHinge,
    KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    F1Score, FBetaScore, R2Score, IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU,
    PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity,
    PearsonCorrelation, ConcordanceCorrelation,
)
# As in Keras 3: class names, their snake case, and the short aliases.
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
})
_NOT_BY_NAME = {"Metric", "metric", "MeanMetricWrapper", "mean_metric_wrapper"}

__all__ = sorted(
    [cls.__name__ for cls in ALL_OBJECTS] + list(FUNCTIONS)
    + ["MSE", "MAE", "MAPE", "MSLE", "BCE", "KLD", "mse", "mae", "mape", "msle", "bce", "kld",
       "logcosh", "kullback_leibler_divergence", "get", "get_metric", "get_for_compile",
       "resolve_accuracy", "serialize", "deserialize", "unique_names"]
)


def _valid_names():
    return sorted(set(ALL_OBJECTS_DICT) - _NOT_BY_NAME)


def serialize(metric):
    """Keras's dict for a ``Metric`` instance or a built-in metric function."""
    if isinstance(metric, Metric):
        return class_dict(metric, MODULE, ALL_OBJECTS_DICT.get(type(metric).__name__) is type(metric))
    if callable(metric) and not inspect.isclass(metric):
        return serialize_function(metric)
    raise ValueError(
        f"Cannot serialize metric {metric!r}: expected a shenjing.metrics.Metric or a function"
    )


def deserialize(config, custom_objects=None):
    """The metric (or function) a ``serialize`` dict, or a bare name, describes."""
    custom_objects = custom_objects or {}
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "Could not deserialize a metric: expected a dict with 'class_name' and 'config', "
            f"received {config!r}"
        )
    name = config["class_name"]
    if name == "function":
        from .metric import deserialize_function
        return deserialize_function(config, custom_objects)
    cls = custom_objects.get(name) or custom_objects.get(config.get("registered_name"))
    if cls is None:
        cls = ALL_OBJECTS_DICT.get(name)
    if cls is None or name in ("Metric", "metric"):
        raise ValueError(
            f"Unknown metric: {name!r}. Valid names: {', '.join(_valid_names())}; or pass the "
            "class in custom_objects."
        )
    inner = dict(config.get("config") or {})
    if isinstance(cls, type) and issubclass(cls, MeanMetricWrapper) and "fn" in inner:
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


def get(identifier):
    """``keras.metrics.get``: a Metric instance from a name, dict, class or instance;
    a plain function is returned unchanged; None stays None."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = None if identifier in _NOT_BY_NAME else ALL_OBJECTS_DICT.get(identifier)
        if cls is None:
            extra = ""
            if identifier.lower() in ("acc", "accuracy"):
                extra = (" ('acc' is resolved at compile time by the shapes of y_true and "
                         "y_pred: use get_metric or resolve_accuracy)")
            raise ValueError(
                f"Could not interpret metric identifier: {identifier!r}{extra}. "
                f"Valid names: {', '.join(_valid_names())}"
            )
        return cls()
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, Metric) or callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret metric identifier: {identifier!r}. Expected a name, a config "
        "dict, a Metric instance or a function fn(y_true, y_pred)."
    )


def _shape(x):
    shape = getattr(x, "shape", x)
    return tuple(shape)


def resolve_accuracy(y_true_shape, y_pred_shape, name="accuracy"):
    """The accuracy metric "accuracy"/"acc" means for these shapes (Keras 3's compile rule).

    - y_pred's last axis is 1                                  -> BinaryAccuracy
    - y_true has lower rank than y_pred, or y_true's last axis
      is 1 while y_pred's is > 1 (integer labels)              -> SparseCategoricalAccuracy
    - otherwise (one-hot y_true, same shape as y_pred)         -> CategoricalAccuracy

    Keras 3 looks only at the shapes, never at the loss: a multi-label model with
    y_pred of shape (N, 10) and binary crossentropy gets CategoricalAccuracy; pass
    ``BinaryAccuracy()`` explicitly there. Shapes may be tuples or arrays.
    """
    y_true_shape, y_pred_shape = _shape(y_true_shape), _shape(y_pred_shape)
    y_t_last = y_true_shape[-1] if y_true_shape else None
    y_p_last = y_pred_shape[-1] if y_pred_shape else None
    is_binary = y_p_last == 1
    is_sparse = len(y_true_shape) < len(y_pred_shape) or (
        y_t_last == 1 and y_p_last is not None and y_p_last > 1)
    if is_binary:
        return BinaryAccuracy(name=name)
    if is_sparse:
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def get_metric(identifier, y_true_shape=None, y_pred_shape=None):
    """The metric ``compile(metrics=[identifier])`` builds, named as Keras 3 logs it.

    "accuracy"/"acc" (any case) need both shapes (see ``resolve_accuracy``); other
    strings go through ``get``; the name is the string itself, or the instance's
    ``name``, or the function's ``__name__`` (functions are wrapped in
    ``MeanMetricWrapper``). None stays None.
    """
    if identifier is None:
        return None
    if str(identifier).lower() in ("accuracy", "acc"):
        if y_true_shape is None or y_pred_shape is None:
            raise ValueError(
                f"Metric {identifier!r} is resolved from the shapes of y_true and y_pred: "
                f"pass both, received y_true_shape={y_true_shape}, y_pred_shape={y_pred_shape}"
            )
        metric = resolve_accuracy(y_true_shape, y_pred_shape, name=str(identifier))
    else:
        metric = get(identifier)
    if isinstance(identifier, str):
        name = identifier
    else:
        name = getattr(metric, "name", None) or getattr(metric, "__name__", None)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric, name=name)
    metric.name = name
    return metric


def get_for_compile(identifier, loss=None, y_true=None, y_pred=None):
    """``get_metric(identifier, y_true, y_pred)`` with the compiled loss alongside.

    ``loss`` is accepted for the trainer's convenience but, as in Keras 3, does not
    take part in choosing the accuracy: only the shapes do (``resolve_accuracy``).
    """
    return get_metric(identifier, y_true, y_pred)


def unique_names(names, prefix=None):
    """Log keys as Keras's CompileMetrics makes them: ``prefix_name``; repeats get _1, _2."""
    seen, keys = {}, []
    for name in names:
        key = f"{prefix}_{name}" if prefix else name
        if key in seen:
            seen[key] += 1
            key = f"{key}_{seen[key] - 1}"
        else:
            seen[key] = 1
        keys.append(key)
    return keys
