"""``Sequential``: a plain stack of layers, each feeding the next.

When the input shape is known (an ``Input``/``InputLayer`` first, ``input_shape=`` on
the first layer, or a first layer that knows its ``input_shape``, such as a built
Sequential or a functional model), the stack is built at once, so
``summary()`` and ``count_params()`` work before any data is seen; otherwise it is
built from the first batch it is called on.

Adding is O(1) per layer, so a config of n layers loads in O(n): the names in the
stack are kept in a set (checked on add, released on pop), and a model already
built is extended by calling the new layer on the last symbolic output instead of
being rebuilt from its input.
"""

from ..layers.keras_tensor import KerasTensor
from ..layers.layer import Layer, unique_name
from ..layers.masking_utils import attach_masks
from ..layers import InputLayer, Input
from ..registry import keras_export
from ..safety import ResourceLimitError
from ..serialization import checked_config, deserialize_keras_object, serialize_keras_object
from .model import Model, _as_input


@keras_export("keras.Sequential", "keras.models.Sequential")
class Sequential(Model):
    """``Sequential(layers=None, trainable=True, name=None)``; ``add``, ``pop``."""

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name or unique_name("sequential"))
        self._stack = []
        self._stack_names = set()    # the names of the layers in _stack, as they were added
        self._input_layer = None
        self._output_shapes = {}
        self._last_output = None     # the symbolic output of the last build, to extend it
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._build_if_shape_known()

    def add(self, layer, rebuild=True):
        """Append ``layer`` (an ``Input`` tensor or ``InputLayer`` may come first)."""
        if isinstance(layer, KerasTensor):
            history = layer._keras_history
            layer = history[0] if history else None
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ValueError(
                    f"Sequential model '{self.name}': an Input/InputLayer can only be the first layer"
                )
            self._input_layer = layer
        elif not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `keras.Layer` can be added to a Sequential model. "
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        else:
            if layer.name in self._stack_names and any(   # checked again: a layer may be renamed
                    existing.name == layer.name for existing in self._stack):
                raise ValueError(
                    "All layers added to a Sequential model should have unique names. "
                    f"Name '{layer.name}' is already the name of a layer in this model. "
                    "Update the `name` argument to pass a unique name."
                )
            extend = self.__dict__.get("_build_done") and self._last_output is not None
            self._stack.append(layer)
            self._stack_names.add(layer.name)
            self._track(layer)
            if rebuild and extend:
                self._extend_build(layer)
                return
        self._unbuild()
        if rebuild:
            self._build_if_shape_known()

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        if not any(other.name == layer.name for other in self._stack):
            self._stack_names.discard(layer.name)
        self._layers[:] = [l for l in self._layers if l is not layer]
        self._tracked_ids.discard(id(layer))
        self._unbuild()
        if rebuild:
            self._build_if_shape_known()
        return layer

    @property
    def layers(self):
        return list(self._stack)

    def _unbuild(self):
        """The stack changed: the next call or ``build`` builds it again (new layers get weights)."""
        self.built = False
        object.__setattr__(self, "_build_done", False)
        self._last_output = None

    def _known_input_shape(self):
        """The batch shape the stack takes, when known before any data: an ``InputLayer``'s,
        the first layer's ``input_shape=``, or (with a layer after it, as Keras 3's
        ``_maybe_rebuild``) the ``input_shape`` of a first layer that has one, e.g. a built
        Sequential or a functional model of one input."""
        if self._input_layer is not None:
            return tuple(self._input_layer.batch_shape)
        if not self._stack:
            return None
        first = self._stack[0]
        if first._batch_input_shape is not None:
            return tuple(first._batch_input_shape)
        if len(self._stack) > 1:
            shape = getattr(first, "input_shape", None)   # AttributeError (unbuilt) gives None
            if isinstance(shape, tuple) and all(d is None or isinstance(d, int) for d in shape):
                return shape
        return None

    def _build_if_shape_known(self):
        shape = self._known_input_shape()
        if shape is not None and self._stack:
            self.build(shape)

    def build(self, input_shape=None):
        """Run the stack on a symbolic input of ``input_shape``, building every layer."""
        # The batch size stays, as in Keras 3: a stateful RNN needs it; other batch sizes still
        # run (the model's input check ignores the batch axis).
        shape = tuple(input_shape) if input_shape is not None else self._known_input_shape()
        declared = self._known_input_shape()
        if shape is not None and shape[0] is None and declared is not None:
            shape = (declared[0],) + tuple(shape[1:])
        if shape is None:
            raise ValueError(f"Sequential model '{self.name}' cannot be built without an input shape")
        x = Input(batch_shape=shape)
        self._output_shapes = {}
        for layer in self._stack:
            x = self._call_symbolic(layer, x)
        self.inputs_shape = shape
        self.output_names = [self._stack[-1].name] if self._stack else []
        self._last_output = x

    def _call_symbolic(self, layer, x):
        """``layer(x)`` on the symbolic output of the layers before it; records its shape."""
        try:
            x = layer(x)
        except ResourceLimitError:   # a load's budget refused a weight: its message says all
            raise
        except ValueError as error:
            raise ValueError(
                f"Sequential model '{self.name}': layer '{layer.name}' cannot take the output of "
                f"the layer before it (shape {tuple(x.shape)}): {error}"
            ) from error
        self._output_shapes[id(layer)] = tuple(x.shape)
        return x

    def _extend_build(self, layer):
        """A built model gained ``layer`` at its end: build that layer alone (O(1) per add)."""
        try:
            self._last_output = self._call_symbolic(layer, self._last_output)
        except BaseException:
            self._unbuild()
            raise
        self.output_names = [layer.name]

    def _standardize_inputs(self, inputs):
        """The one input array, as Keras 3's functional models take it: ``inputs[name]`` when
        ``inputs`` is a dict holding the input layer's name, ``inputs[0]`` for a list or tuple
        of one array; else ``inputs`` as given."""
        if isinstance(inputs, dict) and self._input_layer is not None:
            name = self._input_layer.name
            if name in inputs:
                return inputs[name]
        if isinstance(inputs, (list, tuple)) and len(inputs) == 1 and not isinstance(
                inputs[0], (int, float, list, tuple)):
            return inputs[0]
        return inputs

    @property
    def _autocast_inputs(self):
        """With an ``Input`` first, inputs take its dtype in ``call`` (Keras's Sequential runs
        its functional graph), not the compute dtype."""
        return self._input_layer is None

    def call(self, inputs, training=None, mask=None):
        x = self._standardize_inputs(inputs)
        if self._input_layer is not None:
            x = _as_input(x, self._input_layer, self._input_layer.batch_shape)
        if mask is not None:  # the first layer gets it as its input's mask (Keras 3)
            (x,) = attach_masks([x], [mask])
        for layer in self._stack:  # as Keras: training passed on only when given
            x = layer(x) if training is None else layer(x, training=training)
        return x

    @property
    def input_shape(self):
        """``(None, ...)`` once built, as Keras's ``Sequential.input_shape``."""
        if not self._output_shapes:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")
        return self.inputs_shape

    @property
    def output_shape(self):
        """The last layer's output shape once built, as Keras's ``Sequential.output_shape``."""
        if not self._stack or id(self._stack[-1]) not in self._output_shapes:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output shape yet.")
        return self._output_shapes[id(self._stack[-1])]

    def compute_output_shape(self, input_shape):
        if self._stack and id(self._stack[-1]) in self._output_shapes:
            return self._output_shapes[id(self._stack[-1])]
        return super().compute_output_shape(input_shape)

    # -- configuration ----------------------------------------------------------------
    def get_config(self):
        """Keras 3's config: ``{"name", "trainable", "dtype", "layers": [InputLayer, ...],
        "build_input_shape"}``."""
        layers = []
        shape = self._known_input_shape() or getattr(self, "inputs_shape", None)
        if shape is not None:
            first = self._input_layer
            input_config = {"batch_shape": list(shape), "dtype": first.dtype if first else "float32",
                            "sparse": False, "ragged": False,
                            "name": first.name if first else "input_layer", "optional": False}
            layers.append({"module": "keras.layers", "class_name": "InputLayer",
                           "config": input_config, "registered_name": None})
        layers.extend(serialize_keras_object(layer) for layer in self._stack)
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": self.dtype_policy.serialize(), "layers": layers}
        if shape is not None:
            config["build_input_shape"] = list(shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The stack a ``get_config()`` dict (or tf.keras 2's bare list of layers) describes."""
        if isinstance(config, list):   # tf.keras 2: a bare list
            config = {"layers": config}
        with checked_config(config):   # the layer count and nesting, before building anything
            return cls._from_checked_config(config, custom_objects)

    @classmethod
    def _from_checked_config(cls, config, custom_objects):
        if not isinstance(config, dict):
            raise ValueError(f"A model config must be a dict; received {type(config).__name__}")
        layer_configs = config.get("layers")
        if not isinstance(layer_configs, list):
            raise ValueError(f"Sequential config has no list of 'layers': {sorted(config)}")
        kwargs = {}
        if config.get("name") is not None:
            kwargs["name"] = config["name"]
        if "trainable" in config:
            kwargs["trainable"] = config["trainable"]
        model = cls(**kwargs)
        for layer_config in layer_configs:
            layer = deserialize_keras_object(layer_config, custom_objects=custom_objects)
            if not isinstance(layer, Layer):
                entry = (layer_config.get("class_name") if isinstance(layer_config, dict)
                         else layer_config)
                raise ValueError(f"Sequential model '{model.name}': the config entry "
                                 f"{entry!r} did not give a layer")
            model.add(layer, rebuild=False)
        shape = config.get("build_input_shape")
        if model._known_input_shape() is not None:
            model._build_if_shape_known()
        elif shape is not None and model.layers:
            model.build(tuple(shape))
        return model

    def build_from_config(self, config):
        Layer.build_from_config(self, config)

    def get_build_config(self):
        shape = getattr(self, "inputs_shape", None) or self._known_input_shape()
        return None if shape is None else {"input_shape": list(shape)}
