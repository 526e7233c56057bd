"""The graph of a functional model, read from the ``Node``s that layer calls recorded.

``Input(shape)`` gives a ``KerasTensor``; a layer called on KerasTensors records a
``Node`` (the layer, its symbolic inputs and outputs). ``Model(inputs, outputs)``
walks the nodes back from the outputs, orders them so that every node comes
after the nodes it reads from, and replays them on real tensors in ``call``.
"""

from ..layers.keras_tensor import KerasTensor, flatten, map_structure


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
        out = node.layer(*args, training=training, **kwargs)
        for symbolic, value in zip(flatten(node.outputs), flatten(out)):
            if isinstance(symbolic, KerasTensor):
                env[id(symbolic)] = value
    return env
