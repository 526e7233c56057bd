"""Floor 3: weight constraints (``keras.constraints``), applied by the optimizer after each
update to a variable whose ``constraint`` is set (a layer's ``kernel_constraint`` and friends)."""

import inspect

from ..registry import Registry
from .constraints import (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm, max_norm,
                          min_max_norm, non_neg, unit_norm)

_CLASSES = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({"constraint": Constraint, "max_norm": MaxNorm, "min_max_norm": MinMaxNorm,
                 "non_neg": NonNeg, "unit_norm": UnitNorm})

_REGISTRY = Registry("constraint", "keras.constraints", Constraint, _BY_NAME)


def serialize(constraint):
    """Keras's dict for a constraint (None stays None)."""
    return None if constraint is None else _REGISTRY.serialize(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from ``serialize``'s dict or from a name."""
    if isinstance(config, str):
        obj = _REGISTRY.lookup(config, custom_objects)
        return obj() if inspect.isclass(obj) else obj
    obj, kwargs = _REGISTRY.lookup_config(config, custom_objects)
    if kwargs is None:
        return obj
    return obj.from_config(kwargs) if inspect.isclass(obj) else obj(**kwargs)


def get(identifier):
    """A constraint from None, a name ("max_norm", "NonNeg"), a config dict, a class or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")


__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "max_norm",
           "min_max_norm", "non_neg", "unit_norm", "get", "serialize", "deserialize"]
