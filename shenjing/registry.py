"""A name table for one kind of object (initializers, regularizers, activations), with the
lookup and Keras 3 config dicts that their ``get`` / ``serialize`` / ``deserialize`` share.

    {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {...},
     "registered_name": None}

A plain function is written as ``{"class_name": "function", "config": name, ...}``.
Only names in the table or in ``custom_objects`` are ever resolved: nothing is imported.
"""

from .serialization import class_dict, function_dict


class Registry:
    def __init__(self, kind, module, base, by_name):
        self.kind, self.module, self.base, self.by_name = kind, module, base, by_name

    def lookup(self, name, custom_objects=None):
        """The object registered as ``name`` (``custom_objects`` first)."""
        if custom_objects and name in custom_objects:
            return custom_objects[name]
        try:
            return self.by_name[name]
        except KeyError:
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
