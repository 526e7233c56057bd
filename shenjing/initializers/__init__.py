"""Weight initializers, with Keras 3 names, defaults and configs.

An initializer is called as ``init(shape, dtype=None)`` and returns a NumPy
array of ``dtype`` (``backend.floatx()`` when None). Random ones draw from
``backend.make_rng(seed)``: a given seed gives the same values on every call,
``seed=None`` draws from the global generator that ``shenjing.set_random_seed``
reseeds.
"""

import inspect
import re

from ..registry import Registry
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
IdentityInitializer = Identity  # Keras 3's alias name


def _snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


_CLASSES = (Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform, TruncatedNormal,
            VarianceScaling, GlorotUniform, GlorotNormal, HeUniform, HeNormal,
            LecunUniform, LecunNormal, Orthogonal)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({_snake_case(cls.__name__): cls for cls in _CLASSES})
_BY_NAME.update({"uniform": RandomUniform, "normal": RandomNormal, "one": Ones, "zero": Zeros,
                 "OrthogonalInitializer": Orthogonal, "IdentityInitializer": Identity})


_REGISTRY = Registry("initializer", "keras.initializers", Initializer, _BY_NAME)
serialize = _REGISTRY.serialize


def deserialize(config, custom_objects=None):
    """An initializer from ``serialize``'s dict or from a name."""
    if isinstance(config, str):
        obj = _REGISTRY.lookup(config, custom_objects)
        return obj() if inspect.isclass(obj) else obj
    obj, kwargs = _REGISTRY.lookup_config(config, custom_objects)
    return obj if kwargs is None else obj.from_config(kwargs)


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
