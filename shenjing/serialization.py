"""Objects as plain data, in Keras 3's format: ``{"module", "class_name", "config", "registered_name"}``.

``serialize_keras_object(obj)`` turns a layer, model, optimizer, loss, metric,
initializer or regularizer into JSON-ready data (plus ``build_config`` and
``compile_config`` where Keras writes them); ``deserialize_keras_object(config)``
rebuilds it. Loading never runs code from the data: a class is found only among
shenjing's own classes (by the Keras module paths that Keras 3 files carry, public
ones like ``keras.layers`` and internal ones like ``keras.src.layers.core.dense``),
among classes registered with ``register_keras_serializable``, or in
``custom_objects``. A Python lambda or a ``Lambda`` layer is refused.

This module sits low (it imports the higher floors only inside functions), so
layers and models can import it.
"""

import inspect

import numpy as np

_GLOBAL_CUSTOM_OBJECTS = {}   # "Package>Name" -> class or function
_GLOBAL_CUSTOM_NAMES = {}     # class or function -> "Package>Name"

_PLAIN_TYPES = (str, int, float, bool)

# Classes whose config holds Python code: refused whatever the custom objects say.
_CODE_CLASSES = {"Lambda", "TFOpLambda", "SlicingOpLambda"}


def register_keras_serializable(package="Custom", name=None):
    """Decorator: register a class or function under ``"package>name"`` (name: its own).

    A registered object is written with that name and found again by it on loading.
    """
    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


def get_registered_name(obj):
    """The name ``obj`` was registered under, else its ``__name__``."""
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(name, custom_objects=None):
    """The object for ``name`` in ``custom_objects``, else in the registry, else None."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return _GLOBAL_CUSTOM_OBJECTS.get(name)


def _is_registered(obj):
    return obj in _GLOBAL_CUSTOM_NAMES


# -- serializing -------------------------------------------------------------------
def class_dict(obj, public_module, builtin, config=None):
    """Keras 3's dict for an instance: ``public_module`` (e.g. "keras.losses") when its class is
    one of shenjing's own (``builtin``), else the class's own module and name, so that it loads
    again only through ``custom_objects`` or the registry. ``config`` defaults to get_config()."""
    cls = type(obj)
    return {"module": public_module if builtin else cls.__module__, "class_name": cls.__name__,
            "config": obj.get_config() if config is None else config,
            "registered_name": None if builtin else cls.__name__}


def function_dict(fn, public_module=None, name=None):
    """Keras 3's dict for a function, written by name: ``public_module`` for one of shenjing's
    own functions, else the function's own module."""
    name = name or getattr(fn, "__name__", type(fn).__name__)
    return {"module": public_module or getattr(fn, "__module__", None), "class_name": "function",
            "config": name, "registered_name": name}


def serialize_keras_object(obj):
    """Keras 3's dict for ``obj`` (plain values, lists and dicts are walked)."""
    from .layers.keras_tensor import KerasTensor

    if obj is None or isinstance(obj, _PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, KerasTensor):
        return _serialize_keras_tensor(obj)
    if isinstance(obj, (np.generic, np.ndarray)):
        if isinstance(obj, np.ndarray) and obj.ndim > 0:
            return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
        return obj.item()
    if isinstance(obj, np.dtype):
        return obj.name
    if inspect.isfunction(obj) and obj.__name__ == "<lambda>":
        raise ValueError(
            "Cannot serialize a Python lambda: shenjing writes no code into saved files. "
            "Use a named function registered with "
            "@shenjing.saving.register_keras_serializable() instead.")
    return _serialize_object(obj)


def _serialize_keras_tensor(tensor, history=None):
    if history is None and tensor._keras_history is not None:
        layer, node_index, tensor_index = tensor._keras_history
        history = [layer.name, node_index, tensor_index]
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(tensor.shape), "dtype": tensor.dtype, "keras_history": history}}


def _serialize_object(obj):
    from . import initializers, losses, metrics, optimizers, regularizers
    from .layers import Layer
    from .layers.layer_utils import DTypePolicy

    if isinstance(obj, DTypePolicy):
        return obj.serialize()
    if isinstance(obj, Layer):
        return _serialize_layer(obj)
    # The lower floors write their own Keras dicts; a registered class gets its registered name.
    for base, serialize in ((optimizers.Optimizer, optimizers.serialize),
                            (losses.Loss, losses.serialize),
                            (metrics.Metric, metrics.serialize),
                            (initializers.Initializer, initializers.serialize),
                            (regularizers.Regularizer, regularizers.serialize)):
        if isinstance(obj, base):
            config = serialize(obj)
            if _is_registered(type(obj)):
                config["registered_name"] = get_registered_name(type(obj))
            return config
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return {"module": obj.__module__, "class_name": "function",
                "config": get_registered_name(obj), "registered_name": get_registered_name(obj)}
    if hasattr(obj, "get_config"):
        cls = type(obj)
        return {"module": cls.__module__, "class_name": cls.__name__,
                "config": serialize_keras_object(obj.get_config()),
                "registered_name": get_registered_name(cls)}
    raise TypeError(f"Cannot serialize object {obj!r} of type {type(obj).__name__}: to be "
                    "serializable, a class must implement get_config().")


def _builtin_layer_class(cls):
    from . import layers

    return getattr(layers, cls.__name__, None) is cls


def _serialize_layer(layer):
    from .models import Model, Sequential

    cls = type(layer)
    if isinstance(layer, Model):
        if cls is Sequential:
            module, class_name, registered = "keras", "Sequential", None
        elif cls is Model and layer._functional:
            module, class_name, registered = "keras.src.models.functional", "Functional", "Functional"
        else:
            module, class_name, registered = cls.__module__, cls.__name__, get_registered_name(cls)
    elif _builtin_layer_class(cls) and not _is_registered(cls):
        module, class_name, registered = "keras.layers", cls.__name__, None
    else:
        module, class_name, registered = cls.__module__, cls.__name__, get_registered_name(cls)
    config = layer.get_config()
    if not isinstance(config, dict):
        raise TypeError(f"The get_config() method of layer '{layer.name}' ({cls.__name__}) should "
                        f"return a dict. It returned: {config!r}")
    out = {"module": None if module == "__main__" else module, "class_name": class_name,
           "config": serialize_keras_object(config), "registered_name": registered}
    if isinstance(layer, Model):
        build = {"input_shape": _model_build_shape(layer)}
        if build["input_shape"] is not None or layer._functional:
            out["build_config"] = serialize_keras_object(build)
        if getattr(layer, "compiled", False) and getattr(layer, "optimizer", None) is not None:
            out["compile_config"] = serialize_keras_object(layer._compile_config())
    else:
        build = layer.get_build_config()
        if build is not None:
            out["build_config"] = serialize_keras_object(build)
    return out


def _model_build_shape(model):
    from .layers import Layer
    from .models import Sequential

    if model._functional:
        return None
    if isinstance(model, Sequential):
        shape = getattr(model, "inputs_shape", None) or model._known_input_shape()
        return None if shape is None else list(shape)
    shape = model._build_input_shape
    if shape is None:
        # A subclassed model built by its first call does not record the shape; the first
        # sublayer it tracks usually takes the model's input (a wrong guess fails loudly on
        # loading, when the weights' shapes are checked).
        model._sync_tracking()
        first = next((layer for layer in model._layers if isinstance(layer, Layer)), None)
        shape = getattr(first, "_build_input_shape", None) if first is not None else None
    return None if shape is None else (list(shape) if isinstance(shape, tuple) else shape)


# -- deserializing -----------------------------------------------------------------
def deserialize_keras_object(config, custom_objects=None, safe_mode=True):
    """Rebuild what ``serialize_keras_object`` wrote (or what Keras 3 wrote).

    Classes come only from shenjing, the registry and ``custom_objects``; nothing in
    ``config`` is imported, evaluated or unpickled. ``safe_mode`` is accepted for Keras's
    signature: shenjing never loads code, whatever its value.
    """
    custom_objects = dict(custom_objects or {})
    if config is None or isinstance(config, _PLAIN_TYPES):
        if isinstance(config, str) and config in custom_objects:
            return custom_objects[config]
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(x, custom_objects, safe_mode) for x in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in config.items()}
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
    from .layers.keras_tensor import KerasTensor

    if class_name == "__keras_tensor__":
        tensor = KerasTensor(tuple(inner["shape"]), dtype=inner.get("dtype", "float32"))
        tensor._pre_serialization_keras_history = inner.get("keras_history")
        return tensor
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
        return slice(*(deserialize_keras_object(inner.get(k), custom_objects, safe_mode)
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


def _known_functions():
    from . import activations, losses, metrics

    found = {}
    for module in (metrics, losses, activations):
        for name in dir(module):
            obj = getattr(module, name)
            if not name.startswith("_") and inspect.isfunction(obj):
                found.setdefault(name, obj)
    return found


def _resolve_function(config, custom_objects):
    name = config["config"]
    registered = config.get("registered_name") or name
    for key in (name, registered):
        obj = get_registered_object(key, custom_objects)
        if obj is not None:
            return obj
    module = config.get("module") or ""
    if module == "builtins" or module == "keras" or module.startswith("keras."):
        obj = _known_functions().get(name)
        if obj is not None:
            return obj
    raise ValueError(
        f"Could not locate function '{name}'. Register it with "
        "@shenjing.saving.register_keras_serializable() before loading, or pass "
        f"custom_objects={{'{name}': {name}}}. Full object config: {config}")


def _namespace_for(module):
    """The shenjing module whose classes stand for Keras module ``module`` (None: unknown)."""
    from . import initializers, layers, losses, metrics, models, optimizers, regularizers

    parts = module.split(".")
    if parts[0] != "keras":
        return None
    rest = parts[2:] if len(parts) > 1 and parts[1] == "src" else parts[1:]
    head = rest[0] if rest else ""
    if head in ("layers", "ops") or (head == "engine" and len(rest) > 1):
        return layers
    if head in ("", "models", "saving", "trainers"):
        return models
    if head == "optimizers" or (head == "backend" and "optimizers" in rest):
        if "schedules" in rest:
            return optimizers.schedules
        return optimizers
    if head == "dtype_policies":
        return layers
    return {"initializers": initializers, "regularizers": regularizers, "losses": losses,
            "metrics": metrics}.get(head)


def _lookup_in(namespace, class_name):
    from . import layers, models, optimizers

    if namespace is models and class_name in ("Functional", "Model"):
        return models.Model
    if namespace is models and class_name == "Sequential":
        return models.Sequential
    if class_name in ("DTypePolicy", "FloatDTypePolicy"):
        return layers.DTypePolicy
    if namespace is optimizers:
        return optimizers.ALL_OBJECTS_DICT.get(class_name.lower())
    candidate = getattr(namespace, class_name, None)
    if candidate is None and namespace is models:
        candidate = getattr(layers, class_name, None)   # "keras" module: Input, Layer, ...
    if inspect.isclass(candidate):
        return candidate
    return None


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
    if isinstance(module, str):
        namespace = _namespace_for(module)
        if namespace is not None:
            cls = _lookup_in(namespace, class_name)
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
    """``cls.from_config(config["config"])``, then build and compile as the config says."""
    inner = _compatible_config(cls, dict(config.get("config") or {}), custom_objects)
    if not hasattr(cls, "from_config"):
        raise TypeError(f"Unable to reconstruct an instance of '{config['class_name']}' because "
                        "the class is missing a from_config() method.")
    try:
        params = inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        params = {}
    if "custom_objects" in params:
        instance = cls.from_config(inner, custom_objects=custom_objects)
    else:
        instance = cls.from_config(inner)
    build_config = config.get("build_config")
    if build_config and hasattr(instance, "build_from_config"):
        if _is_subclassed_model(instance):
            if not instance.weights:
                _build_subclassed_model(instance, build_config.get("input_shape"))
        elif not getattr(instance, "built", True):
            _build_from_config(instance, build_config)
    compile_config = config.get("compile_config")
    if compile_config and hasattr(instance, "compile"):
        compile_from_config(instance, compile_config, custom_objects)
    return instance


_LAYER_KWARGS = ("input_shape", "batch_input_shape", "input_dim", "batch_size")


def _accepted_arguments(cls):
    """The keyword arguments ``cls(...)`` takes, or None when it takes any (``**kwargs``)."""
    from .layers import Layer

    accepted = set()
    for klass in cls.__mro__:
        if "__init__" not in vars(klass):
            continue
        try:
            params = inspect.signature(klass.__init__).parameters.values()
        except (TypeError, ValueError):
            return None
        accepted |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        if klass is Layer:
            return accepted | set(_LAYER_KWARGS)
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


def _is_subclassed_model(obj):
    from .models import Model, Sequential

    return isinstance(obj, Model) and not obj._functional and not isinstance(obj, Sequential)


def _is_shape(value):
    return isinstance(value, (list, tuple)) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value)


def _build_subclassed_model(model, input_shape):
    """Create a subclassed model's weights as Keras's ``Model.build`` does: one call on zeros."""
    from .autograd import no_grad

    if input_shape is None:
        return

    def zeros(shape):
        return np.zeros(tuple(1 if d is None else d for d in shape), dtype=model.compute_dtype)

    def inputs_for(shape):
        if _is_shape(shape):
            return zeros(shape)
        if isinstance(shape, dict):
            return {k: inputs_for(v) for k, v in shape.items()}
        return [inputs_for(s) for s in shape]

    with no_grad():
        model(inputs_for(input_shape), training=False)
    object.__setattr__(model, "_build_input_shape",
                       tuple(input_shape) if _is_shape(input_shape) else input_shape)


def _build_from_config(instance, build_config):
    shape = build_config.get("input_shape") if isinstance(build_config, dict) else None
    if shape is None:
        return
    if isinstance(shape, list) and shape and all(isinstance(d, (int, type(None))) for d in shape):
        shape = tuple(shape)
    instance.build_from_config({"input_shape": shape})


def _registered_function(name, registered, custom_objects):
    for key in (registered, name):
        if key:
            obj = get_registered_object(key, custom_objects)
            if obj is not None:
                return obj
    # Keras <= 3.6 wrote a registered function by its bare name.
    matches = [obj for key, obj in _GLOBAL_CUSTOM_OBJECTS.items() if key.endswith(f">{name}")]
    return matches[0] if len(matches) == 1 else None


def _compile_item(item, deserialize, custom_objects):
    """A loss or metric from compile_config: a name, a Keras dict, or nested lists and dicts."""
    if isinstance(item, dict) and "class_name" in item:
        name, registered = item.get("config"), item.get("registered_name")
        if item["class_name"] == "function":
            found = _registered_function(name, registered, custom_objects)
        else:
            found = _registered_function(item["class_name"], registered, custom_objects)
            if inspect.isclass(found):
                return found.from_config(dict(item.get("config") or {}))
        return found if found is not None else deserialize(item, custom_objects=custom_objects)
    if isinstance(item, dict):
        return {k: _compile_item(v, deserialize, custom_objects) for k, v in item.items()}
    if isinstance(item, list):
        return [_compile_item(v, deserialize, custom_objects) for v in item]
    if isinstance(item, str):
        found = _registered_function(item, None, custom_objects) if ">" in item or (
            custom_objects and item in custom_objects) else None
        return found if found is not None else item
    return item


def compile_from_config(model, compile_config, custom_objects=None):
    """``model.compile(...)`` from Keras's compile_config (optimizer, loss, metrics), then build
    the optimizer on the trainable weights (as Keras does), so saved optimizer state can load.

    As in Keras, a compile_config that cannot be rebuilt (a custom loss that is neither
    registered nor in ``custom_objects``) leaves the model uncompiled, with a warning.
    """
    import warnings

    from . import losses, metrics, optimizers

    custom_objects = custom_objects or {}
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
                      "`custom_objects`, or compile the model yourself.", stacklevel=3)
        return model
    if getattr(model, "built", False) and model.optimizer is not None:
        model.optimizer.build(model.trainable_weights)
    return model


__all__ = ["register_keras_serializable", "get_registered_name", "get_registered_object",
           "serialize_keras_object", "deserialize_keras_object", "resolve_class", "instantiate",
           "compile_from_config"]
