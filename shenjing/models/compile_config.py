"""A model's ``compile()`` rebuilt from Keras 3's ``compile_config`` (optimizer, loss, metrics).

``compile_from_config(model, config)`` is what ``Model.compile_from_config`` does. Losses and
metrics may be names, Keras dicts, or nested lists and dicts of them; a registered custom
function or class is found by its registered name (or, as Keras <= 3.6 wrote it, by its bare
name); the custom objects in force are those of the open ``custom_object_scope``.
"""

import inspect
import warnings

from .. import losses, metrics, optimizers
from ..registry import current_custom_objects, get_registered_by_short_name, get_registered_object


def _registered(name, registered, custom_objects):
    for key in (registered, name):
        if key:
            obj = get_registered_object(key, custom_objects)
            if obj is not None:
                return obj
    return get_registered_by_short_name(name) if isinstance(name, str) else None


def _compile_item(item, deserialize, custom_objects):
    """A loss or metric from compile_config: a name, a Keras dict, or nested lists and dicts."""
    if isinstance(item, dict) and "class_name" in item:
        name, registered = item.get("config"), item.get("registered_name")
        if item["class_name"] == "function":
            found = _registered(name, registered, custom_objects)
        else:
            found = _registered(item["class_name"], registered, custom_objects)
            if inspect.isclass(found):
                return found.from_config(dict(item.get("config") or {}))
        return found if found is not None else deserialize(item, custom_objects=custom_objects)
    if isinstance(item, dict):
        return {k: _compile_item(v, deserialize, custom_objects) for k, v in item.items()}
    if isinstance(item, list):
        return [_compile_item(v, deserialize, custom_objects) for v in item]
    if isinstance(item, str):
        found = _registered(item, None, custom_objects) if ">" in item or (
            custom_objects and item in custom_objects) else None
        return found if found is not None else item
    return item


def compile_from_config(model, compile_config):
    """``model.compile(...)`` from Keras's compile_config, then build the optimizer on the
    trainable weights (as Keras does), so saved optimizer state can load.

    As in Keras, a compile_config that cannot be rebuilt (a custom loss that is neither
    registered nor in the custom objects) leaves the model uncompiled, with a warning.
    """
    custom_objects = current_custom_objects()
    try:
        optimizer = compile_config.get("optimizer", "rmsprop")
        if isinstance(optimizer, dict):
            registered = optimizer.get("registered_name")
            cls = get_registered_object(registered, custom_objects) if registered else None
            if cls is not None and cls not in optimizers.ALL_OBJECTS:
                optimizer = cls.from_config(dict(optimizer.get("config") or {}))
            else:
                optimizer = optimizers.deserialize(optimizer, custom_objects=custom_objects)
        model.compile(
            optimizer=optimizer,
            loss=_compile_item(compile_config.get("loss"), losses.deserialize, custom_objects),
            loss_weights=compile_config.get("loss_weights"),
            metrics=_compile_item(compile_config.get("metrics"), metrics.deserialize, custom_objects),
            weighted_metrics=_compile_item(compile_config.get("weighted_metrics"),
                                           metrics.deserialize, custom_objects))
    except (ValueError, TypeError, KeyError) as error:
        warnings.warn(f"compile() was not called as part of loading model '{model.name}': its "
                      f"compile_config could not be rebuilt ({error}). Pass the custom objects in "
                      "`custom_objects`, or compile the model yourself.", stacklevel=4)
        return model
    if getattr(model, "built", False) and model.optimizer is not None:
        model.optimizer.build(model.trainable_weights)
    return model
