"""``Lambda``: wrap a Python function as a layer, y = function(x, **arguments).

It works in memory like Keras's (``output_shape``, ``mask``, ``arguments``; the function gets
``mask``/``training`` when its signature names them). ``get_config`` writes what Keras writes:
a Python lambda as its marshalled code (``{"class_name": "__lambda__", ...}``), a named
function as Keras's function dict. Loading is where shenjing differs on purpose: it never runs
code from a config or a file, so a config holding a lambda's code is refused (as is a
``Lambda`` layer in a ``.keras`` file, by ``serialization``); a named function registered with
``register_keras_serializable`` or passed in ``custom_objects`` is looked up by name instead.
"""

import codecs
import inspect
import marshal
import os
import types

from .layer import Layer
from ..registry import keras_export

_REFUSAL = (
    "Requested the deserialization of a `Lambda` layer whose `{what}` is a Python lambda "
    "(Python code stored in the config). shenjing never runs code from a config or a saved "
    "file. Replace the lambda by a named function decorated with "
    "@shenjing.saving.register_keras_serializable() (or pass it in custom_objects), or by a "
    "custom layer class, and save again.")


def _is_lambda(fn):
    return isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>"


def _dump(fn):
    """Keras's ``func_dump``: (base64 marshalled code, defaults, closure cell contents)."""
    raw = marshal.dumps(fn.__code__)
    if os.name == "nt":
        raw = raw.replace(b"\\", b"/")
    closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
    return codecs.encode(raw, "base64").decode("ascii"), fn.__defaults__, closure


def _serialize_function(fn):
    from ..serialization import serialize_keras_object

    if _is_lambda(fn):
        code, defaults, closure = _dump(fn)
        return {"class_name": "__lambda__",
                "config": {"code": code, "defaults": defaults, "closure": closure}}
    if callable(fn):
        return serialize_keras_object(fn)
    raise ValueError(f"Invalid input type for serialization. Received: {fn} of type {type(fn)}.")


def _deserialize_function(config, what, custom_objects):
    from ..serialization import deserialize_keras_object

    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        raise ValueError(_REFUSAL.format(what=what))
    if callable(config):
        return config
    return deserialize_keras_object(config, custom_objects=custom_objects)


@keras_export("keras.layers.Lambda")
class Lambda(Layer):
    """``Lambda(function, output_shape=None, mask=None, arguments=None)``."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Layer '{self.name}': expected a callable for `function`. "
                             f"Received: function={function!r}")
        self.arguments = dict(arguments or {})
        self.function = function
        self.supports_masking = mask is not None
        self.mask = mask
        self._output_shape = output_shape
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_expects_training_arg = "training" in params
        self._fn_expects_mask_arg = "mask" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            try:
                return super().compute_output_shape(input_shape)
            except Exception as error:
                raise NotImplementedError(
                    "We could not automatically infer the shape of the Lambda's output. Please "
                    f"specify the `output_shape` argument for this Lambda layer. ({error})") from error
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        first = input_shape
        while isinstance(first, (list, tuple)) and first and isinstance(first[0], (list, tuple)):
            first = first[0]
        batch = first[0] if first else None
        shape = self._output_shape
        if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
            return type(shape)((batch,) + tuple(s) for s in shape)
        return (batch,) + tuple(shape)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        from ..serialization import serialize_keras_object

        config = {"function": _serialize_function(self.function)}
        if self._output_shape is not None:
            config["output_shape"] = (_serialize_function(self._output_shape)
                                      if callable(self._output_shape) else self._output_shape)
        if self.mask is not None:
            config["mask"] = (_serialize_function(self.mask) if callable(self.mask)
                              else serialize_keras_object(self.mask))
        config["arguments"] = serialize_keras_object(self.arguments)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuild from a config whose functions are names (registered or in ``custom_objects``);
        a lambda's code is refused whatever ``safe_mode`` says."""
        from ..serialization import deserialize_keras_object

        config = dict(config)
        config["function"] = _deserialize_function(config["function"], "function", custom_objects)
        if "output_shape" in config:
            shape = config["output_shape"]
            if isinstance(shape, dict):
                config["output_shape"] = _deserialize_function(shape, "output_shape", custom_objects)
            elif isinstance(shape, list) and all(isinstance(e, (int, type(None))) for e in shape):
                config["output_shape"] = tuple(shape)
        if isinstance(config.get("mask"), dict):
            config["mask"] = _deserialize_function(config["mask"], "mask", custom_objects)
        if "arguments" in config:
            config["arguments"] = deserialize_keras_object(config["arguments"],
                                                           custom_objects=custom_objects)
        return cls(**config)


__all__ = ["Lambda"]
