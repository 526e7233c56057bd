"""``Model``: layers grouped into one trainable object, built either way Keras allows.

* Functional: ``Model(inputs, outputs)`` over symbolic tensors from ``Input``.
* Subclassing: ``class Net(Model)`` with layers as attributes and a ``call``.

Both get the trainer (``compile``/``fit``/``evaluate``/``predict``), ``summary``,
``get_layer`` and, from ``Layer``, weights, ``get_weights``/``set_weights``.
"""

import numpy as np

from ..layers.keras_tensor import any_symbolic, flatten, map_structure
from ..layers.layer import Layer, unique_name
from . import functional
from .summary import print_summary
from .trainer import Trainer


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
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self.inputs, self.outputs = flatten(inputs), flatten(outputs)
        nodes = functional.sort_nodes(self.outputs)
        functional.check_graph(self.inputs, self.outputs, nodes)
        self._nodes = nodes
        ordered = []
        for node in nodes:
            if all(node.layer is not layer for layer in ordered):
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
        if self._functional:
            return list(self._functional_layers)
        return list(self._layers)

    def call(self, inputs, training=None):
        if not self._functional:
            raise NotImplementedError(
                f"Model '{self.name}' has no call(): subclass Model and define call(self, inputs), "
                "or build it functionally with Model(inputs, outputs)"
            )
        values = self._flatten_inputs(inputs)
        env = functional.run_nodes(self._nodes, self.inputs, values, training)
        outs = [env[id(t)] for t in self.outputs]
        if len(outs) == 1 and not isinstance(self._outputs_struct, (list, tuple, dict)):
            return outs[0]
        it = iter(outs)
        return map_structure(lambda _: next(it), self._outputs_struct)

    def _flatten_inputs(self, inputs):
        if isinstance(inputs, dict) and isinstance(self._inputs_struct, dict):
            missing = set(self._inputs_struct) - set(inputs)
            if missing:
                raise ValueError(f"Model '{self.name}' is missing inputs {sorted(missing)}")
            return flatten({k: inputs[k] for k in self._inputs_struct})
        if isinstance(inputs, dict):
            try:
                return [inputs[name] for name in self.input_names]
            except KeyError as e:
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
        """Keras 3's config: the layer graph as plain data (functional and Sequential models)."""
        from .serialization import model_config

        return model_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a model from ``get_config()``'s data; no code is run from the config."""
        from .serialization import model_from_config

        return model_from_config(cls, config, custom_objects=custom_objects)

    def to_json(self, **kwargs):
        import json

        from ..serialization import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    # Saving sits on the floor above models; these delegate to it (imported on use).
    def save(self, filepath, overwrite=True, **kwargs):
        """Write the model (architecture, weights, optimizer state) as a Keras 3 ``.keras`` file."""
        from ..saving import save_model

        return save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite=True):
        """Write the weights to ``.weights.h5`` (Keras layout) or ``.safetensors``."""
        from ..saving import save_weights

        return save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Read weights written by ``save_weights`` (or by Keras 3); shapes must match."""
        from ..saving import load_weights

        return load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)
