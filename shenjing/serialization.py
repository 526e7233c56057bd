"""Objects as plain data, in Keras 3's format: ``{"module", "class_name", "config", "registered_name"}``.

``serialize_keras_object(obj)`` turns a layer, model, optimizer, loss, metric,
initializer or regularizer into JSON-ready data (plus ``build_config`` and
``compile_config`` where Keras writes them); ``deserialize_keras_object(config)``
rebuilds it. Loading never runs code from the data: a class is found only among
shenjing's own classes (by the Keras module paths that Keras 3 files carry, public
ones like ``keras.layers`` and internal ones like ``keras.src.layers.core.dense``),
among classes registered with ``register_keras_serializable``, or in
``custom_objects``. A Python lambda or a ``Lambda`` layer is refused.

It knows no kind of object: names come from ``registry`` (each class registers
itself where it is defined), the config from ``obj.get_config()``, and what is
specific to a kind from methods of the object: ``get_build_config`` /
``build_from_config``, ``get_compile_config`` / ``compile_from_config`` (models),
``_keras_class_names`` (a functional model is written as "Functional"),
``_to_keras_dict`` / ``_from_keras_dict`` (a symbolic tensor). So it imports
nothing above ``registry`` and every floor from 3 up can use it.
"""

import contextlib
import contextvars
import inspect
import weakref

import numpy as np

from . import registry, safety
from .safety.limits import check_limit
from .registry import (custom_object_scope, get_registered_name, get_registered_object,
                       register_keras_serializable)

_PLAIN_TYPES = (str, int, float, bool)

# Classes whose config holds Python code: refused whatever the custom objects say.
_CODE_CLASSES = {"Lambda", "TFOpLambda", "SlicingOpLambda"}


def serialize_keras_object(obj):
    """Keras 3's dict for ``obj`` (plain values, lists and dicts are walked)."""
    if obj is None or isinstance(obj, _PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {
            "start": serialize_keras_object(obj.start), "stop": serialize_keras_object(obj.stop),
            "step": serialize_keras_object(obj.step)}}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, (np.generic, np.ndarray)):
        if isinstance(obj, np.ndarray) and obj.ndim > 0:
            return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
        return obj.item()
    if isinstance(obj, np.dtype):
        return obj.name
    if not inspect.isclass(obj) and callable(getattr(obj, "_to_keras_dict", None)):
        return obj._to_keras_dict()   # symbolic tensors write themselves
    if inspect.isfunction(obj) and obj.__name__ == "<lambda>":
        raise ValueError(
            "Cannot serialize a Python lambda: shenjing writes no code into saved files. "
            "Use a named function registered with "
            "@shenjing.saving.register_keras_serializable() instead.")
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return registry.function_dict(obj, name=get_registered_name(obj))
    if hasattr(obj, "get_config"):
        return _serialize_instance(obj)
    raise TypeError(f"Cannot serialize object {obj!r} of type {type(obj).__name__}: to be "
                    "serializable, a class must implement get_config().")


def _serialize_instance(obj):
    """``{"module", "class_name", "config", "registered_name"}`` from the registry's names and
    ``get_config()``, plus ``build_config``/``compile_config`` from the object's own
    ``get_build_config()``/``get_compile_config()`` where it has them."""
    cls = type(obj)
    names = getattr(obj, "_keras_class_names", None)   # e.g. a functional Model: "Functional"
    names = names() if callable(names) else None
    if names is None:
        if registry.is_builtin(cls):
            names = (registry.public_module(cls), cls.__name__, None)
        else:
            names = (cls.__module__, cls.__name__, get_registered_name(cls))
    module, class_name, registered = names
    config = obj.get_config()
    if not isinstance(config, dict):
        owner = f"'{obj.name}' " if isinstance(getattr(obj, "name", None), str) else ""
        raise TypeError(f"The get_config() method of {owner}({cls.__name__}) should return a "
                        f"dict. It returned: {config!r}")
    out = {"module": module, "class_name": class_name, "config": serialize_keras_object(config),
           "registered_name": registered}
    for key, method in (("build_config", "get_build_config"),
                        ("compile_config", "get_compile_config")):
        get = getattr(obj, method, None)
        extra = get() if callable(get) else None
        if extra is not None:
            out[key] = serialize_keras_object(extra)
    return out


# -- the limits a config is checked against, once, before anything is built ----------
_CHECKED = contextvars.ContextVar("shenjing_config_checked", default=False)

# What one object of a config (a layer, an initializer, ...) costs in memory once built,
# about: a tiny Dense with its two initializers keeps ~5 KB (measured), three objects.
OBJECT_BYTES = 2048


def config_size(config):
    """``(objects, depth)``: the dicts with a "class_name" in ``config`` (layers, nested models,
    initializers, ...) and how deep its lists and dicts nest (iterative: any depth is fine)."""
    objects, depth = 0, 0
    stack, seen = [(config, 1)], set()
    while stack:
        item, level = stack.pop()
        if not isinstance(item, (list, tuple, dict)) or id(item) in seen:
            continue
        seen.add(id(item))
        depth = max(depth, level)
        if isinstance(item, dict):
            if "class_name" in item:
                objects += 1
            stack.extend((value, level + 1) for value in item.values())
        else:
            stack.extend((value, level + 1) for value in item)
    return objects, depth


def check_config(config):
    """Refuse a config that declares more objects (``max_layers``) or nests deeper
    (``max_config_depth``) than the limits allow, then charge the current load's budget for
    the objects it will build (``OBJECT_BYTES`` each): all before anything is built."""
    budget = safety.current_budget()
    path = budget.path if budget is not None else None
    objects, depth = config_size(config)
    check_limit("max_config_depth", depth,
                "the nesting depth of the model config (lists and dicts inside each other)", path)
    check_limit("max_layers", objects,
                "the number of layers and other objects the model config declares", path)
    safety.charge(objects * OBJECT_BYTES,
                  f"the {objects} objects (layers, initializers, ...) the model config declares "
                  f"(about {OBJECT_BYTES} bytes each once built)")


@contextlib.contextmanager
def checked_config(config):
    """Run ``check_config(config)`` unless a config around this one was checked already (a
    layer's entry inside a model's config is not walked again)."""
    if _CHECKED.get():
        yield
        return
    check_config(config)
    token = _CHECKED.set(True)
    try:
        yield
    except RecursionError:   # only past a max_config_depth raised far above its default
        budget = safety.current_budget()
        raise safety.ResourceLimitError(
            budget.path if budget is not None else None,
            "the model config nests too deeply for Python's recursion limit while it is built; "
            f"keep ${safety.LIMITS['max_config_depth'].env} at or below its default "
            f"({safety.LIMITS['max_config_depth'].default})") from None
    finally:
        _CHECKED.reset(token)


# -- deserializing -----------------------------------------------------------------
def deserialize_keras_object(config, custom_objects=None, safe_mode=True):
    """Rebuild what ``serialize_keras_object`` wrote (or what Keras 3 wrote).

    Classes come only from shenjing, the registry and ``custom_objects``; nothing in
    ``config`` is imported, evaluated or unpickled. ``safe_mode`` is accepted for Keras's
    signature: shenjing never loads code, whatever its value. The whole config is first
    checked against the limits (``check_config``) before anything is built.
    """
    with checked_config(config):
        return _deserialize(config, dict(custom_objects or {}), safe_mode)


def _deserialize(config, custom_objects, safe_mode=True):
    if config is None or isinstance(config, _PLAIN_TYPES):
        if isinstance(config, str) and config in custom_objects:
            return custom_objects[config]
        return config
    if isinstance(config, (list, tuple)):
        return [_deserialize(x, custom_objects, safe_mode) for x in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {k: _deserialize(v, custom_objects, safe_mode) for k, v in config.items()}
    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    special = _deserialize_special(class_name, inner, config, custom_objects, safe_mode)
    if special is not _NOT_SPECIAL:
        return special
    if class_name == "function":
        return _resolve_function(config, custom_objects)
    if not isinstance(inner, dict):
        raise TypeError(f"Expected 'config' to be a dict for {class_name}, instead got "
                        f"{type(inner).__name__}. Full config: {config}")
    cls = resolve_class(config, custom_objects)
    return instantiate(cls, config, custom_objects)


_NOT_SPECIAL = object()


def _deserialize_special(class_name, inner, config, custom_objects, safe_mode):
    if class_name == "__keras_tensor__":
        tensor_class = registry.lookup("keras", "KerasTensor")
        if tensor_class is None:
            raise ValueError("Cannot deserialize a '__keras_tensor__' before shenjing.layers "
                             "is imported (it defines KerasTensor)")
        return tensor_class._from_keras_dict(inner)
    if class_name in ("__numpy__", "__tensor__"):
        dtype = np.dtype(inner["dtype"])
        if dtype.kind not in "biufc":
            raise ValueError(f"Refusing an array of dtype {dtype} in a config: only numbers load")
        return np.array(inner["value"], dtype=dtype)
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        return slice(*(_deserialize(inner.get(k), custom_objects, safe_mode)
                       for k in ("start", "stop", "step")))
    if class_name == "__lambda__":
        raise ValueError(
            "Requested the deserialization of a Python lambda. shenjing never loads code from a "
            "saved file (whatever safe_mode says): replace the lambda by a named function "
            "registered with @shenjing.saving.register_keras_serializable() and pass it in "
            "custom_objects.")
    if class_name in ("__typespec__",):
        raise ValueError(f"Cannot deserialize '{class_name}': TensorFlow type specs are not supported")
    return _NOT_SPECIAL


def _resolve_function(config, custom_objects):
    name = config["config"]
    registered = config.get("registered_name") or name
    for key in (name, registered):
        obj = get_registered_object(key, custom_objects)
        if obj is not None:
            return obj
    module = config.get("module") or ""
    if module == "builtins" or module == "keras" or module.startswith("keras."):
        obj = registry.lookup(module, name, kind="function") or registry.lookup_function(name)
        if obj is not None:
            return obj
    raise ValueError(
        f"Could not locate function '{name}'. Register it with "
        "@shenjing.saving.register_keras_serializable() before loading, or pass "
        f"custom_objects={{'{name}': {name}}}. Full object config: {config}")


def resolve_class(config, custom_objects=None):
    """The class a config names: custom objects, the registry, then shenjing's own classes."""
    class_name = config["class_name"]
    registered = config.get("registered_name") or class_name
    module = config.get("module")
    if class_name in _CODE_CLASSES:
        raise ValueError(
            f"Refusing to load a '{class_name}' layer (name: "
            f"{(config.get('config') or {}).get('name')!r}): its config holds Python code, and "
            "shenjing never runs code from a saved file. Replace it by a custom layer class, "
            "register it with @shenjing.saving.register_keras_serializable(), and load again.")
    for key in (registered, class_name):
        obj = get_registered_object(key, custom_objects)
        if obj is not None:
            return obj
    cls = registry.lookup(module, class_name)
    if cls is not None:
        return cls
    hint = registered if registered and ">" in str(registered) else f"Custom>{class_name}"
    package = hint.split(">")[0]
    raise ValueError(
        f"Could not locate class '{class_name}' (module {module!r}, registered_name "
        f"{config.get('registered_name')!r}). It is not one of shenjing's classes; if it is a "
        f"custom class, decorate it with @shenjing.saving.register_keras_serializable("
        f"package='{package}') and import it before loading, or pass "
        f"custom_objects={{'{class_name}': {class_name}}}.")


def instantiate(cls, config, custom_objects=None):
    """``cls.from_config(config["config"])``, then ``build_from_config(build_config)`` (which
    does nothing for an instance already built) and ``compile_from_config(compile_config)``,
    as Keras 3 does, all inside a ``custom_object_scope(custom_objects)``."""
    inner = _compatible_config(cls, dict(config.get("config") or {}), custom_objects)
    if not hasattr(cls, "from_config"):
        raise TypeError(f"Unable to reconstruct an instance of '{config['class_name']}' because "
                        "the class is missing a from_config() method.")
    with custom_object_scope(custom_objects):
        if _takes_custom_objects(cls):
            instance = cls.from_config(inner, custom_objects=custom_objects)
        else:
            instance = cls.from_config(inner)
        build_config = config.get("build_config")
        if build_config and hasattr(instance, "build_from_config"):
            instance.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(instance, "compile_from_config"):
            instance.compile_from_config(compile_config)
    return instance


_ACCEPTED = weakref.WeakKeyDictionary()   # class -> (its __init__, _accepted_arguments)
_TAKES_CUSTOM_OBJECTS = weakref.WeakKeyDictionary()   # class -> (from_config, takes custom_objects)


def _takes_custom_objects(cls):
    """Whether ``cls.from_config`` takes ``custom_objects`` (found once per class)."""
    method = cls.from_config
    cached = _TAKES_CUSTOM_OBJECTS.get(cls) if _weakrefable(cls) else None
    if cached is not None and cached[0] is getattr(method, "__func__", method):
        return cached[1]
    try:
        takes = "custom_objects" in inspect.signature(method).parameters
    except (TypeError, ValueError):
        takes = False
    if _weakrefable(cls):
        _TAKES_CUSTOM_OBJECTS[cls] = (getattr(method, "__func__", method), takes)
    return takes


def _weakrefable(cls):
    try:
        weakref.ref(cls)
    except TypeError:
        return False
    return True


def _accepted_arguments(cls):
    """The keyword arguments ``cls(...)`` takes, or None when it takes any (``**kwargs``);
    found once per class (``inspect.signature`` is most of a small layer's load time)."""
    cached = _ACCEPTED.get(cls) if _weakrefable(cls) else None
    if cached is not None and cached[0] is cls.__init__:   # (a patched __init__ is seen again)
        return cached[1]
    accepted = _find_accepted_arguments(cls)
    if _weakrefable(cls):
        _ACCEPTED[cls] = (cls.__init__, accepted)
    return accepted


def _find_accepted_arguments(cls):
    accepted = set()
    for klass in cls.__mro__:
        if "__init__" not in vars(klass):
            continue
        try:
            params = inspect.signature(klass.__init__).parameters.values()
        except (TypeError, ValueError):
            return None
        accepted |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        if "_base_config_arguments" in vars(klass):   # Layer: input_shape, batch_size, ...
            return accepted | set(klass._base_config_arguments)
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return accepted
    return None


def _compatible_config(cls, inner, custom_objects):
    """Drop the arguments newer Keras versions write with value None (e.g. an initializer's
    ``input_axes``) that ``cls`` does not take, here and in the nested Keras objects."""
    out = {}
    for key, value in inner.items():
        out[key] = _compatible_nested(value, custom_objects)
    if inspect.isclass(cls):
        accepted = _accepted_arguments(cls)
        if accepted is not None:
            out = {k: v for k, v in out.items() if v is not None or k in accepted}
    return out


def _compatible_nested(value, custom_objects):
    if isinstance(value, list):
        return [_compatible_nested(v, custom_objects) for v in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("config"), dict) and isinstance(value.get("class_name"), str) \
            and str(value.get("module") or "").startswith("keras"):
        try:
            cls = resolve_class(value, custom_objects)
        except ValueError:
            return value
        return {**value, "config": _compatible_config(cls, value["config"], custom_objects)}
    return {k: _compatible_nested(v, custom_objects) for k, v in value.items()}


__all__ = ["register_keras_serializable", "get_registered_name", "get_registered_object",
           "serialize_keras_object", "deserialize_keras_object", "resolve_class", "instantiate",
           "check_config", "checked_config", "config_size"]
