"""Symbolic tensors for the functional API: a shape and a dtype, plus the layer call that made them.

``Input(shape)`` returns a ``KerasTensor``; calling a layer on one returns another
and records a ``Node`` (the layer, its inputs, its outputs), so a model can later
walk the graph from outputs back to inputs. No arrays are computed.
"""

from ..backend.tree import flatten, map_structure  # noqa: F401  (re-exported)
from ..registry import keras_export


@keras_export("keras.KerasTensor")
class KerasTensor:
    """A placeholder with ``shape`` (None for unknown sizes), ``dtype`` and ``name``.

    ``_keras_history`` is ``(layer, node_index, tensor_index)``: which call of which
    layer produced it.
    """

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.name = name
        self._keras_history = None

    @property
    def ndim(self):
        return len(self.shape)

    def _to_keras_dict(self, history=None):
        """Keras 3's ``{"class_name": "__keras_tensor__", ...}`` dict; ``history`` is
        ``[layer name, node index, tensor index]`` (default: from ``_keras_history``)."""
        if history is None and self._keras_history is not None:
            layer, node_index, tensor_index = self._keras_history
            history = [layer.name, node_index, tensor_index]
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(self.shape), "dtype": self.dtype, "keras_history": history}}

    @classmethod
    def _from_keras_dict(cls, config):
        """The tensor ``_to_keras_dict`` described; its history waits in
        ``_pre_serialization_keras_history`` until the model's graph is rebuilt."""
        tensor = cls(tuple(config["shape"]), dtype=config.get("dtype", "float32"))
        tensor._pre_serialization_keras_history = config.get("keras_history")
        return tensor

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"


class Node:
    """One call of ``layer``: the symbolic inputs it took and the outputs it gave."""

    def __init__(self, layer, call_args=(), call_kwargs=None, outputs=None):
        self.layer = layer
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = outputs
        self.input_tensors = [t for t in flatten(self.call_args) if isinstance(t, KerasTensor)]
        self.output_tensors = [t for t in flatten(outputs) if isinstance(t, KerasTensor)]
        self.parent_nodes = []
        for t in self.input_tensors:
            if t._keras_history is not None:
                parent_layer, node_index, _ = t._keras_history
                self.parent_nodes.append(parent_layer._inbound_nodes[node_index])
        layer._inbound_nodes.append(self)
        node_index = len(layer._inbound_nodes) - 1
        for i, t in enumerate(self.output_tensors):
            t._keras_history = (layer, node_index, i)

    @property
    def is_input(self):
        return not self.input_tensors


def any_symbolic(structure):
    return any(isinstance(leaf, KerasTensor) for leaf in flatten(structure))
