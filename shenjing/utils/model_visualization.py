"""``keras.utils.plot_model`` and ``model_to_dot``: the model's layer graph drawn by pydot + Graphviz.

Like Keras, they need the optional ``pydot`` package and the Graphviz ``dot`` program; without
them ``plot_model`` raises ``ImportError`` naming what to install. The graph is read from the
model's public structure (``model.layers``, each layer's inbound nodes), so this file needs no
import of the model classes.
"""

import os

try:
    import pydot
except ImportError:  # optional dependency, as in Keras
    pydot = None


def check_pydot():
    return pydot is not None


def check_graphviz():
    if not check_pydot():
        return False
    try:
        pydot.Dot.create(pydot.Dot())  # runs Graphviz's `dot` on an empty graph
        return True
    except (OSError, getattr(pydot, "PydotException", OSError)):
        return False


def _shape_text(tensors):
    shapes = [tuple(t.shape) for t in tensors]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _label(layer, node, show_shapes, show_dtype, show_layer_names, show_layer_activations):
    kind = type(layer).__name__
    lines = [f"{layer.name} ({kind})" if show_layer_names else kind]
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        lines.append(f"activation: {getattr(activation, '__name__', activation)}")
    if show_shapes and node is not None:
        if node.input_tensors:
            lines.append(f"input: {_shape_text(node.input_tensors)}")
        lines.append(f"output: {_shape_text(node.output_tensors)}")
    if show_dtype:
        lines.append(f"dtype: {getattr(layer, 'dtype', None)}")
    return "\n".join(lines)


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False,
                 show_trainable=False, **kwargs):
    """A ``pydot.Dot`` with one box per layer and one edge per tensor passed between layers."""
    if not check_pydot():
        raise ImportError("You must install pydot (`pip install pydot`) for `model_to_dot` to work.")
    if not getattr(model, "built", True):
        raise ValueError("This model has not yet been built. Build the model first by calling `build()` "
                         "or by calling the model on a batch of data.")
    dot = pydot.Dot(rankdir=rankdir, dpi=dpi, concentrate=True)
    dot.set_node_defaults(shape="record")
    layers = list(model.layers)
    model_nodes = getattr(model, "_nodes", None)
    for layer in layers:
        nodes = getattr(layer, "_inbound_nodes", None) or [None]
        node = next((n for n in nodes if model_nodes is None or n in model_nodes), nodes[-1])
        label = _label(layer, node, show_shapes, show_dtype, show_layer_names, show_layer_activations)
        if show_trainable:
            label += f"\ntrainable: {'Y' if layer.trainable else 'N'}"
        dot.add_node(pydot.Node(str(id(layer)), label=label))
    if getattr(model, "_functional", False) and model_nodes is not None:
        for layer in layers:
            for node in getattr(layer, "_inbound_nodes", ()):
                if node not in model_nodes:
                    continue
                for t in node.input_tensors:
                    src = t._keras_history[0]
                    if src in layers:
                        dot.add_edge(pydot.Edge(str(id(src)), str(id(layer))))
    else:  # Sequential: each layer feeds the next
        for a, b in zip(layers, layers[1:]):
            dot.add_edge(pydot.Edge(str(id(a)), str(id(b))))
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=True,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False,
               show_trainable=False, **kwargs):
    """Draw the model's layer graph into ``to_file`` (format from its extension: png, svg, pdf, dot)."""
    if not check_pydot():
        raise ImportError("You must install pydot (`pip install pydot`) for `plot_model` to work.")
    if not check_graphviz():
        raise ImportError("You must install graphviz (see instructions at "
                          "https://graphviz.gitlab.io/download/) for `plot_model` to work.")
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir, expand_nested=expand_nested,
                       dpi=dpi, show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable)
    extension = os.path.splitext(str(to_file))[1][1:] or "png"
    dot.write(str(to_file), format=extension)
    return None
