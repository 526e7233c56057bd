"""Weight initializers, with Keras 3 names, defaults and configs.

An initializer is called as ``init(shape, dtype=None)`` and returns a NumPy
array of ``dtype`` (``backend.floatx()`` when None). Random ones draw from
``backend.make_rng(seed)``: a given seed gives the same values on every call,
``seed=None`` draws from the global generator that ``shenjing.set_random_seed``
reseeds.
"""

import inspect
import re

from .constant_initializers import Constant, Identity, Initializer, Ones, Zeros
from .random_initializers import (GlorotNormal, GlorotUniform, HeNormal, HeUniform,
                                  LecunNormal, LecunUniform, Orthogonal, RandomInitializer,
                                  RandomNormal, RandomUniform, TruncatedNormal,
                                  VarianceScaling, compute_fans)

# Lowercase aliases, as keras.initializers has them (they are the classes).
zeros, ones, constant, identity = Zeros, Ones, Constant, Identity
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_uniform, he_normal = HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal
orthogonal = Orthogonal
OrthogonalInitializer = Orthogonal


def _snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


_CLASSES = (Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform, TruncatedNormal,
            VarianceScaling, GlorotUniform, GlorotNormal, HeUniform, HeNormal,
            LecunUniform, LecunNormal, Orthogonal)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({_snake_case(cls.__name__): cls for cls in _CLASSES})
_BY_NAME.update({"uniform": RandomUniform, "normal": RandomNormal, "one": Ones, "zero": Zeros,
                 "OrthogonalInitializer": Orthogonal})


def _lookup(name, custom_objects=None):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(
            f"Unknown initializer: {name!r}. Valid names: {', '.join(sorted(_BY_NAME))} "
            "(a custom initializer loads through deserialize(config, custom_objects={name: obj}))"
        ) from None


def serialize(initializer):
    """Keras 3's config dict: module, class_name, config, registered_name.

    A plain function is written by name (class_name "function"); like a custom
    class, it loads again only through ``custom_objects``.
    """
    if isinstance(initializer, Initializer):
        cls = type(initializer)
        builtin = _BY_NAME.get(cls.__name__) is cls
        return {"module": "keras.initializers" if builtin else cls.__module__,
                "class_name": cls.__name__, "config": initializer.get_config(),
                "registered_name": None if builtin else cls.__name__}
    if callable(initializer):
        name = getattr(initializer, "__name__", type(initializer).__name__)
        return {"module": getattr(initializer, "__module__", None), "class_name": "function",
                "config": name, "registered_name": name}
    raise ValueError(f"Cannot serialize {initializer!r}: expected an initializer")


def deserialize(config, custom_objects=None):
    """An initializer from ``serialize``'s dict or from a name."""
    if isinstance(config, str):
        obj = _lookup(config, custom_objects)
        return obj() if inspect.isclass(obj) else obj
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Cannot deserialize an initializer from {config!r}: expected a name or a dict "
            "with 'class_name' and 'config'"
        )
    if config["class_name"] == "function":
        return _lookup(config["config"], custom_objects)
    cls = _lookup(config["class_name"], custom_objects)
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier):
    """An initializer from None, a name, a config dict, a class, an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")
