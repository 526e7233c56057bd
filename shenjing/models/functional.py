"""The graph of a functional model, read from the ``Node``s that layer calls recorded, and its
Keras 3 config.

``Input(shape)`` gives a ``KerasTensor``; a layer called on KerasTensors records a
``Node`` (the layer, its symbolic inputs and outputs). ``Model(inputs, outputs)``
walks the nodes back from the outputs, orders them so that every node comes
after the nodes it reads from, and replays them on real tensors in ``call``.

Config: ``{"name", "trainable", "layers": [layer dict + "name" + "inbound_nodes"],
"input_layers", "output_layers"}``, the layers in Keras's order (by depth from the
inputs, then by the order a walk back from the outputs first meets them), so a file
moves between shenjing and Keras with each layer in the same place.
"""

import collections

from ..layers.input_layer import Input
from ..layers.keras_tensor import KerasTensor, Node, flatten, map_structure
from ..layers.layer import Layer
from ..layers.op_node import OpNode
from ..serialization import checked_config, deserialize_keras_object, serialize_keras_object


def node_of(tensor):
    layer, node_index, _ = tensor._keras_history
    return layer._inbound_nodes[node_index]


def sort_nodes(outputs):
    """The nodes that produce ``outputs``, each after the nodes that feed it (iterative DFS)."""
    order, seen = [], set()
    stack = [(node_of(t), False) for t in reversed(outputs)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for parent in reversed(node.parent_nodes):
            if id(parent) not in seen:
                stack.append((parent, False))
    return order


def clone_graph_nodes(inputs, outputs):
    """Keras 3's ``clone_graph_nodes``: when some ``inputs`` are intermediate tensors (not from
    ``keras.Input``), each gets a new ``Input(batch_shape, dtype, name="<name>CLONE")`` (auto-named
    for an unnamed tensor) and every node between the inputs and the outputs is copied to read
    the new tensors; the layers before an intermediate input are not part of the model."""
    flat = flatten(inputs)
    if not all(isinstance(t, KerasTensor) and t._keras_history is not None for t in flat) \
            or all(node_of(t).is_input for t in flat):
        return inputs, outputs
    mapping = {id(t): t if node_of(t).is_input else Input(
        batch_shape=t.shape, dtype=t.dtype, name=f"{t.name}CLONE" if t.name else None)
        for t in flat}

    def lookup(leaf):
        return mapping.get(id(leaf), leaf) if isinstance(leaf, KerasTensor) else leaf

    def fresh(leaf):
        return KerasTensor(leaf.shape, leaf.dtype, leaf.name) if isinstance(leaf, KerasTensor) else leaf

    for node in sort_nodes([t for t in flatten(outputs) if isinstance(t, KerasTensor)]):
        if node.is_input or all(id(t) in mapping for t in node.output_tensors) \
                or not any(id(t) in mapping for t in node.input_tensors):
            continue  # an input, a node replaced by a new Input, or one before the inputs
        outputs_copy = map_structure(fresh, node.outputs)
        Node(node.layer, [map_structure(lookup, a) for a in node.call_args],
             {k: map_structure(lookup, v) for k, v in node.call_kwargs.items()}, outputs_copy)
        mapping.update((id(old), new) for old, new in zip(flatten(node.outputs), flatten(outputs_copy)))
    return map_structure(lookup, inputs), map_structure(lookup, outputs)


def check_graph(inputs, outputs, nodes):
    """Every tensor a node reads must come from the model's inputs or an earlier node."""
    for t in inputs + outputs:
        if not isinstance(t, KerasTensor) or t._keras_history is None:
            raise TypeError(
                "Model(inputs, outputs) expects symbolic tensors: inputs from keras.Input(...) and "
                f"outputs from layers called on them; received {type(t).__name__}"
            )
    known = {id(t) for t in inputs}
    for node in nodes:
        if node.is_input:
            if not any(id(t) in known for t in node.output_tensors):
                raise ValueError(
                    f"Graph disconnected: the outputs depend on the input '{node.layer.name}', which "
                    f"is not among the model's inputs {[t.name for t in inputs]}"
                )
            continue
        for t in node.input_tensors:
            if id(t) not in known:
                raise ValueError(
                    f"Graph disconnected: layer '{node.layer.name}' reads a tensor that is not "
                    "computed from the model's inputs"
                )
        known.update(id(t) for t in node.output_tensors)


def run_nodes(nodes, inputs, values, training):
    """Replay ``nodes`` with ``values`` standing for the symbolic ``inputs``; id -> value."""
    env = {id(t): v for t, v in zip(inputs, values)}

    def lookup(leaf):
        return env[id(leaf)] if isinstance(leaf, KerasTensor) else leaf

    for node in nodes:
        if node.is_input:
            continue
        args = [map_structure(lookup, a) for a in node.call_args]
        kwargs = {k: map_structure(lookup, v) for k, v in node.call_kwargs.items()}
        if training is not None:  # the model's flag wins over the node's (Keras's operation_fn)
            kwargs["training"] = training
        out = node.layer(*args, **kwargs)
        for symbolic, value in zip(flatten(node.outputs), flatten(out)):
            if isinstance(symbolic, KerasTensor):
                env[id(symbolic)] = value
    return env


def is_functional(layer):
    """Whether ``layer`` is a functional model (built from inputs and outputs)."""
    return getattr(layer, "_functional", False) is True and callable(getattr(layer, "_init_functional", None))


def _node_offset(layer):
    """In ``input_layers``/``output_layers`` (not in the nodes' arguments) Keras counts the
    nodes of a nested functional model from 1, as if it had a node of its own first."""
    return 1 if is_functional(layer) else 0


# -- Keras's layer order ----------------------------------------------------------------
def keras_layer_order(model):
    """The layers of a functional model in Keras 3's ``model.layers`` order (``map_graph``)."""
    input_ids = {id(t) for t in model.inputs}
    finished, in_progress = set(), set()
    nodes_in_order, op_index = [], {}
    layers_by_id = {}
    for output in model.outputs:
        stack = [("visit", output)]
        while stack:
            action, item = stack.pop()
            if action == "finish":
                in_progress.discard(id(item))
                finished.add(id(item))
                nodes_in_order.append(item)
                continue
            layer, node_index, _ = item._keras_history
            node = layer._inbound_nodes[node_index]
            if id(node) in finished or id(node) in in_progress:
                continue
            if not node.is_input and id(item) in input_ids:
                finished.add(id(node))
                continue
            if id(layer) not in op_index:
                op_index[id(layer)] = len(op_index)
                layers_by_id[id(layer)] = layer
            in_progress.add(id(node))
            stack.append(("finish", node))
            if not node.is_input:
                for tensor in reversed(node.input_tensors):
                    stack.append(("visit", tensor))
    in_graph = {id(n) for n in nodes_in_order}
    node_depth, op_depth = {}, {}
    for node in reversed(nodes_in_order):
        depth = node_depth.setdefault(id(node), 0)
        depth = max(depth, op_depth.get(id(node.layer), 0))
        op_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for tensor in model.inputs:
        layer, node_index, _ = tensor._keras_history
        if id(layer) not in op_depth and layer._inbound_nodes[node_index].is_input:
            op_depth[id(layer)] = 0
            op_index[id(layer)] = -1
            layers_by_id[id(layer)] = layer
    ordered = sorted(op_depth, key=lambda key: (-op_depth[key], op_index[key]))
    return [layers_by_id[key] for key in ordered]


def keras_layers(model):
    """What Keras's ``model.layers`` holds for ``model`` (input layers included when functional)."""
    if is_functional(model):
        return [layer for layer in keras_layer_order(model)
                if not getattr(layer, "_is_operation", False)]
    return list(model.layers)


def functional_config(model):
    """Keras 3's config of a functional model: its layers (each with its inbound nodes), in
    Keras's order, and the input/output layers."""
    own = {id(node) for node in model._nodes}
    operations = keras_layer_order(model)
    reindex = {}
    for layer in operations:
        kept = 0
        for i, node in enumerate(layer._inbound_nodes):
            if id(node) in own:
                reindex[(id(layer), i)] = kept
                kept += 1

    def tensor_config(tensor, offset=False):
        layer, node_index, tensor_index = tensor._keras_history
        key = (id(layer), node_index)
        if key not in reindex:
            raise ValueError(f"Model '{model.name}': the tensor {tensor!r} comes from a call of "
                             f"layer '{layer.name}' that is not part of the model")
        return [layer.name, reindex[key] + (_node_offset(layer) if offset else 0), tensor_index]

    def io_config(tensor):
        return tensor_config(tensor, offset=True)

    def serialize_arg(value):
        if isinstance(value, KerasTensor):
            return value._to_keras_dict(history=tensor_config(value))
        return serialize_keras_object(value)

    layer_configs = []
    for layer in operations:
        inbound = []
        for node in layer._inbound_nodes:
            if id(node) not in own or not node.input_tensors:
                continue
            inbound.append({"args": [map_structure(serialize_arg, a) for a in node.call_args],
                            "kwargs": {k: map_structure(serialize_arg, v)
                                       for k, v in node.call_kwargs.items()}})
        entry = serialize_keras_object(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = inbound
        layer_configs.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": map_structure(io_config, _as_struct(model._inputs_struct)),
            "output_layers": map_structure(io_config, _as_struct(model._outputs_struct))}


def _as_struct(struct):
    return list(struct) if isinstance(struct, tuple) else struct


def functional_from_config(cls, config, custom_objects=None):
    """The model of class ``cls`` that a functional config describes: each layer rebuilt,
    then called on the tensors its inbound nodes name.

    Linear in the config's size whatever the order of its layers: each layer's nodes are
    made in their order; a node that reads a node not made yet waits on that (layer, node)
    and is taken up again when it is made (Keras repeats passes over all layers instead,
    which is quadratic when the layers come in reverse order)."""
    with checked_config(config):   # the layer count and nesting, before building anything
        return _functional_from_checked_config(cls, config, custom_objects)


def _functional_from_checked_config(cls, config, custom_objects):
    created = {}
    pending = {}
    layer_order = []
    for layer_data in config["layers"]:
        if not isinstance(layer_data, dict) or "name" not in layer_data:
            raise ValueError(f"Invalid functional model config: each layer entry needs a 'name'; "
                             f"received {layer_data!r}")
        if str(layer_data.get("module") or "").startswith("keras.src.ops."):
            layer = OpNode.from_keras_config(layer_data)   # x + y, keras.ops.mean(x), ...
        else:
            layer = deserialize_keras_object(layer_data, custom_objects=custom_objects)
        if not isinstance(layer, Layer):
            raise ValueError(f"Unexpected object from deserialization of layer "
                             f"'{layer_data['name']}': expected a layer, got {type(layer).__name__}")
        name = layer_data["name"]
        if name not in created:
            layer_order.append(name)
        created[name] = layer
        pending[name] = [_PendingNode(node_data, custom_objects)
                         for node_data in (layer_data.get("inbound_nodes") or [])]

    def node_tensor(name, node_index, tensor_index):
        outputs = created[name]._inbound_nodes[node_index].output_tensors
        if not -len(outputs) <= tensor_index < len(outputs):
            raise ValueError(f"Invalid functional model configuration: node {node_index} of layer "
                             f"'{name}' has {len(outputs)} output(s); a node asks for output "
                             f"{tensor_index}")
        return outputs[tensor_index]

    def resolve(history, offset=False):
        name, node_index, tensor_index = history[0], int(history[1]), int(history[2])
        if name not in created:
            raise ValueError(f"Invalid functional model configuration: unknown layer '{name}'")
        layer = created[name]
        if offset:
            node_index -= _node_offset(layer)
        if not 0 <= node_index < len(layer._inbound_nodes):
            raise IndexError(name)
        return layer._inbound_nodes[node_index].output_tensors[tensor_index]

    done = dict.fromkeys(layer_order, 0)      # name -> how many of its pending nodes are made
    waiting = {}                              # (name, node index) -> names of layers waiting
    queue = collections.deque(layer_order)
    while queue:
        while queue:
            name = queue.popleft()
            nodes = pending[name]
            while done[name] < len(nodes):
                node = nodes[done[name]]
                missing = node.first_missing(created)
                if missing is not None:
                    waiting.setdefault(missing, []).append(name)
                    break
                args, kwargs = node.arguments(node_tensor)
                layer = created[name]
                before = len(layer._inbound_nodes)
                layer(*args, **kwargs)
                done[name] += 1
                for index in range(before, len(layer._inbound_nodes)):
                    queue.extend(waiting.pop((name, index), ()))
        # A layer may have gained nodes outside this loop (one shared with a nested model):
        # take up again the layers whose next node can now be made.
        queue.extend(name for name in layer_order if done[name] < len(pending[name])
                     and pending[name][done[name]].first_missing(created) is None)
    stuck = sorted(name for name in layer_order if done[name] < len(pending[name]))
    if stuck:
        raise ValueError("Invalid Functional model configuration. The graph of the Functional "
                         "model either has loops or disconnected nodes. The following layers "
                         f"could not be connected: {stuck}")

    def tensors(struct):
        if isinstance(struct, list) and len(struct) == 3 and isinstance(struct[0], str):
            return resolve(struct, offset=True)
        if isinstance(struct, dict):
            return {k: tensors(v) for k, v in struct.items()}
        return [tensors(v) for v in struct]

    try:
        inputs = tensors(config["input_layers"])
        outputs = tensors(config["output_layers"])
    except IndexError as error:
        raise ValueError(f"Invalid functional model configuration: layer '{error}' has no such "
                         "node in input_layers/output_layers") from None
    kwargs = {}
    if config.get("name") is not None:
        kwargs["name"] = config["name"]
    if "trainable" in config and config["trainable"] is not None:
        kwargs["trainable"] = config["trainable"]
    return cls(inputs=inputs, outputs=outputs, **kwargs)


class _PendingNode:
    """One inbound node of a config: its arguments, deserialized once, and the (layer, node)
    pairs they read, checked from where the last check stopped (each at most once)."""

    def __init__(self, node_data, custom_objects):
        if isinstance(node_data, list):  # tf.keras 2: [[name, node, tensor, kwargs], ...]
            self.legacy = True
            self.items = node_data
            histories = [item[:3] for item in node_data]
        else:
            if not isinstance(node_data, dict):
                raise ValueError("Invalid functional model configuration: an inbound node must "
                                 f"be a dict or a list; received {node_data!r}")
            self.legacy = False
            self.args = deserialize_keras_object(node_data.get("args", []), custom_objects)
            self.kwargs = deserialize_keras_object(node_data.get("kwargs", {}),
                                                   custom_objects) or {}
            histories = []
            for leaf in flatten([self.args, self.kwargs]):
                history = getattr(leaf, "_pre_serialization_keras_history", None)
                if isinstance(leaf, KerasTensor) and history is not None:
                    histories.append(history)
        self.references = []
        for history in histories:
            if not isinstance(history, (list, tuple)) or len(history) < 3:
                raise ValueError("Invalid functional model configuration: a tensor reference "
                                 f"must be [layer name, node index, tensor index]; received "
                                 f"{history!r}")
            self.references.append((history[0], _as_index(history[1]), _as_index(history[2])))
        self.checked = 0

    def first_missing(self, created):
        """The (layer name, node index) this node still waits for, or None when all exist."""
        while self.checked < len(self.references):
            name, node_index, _ = self.references[self.checked]
            if name not in created:
                raise ValueError(
                    f"Invalid functional model configuration: unknown layer '{name}'")
            if node_index >= len(created[name]._inbound_nodes):
                return (name, node_index)
            self.checked += 1
        return None

    def arguments(self, node_tensor):
        """The call's (args, kwargs) with every reference replaced by its tensor."""
        if self.legacy:
            tensors, kwargs = [], {}
            for item, (name, node_index, tensor_index) in zip(self.items, self.references):
                tensors.append(node_tensor(name, node_index, tensor_index))
                if len(item) > 3 and isinstance(item[3], dict):
                    kwargs = item[3]
            return [tensors[0] if len(tensors) == 1 else tensors], kwargs

        def revive(x):
            if isinstance(x, KerasTensor):
                history = getattr(x, "_pre_serialization_keras_history", None)
                if history is not None:
                    return node_tensor(history[0], _as_index(history[1]), _as_index(history[2]))
            return x

        args = [map_structure(revive, a) for a in self.args]
        kwargs = {k: map_structure(revive, v) for k, v in self.kwargs.items() if v is not None}
        return args, kwargs


def _as_index(value):
    """A node or tensor index of a config: a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("Invalid functional model configuration: a node or tensor index must "
                         f"be a non-negative integer; received {value!r}")
    return value
