"""Losses, with Keras 3 names: per-sample functions and ``Loss`` classes that reduce them.

``get("mse")`` gives the function, ``get("MeanSquaredError")`` an instance;
``serialize``/``deserialize`` use Keras 3's config dicts.
"""

import inspect

from ..registry import class_dict, function_dict
from .classes import (CLASSES, BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge,
                      CosineSimilarity, Hinge, Huber, KLDivergence, LogCosh, MeanAbsoluteError,
                      MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError,
                      Poisson, SparseCategoricalCrossentropy, SquaredHinge)
from .functions import (ALIASES, EPSILON, FUNCTIONS, BCE, KLD, MAE, MAPE, MSE, MSLE, bce,
                        binary_crossentropy, categorical_crossentropy, categorical_hinge,
                        cosine_similarity, hinge, huber, kl_divergence, kld,
                        kullback_leibler_divergence, log_cosh, logcosh, mae, mape,
                        mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                        mean_squared_logarithmic_error, mse, msle, poisson,
                        sparse_categorical_crossentropy, squared_hinge)
from .loss import Loss, LossFunctionWrapper, reduce_values, reduce_weighted_values
from .circle import Circle, circle
from .ctc import CTC, ctc
from .focal import (BinaryFocalCrossentropy, CategoricalFocalCrossentropy,
                    binary_focal_crossentropy, categorical_focal_crossentropy)
from .generalized_crossentropy import (CategoricalGeneralizedCrossEntropy,
                                       categorical_generalized_cross_entropy)
from .overlap import Dice, Tversky, dice, tversky

CLASSES = CLASSES + (BinaryFocalCrossentropy, CategoricalFocalCrossentropy, Dice, Tversky,
                     Circle, CategoricalGeneralizedCrossEntropy, CTC)
FUNCTIONS = FUNCTIONS + (binary_focal_crossentropy, categorical_focal_crossentropy, dice, tversky,
                         circle, categorical_generalized_cross_entropy, ctc)

_CLASSES_BY_NAME = {cls.__name__: cls for cls in CLASSES + (Loss, LossFunctionWrapper)}
_FUNCTIONS_BY_NAME = {fn.__name__: fn for fn in FUNCTIONS}
_FUNCTIONS_BY_NAME.update(ALIASES)
_FUNCTION_NAMES = {fn: fn.__name__ for fn in FUNCTIONS}


def _lookup(name, custom_objects=None):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    obj = _FUNCTIONS_BY_NAME.get(name) or _CLASSES_BY_NAME.get(name)
    if obj is None:
        valid = sorted(set(_FUNCTIONS_BY_NAME) | set(_CLASSES_BY_NAME) - {"Loss", "LossFunctionWrapper"})
        raise ValueError(
            f"Unknown loss: {name!r}. Valid names: {', '.join(valid)} "
            "(a custom loss loads through deserialize(config, custom_objects={name: obj}))"
        )
    return obj


def serialize(loss):
    """Keras 3's config dict for a ``Loss`` instance or a loss function.

    Functions are written by name (class_name "function"); a custom function or
    class loads again only through ``custom_objects``.
    """
    if isinstance(loss, Loss):
        return class_dict(loss, "keras.losses", _CLASSES_BY_NAME.get(type(loss).__name__) is type(loss))
    if callable(loss):
        builtin = loss in _FUNCTION_NAMES
        return function_dict(loss, "keras.losses" if builtin else None, _FUNCTION_NAMES.get(loss))
    raise ValueError(f"Cannot serialize loss {loss!r}: expected a Loss or a function")


def deserialize(config, custom_objects=None):
    """A loss from ``serialize``'s dict, or from a name (a function name gives the function)."""
    if isinstance(config, str):
        return _lookup(config, custom_objects)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Cannot deserialize a loss from {config!r}: expected a name or a dict with "
            "'class_name' and 'config'"
        )
    if config["class_name"] == "function":
        return _lookup(config["config"], custom_objects)
    obj = _lookup(config["class_name"], custom_objects)
    if not inspect.isclass(obj):
        return obj
    return obj.from_config(dict(config.get("config") or {}))


def get(identifier):
    """A loss from None, a name ("mse", "sparse_categorical_crossentropy", "Huber"),
    a config dict, a ``Loss`` class or instance, or any callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        obj = deserialize(identifier)
    else:
        obj = identifier
    if inspect.isclass(obj):
        return obj()
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")
