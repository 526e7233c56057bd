"""Floor 3: optimizers (Keras 3 names, arguments and formulas) and learning-rate schedules.

``get("adam")``, ``get({"class_name": "Adam", "config": {...}})`` or an instance;
``serialize``/``deserialize`` use Keras's dict format so configs move between frameworks.
"""

from ..registry import class_dict
from . import schedules
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adafactor import Adafactor
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .ftrl import Ftrl
from .lamb import Lamb
from .lion import Lion
from .loss_scale_optimizer import LossScaleOptimizer
from .muon import Muon
from .nadam import Nadam
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

MODULE = "keras.optimizers"
ALL_OBJECTS = (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion, Lamb, Ftrl,
               Adafactor, Muon, LossScaleOptimizer)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax",
           "Nadam", "Lion", "Lamb", "Ftrl", "Adafactor", "Muon", "LossScaleOptimizer",
           "schedules", "get", "serialize", "deserialize"]


def serialize(optimizer):
    """Keras's dict: ``{"module": "keras.optimizers", "class_name", "config",
    "registered_name"}``."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"serialize expects an Optimizer, received {type(optimizer).__name__}: {optimizer!r}"
        )
    cls = type(optimizer)
    return class_dict(optimizer, MODULE, ALL_OBJECTS_DICT.get(cls.__name__.lower()) is cls)


def deserialize(config, custom_objects=None):
    """The optimizer described by a Keras dict ``{"class_name": ..., "config": {...}}``."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "Could not deserialize an optimizer: expected a dict with 'class_name' and "
            f"'config', received {config!r}"
        )
    name = config["class_name"]
    custom_objects = custom_objects or {}
    cls = custom_objects.get(name) or custom_objects.get(config.get("registered_name"))
    if cls is None and isinstance(name, str):
        cls = ALL_OBJECTS_DICT.get(name.lower())
    if cls is None:
        raise ValueError(
            f"Unknown optimizer: '{name}'. Expected one of {sorted(ALL_OBJECTS_DICT)} "
            "(case-insensitive), or a class passed in custom_objects."
        )
    inner = dict(config.get("config") or {})
    if isinstance(cls, type) and issubclass(cls, Optimizer):
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


def get(identifier):
    """An optimizer from a name (``"adam"``), a Keras config dict or an instance (None: None)."""
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(
        f"Could not interpret optimizer identifier: {identifier!r}. Expected a name such as "
        f"{sorted(ALL_OBJECTS_DICT)}, a config dict, or an Optimizer instance."
    )
