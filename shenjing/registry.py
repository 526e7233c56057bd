"""The name table: Keras names -> shenjing's classes and functions, and the custom-object registry.

Each built-in class or function registers itself where it is defined::

    @keras_export("keras.layers.Dense")
    class Dense(Layer): ...

A Keras module path, public (``keras.layers``) or internal, as Keras 3 files carry it
(``keras.src.layers.core.dense``), names a namespace (``namespace_for``); loading looks a
class up by namespace and class name (``lookup``). User classes and functions register
with ``register_keras_serializable(package, name)`` under ``"package>name"``, or come
in ``custom_objects`` / a ``custom_object_scope``. Nothing is ever imported by name.

This module is a leaf: it imports nothing of shenjing, so every floor can use it.
"""

import inspect
import threading

_EXPORTED = {}          # (namespace, name) -> built-in class or function
_PUBLIC_MODULE = {}     # built-in class or function -> the Keras module it is written with
_GLOBAL_CUSTOM_OBJECTS = {}   # "Package>Name" -> class or function
_GLOBAL_CUSTOM_NAMES = {}     # class or function -> "Package>Name"
_SCOPES = threading.local()   # custom_object_scope's dicts, innermost last

# Namespaces named by a module's first part after "keras" (or "keras.src").
_HEADS = {"layers": "layers", "ops": "layers", "": "keras", "models": "keras",
          "saving": "keras", "trainers": "keras", "dtype_policies": "keras",
          "initializers": "initializers", "regularizers": "regularizers", "losses": "losses",
          "metrics": "metrics", "activations": "activations", "constraints": "constraints",
          "random": "random"}


def namespace_for(module):
    """The namespace whose names Keras module ``module`` holds (None: not a Keras module).

    >>> namespace_for("keras.src.layers.core.dense"), namespace_for("keras")
    ('layers', 'keras')
    """
    if not isinstance(module, str):
        return None
    parts = module.split(".")
    if parts[0] != "keras":
        return None
    rest = parts[2:] if len(parts) > 1 and parts[1] == "src" else parts[1:]
    head = rest[0] if rest else ""
    if head == "optimizers" or (head == "backend" and "optimizers" in rest):
        return "optimizers.schedules" if "schedules" in rest else "optimizers"
    if head == "engine" and len(rest) > 1:   # tf.keras 2: keras.engine.input_layer, ...
        return "layers"
    return _HEADS.get(head)


def keras_export(*paths):
    """Decorator: register a built-in class or function under its Keras paths
    (``"keras.layers.Dense"``; several paths for aliases). The first path's module is the
    one its serialized dict carries."""
    def decorator(obj):
        for path in paths:
            module, _, name = path.rpartition(".")
            namespace = namespace_for(module)
            if namespace is None or not name:
                raise ValueError(f"Expected a Keras path such as 'keras.layers.Dense'. "
                                 f"Received: path={path!r}")
            taken = _EXPORTED.get((namespace, name))
            if taken is not None and _qualified(taken) != _qualified(obj):
                raise ValueError(f"Cannot export {_qualified(obj)} as {path!r}: that name is "
                                 f"already taken by {_qualified(taken)}")
            _EXPORTED[(namespace, name)] = obj
            _PUBLIC_MODULE.setdefault(obj, module)
        return obj

    return decorator


def _qualified(obj):
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', obj)}"


def public_module(obj):
    """The Keras module a built-in class or function is written with (None: not built-in)."""
    try:
        return _PUBLIC_MODULE.get(obj)
    except TypeError:   # unhashable
        return None


def is_builtin(obj):
    """Whether ``obj`` is one of shenjing's own (exported) classes or functions."""
    return public_module(obj) is not None and obj not in _GLOBAL_CUSTOM_NAMES


def lookup(module, name, kind="class"):
    """The built-in class (``kind="class"``) or function (``"function"``) that Keras module
    ``module`` calls ``name``; None when there is none."""
    namespace = namespace_for(module)
    if namespace is None:
        return None
    wanted = inspect.isclass if kind == "class" else (lambda o: not inspect.isclass(o))
    candidates = [(namespace, name)]
    if namespace == "keras":   # "keras" re-exports the layers (Input, Layer, ...)
        candidates.append(("layers", name))
    for key in candidates:
        obj = _EXPORTED.get(key)
        if obj is not None and wanted(obj):
            return obj
    if namespace.startswith("optimizers"):   # tf.keras wrote "adam", Keras writes "Adam"
        for (ns, key), obj in _EXPORTED.items():
            if ns == namespace and key.lower() == name.lower() and wanted(obj):
                return obj
    return None


def lookup_function(name):
    """A built-in function by bare name (metrics first, then losses, then activations)."""
    for namespace in ("metrics", "losses", "activations"):
        obj = _EXPORTED.get((namespace, name))
        if obj is not None and not inspect.isclass(obj):
            return obj
    return None


def exported(namespace=None):
    """``{(namespace, name): object}`` for the built-ins (of one namespace when given)."""
    return {k: v for k, v in _EXPORTED.items() if namespace is None or k[0] == namespace}


# -- user classes and functions ----------------------------------------------------------
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


def is_registered(obj):
    """Whether ``obj`` was registered with ``register_keras_serializable``."""
    return obj in _GLOBAL_CUSTOM_NAMES


def _scoped():
    merged = {}
    for scope in getattr(_SCOPES, "stack", ()):
        merged.update(scope)
    return merged


def current_custom_objects(custom_objects=None):
    """The custom objects in force: the open ``custom_object_scope``s, then ``custom_objects``."""
    return {**_scoped(), **(custom_objects or {})}


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object for ``name`` in ``custom_objects``, an open ``custom_object_scope``, the
    registry or ``module_objects``; else None."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    scoped = _scoped()
    if name in scoped:
        return scoped[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def get_registered_by_short_name(name):
    """The registered object whose name ends with ``>name`` when exactly one does
    (Keras <= 3.6 wrote a registered function by its bare name)."""
    matches = [obj for key, obj in _GLOBAL_CUSTOM_OBJECTS.items() if key.endswith(f">{name}")]
    return matches[0] if len(matches) == 1 else None


def get_custom_objects():
    """The global registry, ``{"package>name": object}`` (Keras's ``get_custom_objects``)."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """``with custom_object_scope({"MyLayer": MyLayer}):`` makes the objects visible to
    deserialization inside the block (per thread)."""

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        if not hasattr(_SCOPES, "stack"):
            _SCOPES.stack = []
        _SCOPES.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _SCOPES.stack.pop()


custom_object_scope = CustomObjectScope


# -- Keras 3 dicts -----------------------------------------------------------------------
def class_dict(obj, public_module=None, builtin=None, config=None):
    """Keras 3's dict for an instance: its Keras module (``public_module``, default: the one
    it was exported with) when its class is one of shenjing's own, else the class's own
    module and registered name, so that it loads again only through ``custom_objects`` or
    the registry. ``config`` defaults to get_config()."""
    cls = type(obj)
    if builtin is None:
        builtin = is_builtin(cls)
    module = (public_module or _PUBLIC_MODULE.get(cls)) if builtin else cls.__module__
    return {"module": module, "class_name": cls.__name__,
            "config": obj.get_config() if config is None else config,
            "registered_name": None if builtin else get_registered_name(cls)}


def function_dict(fn, public_module=None, name=None):
    """Keras 3's dict for a function, written by name: its Keras module (``public_module``,
    default: the one it was exported with) for one of shenjing's own functions, else the
    function's own module."""
    name = name or getattr(fn, "__name__", type(fn).__name__)
    module = public_module or (_PUBLIC_MODULE.get(fn) if is_builtin(fn) else None)
    return {"module": module or getattr(fn, "__module__", None), "class_name": "function",
            "config": name, "registered_name": name}


class Registry:
    """A name table for one kind of object (initializers, regularizers, activations): the
    names ``get`` takes (class names, snake case, aliases) and the dicts ``serialize`` writes."""

    def __init__(self, kind, module, base, by_name):
        self.kind, self.module, self.base, self.by_name = kind, module, base, by_name

    def lookup(self, name, custom_objects=None):
        """The object registered as ``name`` (``custom_objects`` first)."""
        if custom_objects and name in custom_objects:
            return custom_objects[name]
        try:
            return self.by_name[name]
        except (KeyError, TypeError):  # TypeError: an unhashable name (a list in a config)
            raise ValueError(
                f"Unknown {self.kind}: {name!r}. Valid names: {', '.join(sorted(self.by_name))} "
                f"(a custom {self.kind} loads through deserialize(config, custom_objects={{name: obj}}))"
            ) from None

    def serialize(self, obj):
        """Keras's dict for an instance of ``base`` (a custom class keeps its own module),
        or for a plain function (written by name)."""
        if self.base is not None and isinstance(obj, self.base):
            return class_dict(obj, self.module, self.by_name.get(type(obj).__name__) is type(obj))
        if callable(obj):
            return function_dict(obj)
        raise ValueError(f"Cannot serialize {obj!r}: expected a {self.kind}")

    def lookup_config(self, config, custom_objects=None):
        """``(object, kwargs)`` for a config dict: the class (or function) it names and its config."""
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(
                f"Cannot deserialize a {self.kind} from {config!r}: expected a name or a dict "
                "with 'class_name' and 'config'"
            )
        if config["class_name"] == "function":
            return self.lookup(config["config"], custom_objects), None
        return self.lookup(config["class_name"], custom_objects), dict(config.get("config") or {})


__all__ = ["keras_export", "namespace_for", "lookup", "lookup_function", "public_module",
           "is_builtin", "register_keras_serializable", "get_registered_name",
           "get_registered_object", "get_custom_objects", "custom_object_scope",
           "CustomObjectScope", "class_dict", "function_dict", "Registry"]
