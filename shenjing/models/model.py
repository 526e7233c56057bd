"""``Model``: layers grouped into one trainable object, built either way Keras allows.

* Functional: ``Model(inputs, outputs)`` over symbolic tensors from ``Input``.
* Subclassing: ``class Net(Model)`` with layers as attributes and a ``call``.

Both get the trainer (``compile``/``fit``/``evaluate``/``predict``), ``summary``,
``get_layer`` and, from ``Layer``, weights, ``get_weights``/``set_weights``.
"""

import numpy as np

from ..autograd import Tensor, no_grad
from ..autograd import ops as autograd_ops
from ..layers.keras_tensor import any_symbolic, flatten, map_structure
from ..layers.layer import Layer, unique_name
from ..layers.masking_utils import attach_masks, keep_mask
from ..registry import keras_export
from ..serialization import serialize_keras_object
from . import functional
from .summary import print_summary
from .trainer import Trainer


def _is_shape(value):
    return isinstance(value, (list, tuple)) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value)


def _as_input_dtype(value, spec):
    """``value`` cast to the numeric or bool dtype of its symbolic ``Input`` (a string input,
    or a value that is not a numeric Tensor, is left as it is)."""
    try:
        dtype = np.dtype(spec.dtype)
    except TypeError:   # "string"
        return value
    if (not isinstance(value, Tensor) or value.dtype == dtype or dtype.kind not in "fiub"
            or value.dtype.kind not in "fiub"):
        return value
    return keep_mask(value, autograd_ops.cast(value, dtype))


def _as_input_rank(value, batch_shape):
    """Keras 3's ``Functional._adjust_input_rank``: a value one axis short of its ``Input`` whose
    last size is 1 gets that axis (shape (n,) for Input((1,))); one with an extra last axis of
    size 1 loses it. Other values are left for the layers to check."""
    ndim, rank = getattr(value, "ndim", None), len(batch_shape)
    if ndim == rank - 1 and batch_shape[-1] == 1:
        return keep_mask(value, autograd_ops.expand_dims(value, -1))
    if ndim == rank + 1 and value.shape[-1] == 1:
        return keep_mask(value, autograd_ops.squeeze(value, -1))
    return value


def _as_input(value, spec, batch_shape):
    """``value`` as its ``Input`` takes it: that dtype, then that rank."""
    return _as_input_rank(_as_input_dtype(value, spec), batch_shape)


@keras_export("keras.Model", "keras.models.Model", "keras.src.models.functional.Functional")
class Model(Trainer, Layer):
    """``Model(inputs, outputs, name=None)`` or a subclass that defines ``call``."""

    # The saver's walk does not enter the model's bookkeeping (it saves the optimizer and
    # the layers itself); see saving/state.py.
    _saving_skipset = Layer._saving_skipset | frozenset((
        "_functional_layers", "_stack", "_input_layer", "_nodes", "inputs", "outputs",
        "_inputs_struct", "_outputs_struct", "optimizer", "_compiled_loss", "_compiled_metrics",
        "_loss_tracker", "history",
    ))

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if len(args) > 0 else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        if (inputs is None) != (outputs is None):
            raise ValueError("A functional Model needs both `inputs` and `outputs`")
        self.history = None
        if inputs is None:
            super().__init__(**kwargs)
            self._functional = False
            return
        kwargs.setdefault("name", unique_name("functional"))
        super().__init__(**kwargs)
        self._init_functional(inputs, outputs)

    def _init_functional(self, inputs, outputs):
        object.__setattr__(self, "_functional", True)
        inputs, outputs = functional.clone_graph_nodes(inputs, outputs)
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self.inputs, self.outputs = flatten(inputs), flatten(outputs)
        nodes = functional.sort_nodes(self.outputs)
        functional.check_graph(self.inputs, self.outputs, nodes)
        self._nodes = nodes
        ordered, seen = [], set()
        for node in nodes:   # each layer once, in node order (a set: linear in the graph)
            if id(node.layer) not in seen:
                seen.add(id(node.layer))
                ordered.append(node.layer)
        self._functional_layers = ordered
        for layer in ordered:
            self._track(layer)
        self.output_names = [functional.node_of(t).layer.name for t in self.outputs]
        self.input_names = [functional.node_of(t).layer.name for t in self.inputs]
        self.built = True

    def __call__(self, inputs, *args, **kwargs):
        if self._build_input_shape is None and not self._functional and not any_symbolic(inputs):
            # A subclassed model is never "built" from shapes; remember the first input's
            # shape (batch axis None) so that saving can write Keras's build_config.
            self._build_input_shape = map_structure(
                lambda leaf: (None,) + tuple(np.shape(getattr(leaf, "data", leaf)))[1:], inputs)
        return super().__call__(inputs, *args, **kwargs)

    @property
    def layers(self):
        if self._functional:  # a keras.ops node (x + y) is no layer, as in Keras
            return [layer for layer in self._functional_layers
                    if not getattr(layer, "_is_operation", False)]
        return list(self._layers)

    def call(self, inputs, training=None, mask=None):
        """Run the graph on ``inputs``; ``mask`` (one per input, or None) is attached to them
        first, and the layers pass it on as Keras 3's Functional does."""
        if not self._functional:
            raise NotImplementedError(
                f"Model '{self.name}' has no call(): subclass Model and define call(self, inputs), "
                "or build it functionally with Model(inputs, outputs)"
            )
        values = [_as_input(value, spec, spec.shape)
                  for value, spec in zip(self._flatten_inputs(inputs), self.inputs)]
        if mask is not None:
            values = attach_masks(values, flatten(mask))
        env = functional.run_nodes(self._nodes, self.inputs, values, training)
        outs = [env[id(t)] for t in self.outputs]
        if len(outs) == 1 and not isinstance(self._outputs_struct, (list, tuple, dict)):
            return outs[0]
        it = iter(outs)
        return map_structure(lambda _: next(it), self._outputs_struct)

    @property
    def _autocast_inputs(self):
        """A functional model converts each input to its ``Input``'s dtype in ``call``
        (Keras's Functional), not to the compute dtype: ``Input(dtype="uint8")`` stays uint8."""
        return not self._functional

    def _flatten_inputs(self, inputs):
        if isinstance(inputs, dict) and isinstance(self._inputs_struct, dict):
            missing = set(self._inputs_struct) - set(inputs)
            if missing:
                raise ValueError(f"Model '{self.name}' is missing inputs {sorted(missing)}")
            return flatten({k: inputs[k] for k in self._inputs_struct})
        if isinstance(inputs, dict):
            try:
                return [inputs[name] for name in self.input_names]
            except KeyError:
                raise ValueError(
                    f"Model '{self.name}' expects inputs named {self.input_names}; received keys {sorted(inputs)}"
                ) from None
        values = flatten(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(values) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s) {self.input_names}, "
                f"but it received {len(values)}"
            )
        return values

    @property
    def input(self):
        """A functional model's inputs as given to its constructor (Keras's Functional)."""
        return self._inputs_struct if self._functional else super().input

    @property
    def output(self):
        """A functional model's outputs as given to its constructor (Keras's Functional)."""
        return self._outputs_struct if self._functional else super().output

    @property
    def input_shape(self):
        """A functional model's input shape (a list for several inputs), as Keras's Functional."""
        return self._io_shape("inputs", "input")

    @property
    def output_shape(self):
        """A functional model's output shape (a list for several outputs), as Keras's Functional."""
        return self._io_shape("outputs", "output")

    def _io_shape(self, attr, kind):
        if not self._functional:
            raise AttributeError(f"Model '{self.name}' (subclassed) has no defined {kind} shape; "
                                 "call compute_output_shape(input_shape) instead")
        shapes = [tuple(t.shape) for t in getattr(self, attr)]
        return shapes[0] if len(shapes) == 1 else shapes

    def compute_output_shape(self, input_shape):
        if self._functional:
            shapes = [tuple(t.shape) for t in self.outputs]
            return shapes[0] if len(shapes) == 1 else shapes
        return super().compute_output_shape(input_shape)

    def get_layer(self, name=None, index=None):
        """The layer called ``name``, or at position ``index`` in ``layers``."""
        if index is not None and name is not None:
            raise ValueError("Provide only one of `name` or `index`, not both")
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"Model '{self.name}' has {len(layers)} layers; index {index} is out of range")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[l.name for l in layers]}.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print the layers, their output shapes and parameter counts as Keras does."""
        print_summary(self, line_length=line_length, print_fn=print_fn, show_trainable=show_trainable)

    # -- configuration and files ------------------------------------------------------
    def get_config(self):
        """Keras 3's config: the layer graph as plain data (functional models; Sequential has
        its own); for a subclassed model, called through ``super().get_config()`` from its own
        ``get_config``, the base layer's config."""
        if functional.is_functional(self):
            return functional.functional_config(self)
        if type(self).get_config is Model.get_config:
            raise ValueError(
                f"Model '{self.name}' of class {type(self).__name__} is a subclassed model, whose "
                "architecture is Python code and cannot be written as data. To save it, implement "
                "get_config() (returning its constructor arguments: "
                "`return {**super().get_config(), 'units': self.units}`) and register the class "
                "with @shenjing.saving.register_keras_serializable(); or save only its weights "
                "with model.save_weights('model.weights.h5').")
        return Layer.get_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a model from ``get_config()``'s data; no code is run from the config."""
        if not isinstance(config, dict):
            raise ValueError(f"A model config must be a dict; received {type(config).__name__}")
        if "layers" in config and "input_layers" in config and "output_layers" in config:
            return functional.functional_from_config(cls, config, custom_objects)
        if cls is Model:
            raise ValueError(f"Cannot rebuild a Model from config {sorted(config)}: a functional "
                             "config needs 'layers', 'input_layers' and 'output_layers'")
        try:
            return cls(**config)
        except TypeError as error:
            raise TypeError(
                f"Unable to revive model of class {cls.__name__} from config {config}: {error}. A "
                "subclassed model needs get_config() to return its constructor arguments (or a "
                "from_config() classmethod that rebuilds it).") from error

    def _keras_class_names(self):
        """(module, class_name, registered_name) as Keras writes a functional model."""
        if type(self) is Model and self._functional:
            return "keras.src.models.functional", "Functional", "Functional"
        return None

    def get_build_config(self):
        """``{"input_shape": ...}``: None for a functional model (its inputs say it); for a
        subclassed one, the shape of its first call."""
        if self._functional:
            return {"input_shape": None}
        shape = self._build_input_shape
        if shape is None:
            # A subclassed model built by its first call does not record the shape; the first
            # sublayer it tracks usually takes the model's input (a wrong guess fails loudly on
            # loading, when the weights' shapes are checked).
            self._sync_tracking()
            first = next((layer for layer in self._layers if isinstance(layer, Layer)), None)
            shape = getattr(first, "_build_input_shape", None) if first is not None else None
        if shape is None:
            return None
        return {"input_shape": list(shape) if isinstance(shape, tuple) else shape}

    def build_from_config(self, config):
        """Create a subclassed model's weights as Keras's ``Model.build`` does: one call on
        zeros of the recorded input shape(s) (None sizes as 1)."""
        if self._functional:
            return
        shape = config.get("input_shape") if isinstance(config, dict) else None
        if shape is None or self.weights:
            return

        def inputs_for(item):
            if _is_shape(item):
                return np.zeros(tuple(1 if d is None else d for d in item), dtype=self.compute_dtype)
            if isinstance(item, dict):
                return {k: inputs_for(v) for k, v in item.items()}
            return [inputs_for(s) for s in item]

        with no_grad():
            self(inputs_for(shape), training=False)
        object.__setattr__(self, "_build_input_shape", tuple(shape) if _is_shape(shape) else shape)

    def to_json(self, **kwargs):
        import json

        return json.dumps(serialize_keras_object(self), **kwargs)

    # Saving sits on the floor above models; these delegate to it (imported on use).
    def save(self, filepath, overwrite=True, **kwargs):
        """Write the model (architecture, weights, optimizer state) as a Keras 3 ``.keras`` file.
        A replaced file keeps its mode and owner; a symbolic link is written through to its target."""
        from ..saving import save_model

        return save_model(self, filepath, overwrite=overwrite, **kwargs)

    def __reduce__(self):
        """Pickling (and ``copy.deepcopy``) goes through the ``.keras`` file, as in Keras 3:
        the payload is the file's bytes, and unpickling reads them with the safe loader
        (``saving.model_from_bytes``: nothing executed, the usual limits), compiled as saved."""
        from ..saving.saving_lib import model_from_bytes, model_to_bytes

        return (model_from_bytes, (model_to_bytes(self),))

    def save_weights(self, filepath, overwrite=True):
        """Write the weights to ``.weights.h5`` (Keras layout) or ``.safetensors``."""
        from ..saving import save_weights

        return save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Read weights written by ``save_weights`` (or by Keras 3); shapes must match."""
        from ..saving import load_weights

        return load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)
