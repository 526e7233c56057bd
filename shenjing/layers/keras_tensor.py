"""Symbolic tensors for the functional API: a shape and a dtype, plus the layer call that made them.

``Input(shape)`` returns a ``KerasTensor``; calling a layer on one returns another
and records a ``Node`` (the layer, its inputs, its outputs), so a model can later
walk the graph from outputs back to inputs. No arrays are computed.
"""

from .. import ops as _ops
from ..backend.tree import flatten, map_structure  # noqa: F401  (re-exported)
from ..registry import keras_export


@keras_export("keras.KerasTensor")
class KerasTensor:
    """A placeholder with ``shape`` (None for unknown sizes), ``dtype`` and ``name``.

    ``_keras_history`` is ``(layer, node_index, tensor_index)``: which call of which
    layer produced it.

    Python's operators call the ``keras.ops`` of the same name (``x + y`` is
    ``ops.add(x, y)``, ``x[..., :3]`` is ``ops.get_item``), so each records a graph node, as
    in Keras 3. ``==`` stays identity (tensors are dictionary keys); ``!=`` is ``not_equal``.
    """

    _is_symbolic = True
    __array_ufunc__ = None  # ``np_array + x`` defers to ``x.__radd__``

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

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a Python `bool`: its value "
                        "is only known when the model runs. Use keras.ops.cond or ops.where.")

    def __iter__(self):
        raise TypeError("A symbolic KerasTensor cannot be iterated over: its size is only known "
                        f"when the model runs. Received: shape={self.shape}")

    __hash__ = object.__hash__

    # -- operators: each one keras.ops call (Keras 3's KerasTensor) ----------------------
    def __add__(self, other):
        return _ops.add(self, other)

    def __radd__(self, other):
        return _ops.add(other, self)

    def __sub__(self, other):
        return _ops.subtract(self, other)

    def __rsub__(self, other):
        return _ops.subtract(other, self)

    def __mul__(self, other):
        return _ops.multiply(self, other)

    def __rmul__(self, other):
        return _ops.multiply(other, self)

    def __truediv__(self, other):
        return _ops.true_divide(self, other)

    def __rtruediv__(self, other):
        return _ops.true_divide(other, self)

    def __floordiv__(self, other):
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _ops.floor_divide(other, self)

    def __mod__(self, other):
        return _ops.mod(self, other)

    def __rmod__(self, other):
        return _ops.mod(other, self)

    def __pow__(self, other):
        return _ops.power(self, other)

    def __rpow__(self, other):
        return _ops.power(other, self)

    def __matmul__(self, other):
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.matmul(other, self)

    def __neg__(self):
        return _ops.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.absolute(self)

    def __lt__(self, other):
        return _ops.less(self, other)

    def __le__(self, other):
        return _ops.less_equal(self, other)

    def __gt__(self, other):
        return _ops.greater(self, other)

    def __ge__(self, other):
        return _ops.greater_equal(self, other)

    def __ne__(self, other):
        return _ops.not_equal(self, other)

    def _logical(self, name, *operands):
        op = getattr(_ops, name, None)
        if op is None:
            raise TypeError(f"keras.ops.{name} is not available in shenjing yet; it is needed "
                            f"for this operator on a KerasTensor of shape {self.shape}")
        return op(*operands)

    def __and__(self, other):
        return self._logical("logical_and", self, other)

    def __rand__(self, other):
        return self._logical("logical_and", other, self)

    def __or__(self, other):
        return self._logical("logical_or", self, other)

    def __ror__(self, other):
        return self._logical("logical_or", other, self)

    def __xor__(self, other):
        return self._logical("logical_xor", self, other)

    def __rxor__(self, other):
        return self._logical("logical_xor", other, self)

    def __invert__(self):
        return self._logical("logical_not", self)

    def __round__(self, ndigits=None):
        return self._logical("round", self, ndigits or 0)

    def __getitem__(self, key):
        return _ops.get_item(self, key)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"


class Node:
    """One call of ``layer``: the symbolic inputs it took and the outputs it gave."""

    def __init__(self, layer, call_args=(), call_kwargs=None, outputs=None):
        self.layer = layer
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = outputs
        # Tensors in keyword arguments (an RNN's initial_state) are inputs too, as in Keras 3.
        kwargs_leaves = flatten([self.call_kwargs[k] for k in sorted(self.call_kwargs)])
        self.input_tensors = [t for t in flatten(self.call_args) + kwargs_leaves
                              if isinstance(t, KerasTensor)]
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


def is_keras_tensor(x):
    """``keras.utils.is_keras_tensor``: whether ``x`` is a symbolic (functional-graph) tensor."""
    return isinstance(x, KerasTensor)


def get_source_inputs(tensor):
    """``keras.utils.get_source_inputs``: the graph's input tensors that ``tensor`` was computed
    from, each once, in the order met walking the calls' inputs depth first. A tensor without
    history is its own source."""
    if not hasattr(tensor, "_keras_history"):
        return tensor
    if tensor._keras_history is None:
        return [tensor]
    layer, node_index, _ = tensor._keras_history
    if not layer._inbound_nodes:
        return [tensor]
    node = layer._inbound_nodes[node_index]
    if node.is_input:
        return list(node.output_tensors)
    sources = []
    for t in node.input_tensors:
        for x in get_source_inputs(t):
            if all(x is not s for s in sources):
                sources.append(x)
    return sources
