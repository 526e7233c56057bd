"""``model.summary()``: the layer table that Keras 3 prints, with the same parameter counts.

    Model: "sequential"
    ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┓
    ┃ Layer (type)                ┃ Output Shape           ┃     Param # ┃
    ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━┩
    │ dense (Dense)               │ (None, 10)             │       7,850 │
    └─────────────────────────────┴────────────────────────┴─────────────┘
     Total params: 7,850 (30.66 KB)
"""

import numpy as np


def readable_size(nbytes):
    for unit in ("B", "KB", "MB", "GB"):
        if nbytes < 1024 or unit == "GB":
            return f"{nbytes:.2f} {unit}"
        nbytes /= 1024


def _count(weights):
    """(parameter count, bytes): each weight counted once by identity for the bytes, as
    Keras's ``weight_memory_size``."""
    n = sum(int(np.prod(w.shape)) for w in weights)
    unique = {id(w): w for w in weights}.values()
    size = sum(int(np.prod(w.shape)) * np.dtype(w.dtype).itemsize for w in unique)
    return n, size


def _output_shape(model, layer):
    shapes = getattr(model, "_output_shapes", None)
    if shapes and id(layer) in shapes:
        return shapes[id(layer)]
    nodes = getattr(layer, "_inbound_nodes", None)
    if nodes:
        outs = nodes[-1].output_tensors
        if outs:
            return tuple(outs[0].shape) if len(outs) == 1 else [tuple(t.shape) for t in outs]
    return "?"


def _connections(model, layer):
    if not getattr(model, "_functional", False):
        return None
    parts = []
    for node in layer._inbound_nodes:
        if node not in getattr(model, "_nodes", ()):
            continue
        for t in node.input_tensors:
            src, index, tensor_index = t._keras_history
            parts.append(f"{src.name}[{index}][{tensor_index}]")
    return ", ".join(parts) if parts else "-"


def _params(layer):
    """Keras's Param # cell: the count, or ``0 (unbuilt)``."""
    return f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"


def _class_name(layer):
    """Keras's type cell: an operation's Keras class, ``Functional`` for ``Model(inputs,
    outputs)`` itself (Keras's class of it), else the layer's class."""
    if getattr(layer, "_is_operation", False):
        kind = getattr(getattr(layer, "op", None), "keras_class_name", None)
        if kind:
            return kind
    if type(layer).__name__ == "Model" and getattr(layer, "_functional", False):
        return "Functional"
    return type(layer).__name__


def print_summary(model, line_length=None, print_fn=None, show_trainable=False):
    print_fn = print_fn or print
    layers = model.layers
    if getattr(model, "_functional", False):  # keras.ops nodes (x + y) are rows too
        layers = list(getattr(model, "_functional_layers", layers))
    sequential_like = not getattr(model, "_functional", False) or type(model).__name__ == "Sequential"
    headers = ["Layer (type)", "Output Shape", "Param #"]
    rows = []
    for layer in layers:
        row = [f"{layer.name} ({_class_name(layer)})", str(_output_shape(model, layer)), _params(layer)]
        if not sequential_like:
            row.append(_connections(model, layer) or "-")
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        rows.append(row)
    if not sequential_like:
        headers.append("Connected to")
    if show_trainable:
        headers.append("Trainable")
    widths = [max(len(h), *(len(r[i]) for r in rows)) + 2 if rows else len(h) + 2 for i, h in enumerate(headers)]
    widths[0] = max(widths[0], 31)
    widths[1] = max(widths[1], 22)
    widths[2] = max(widths[2], 13)
    right = {2}

    def line(cells, left, mid, end):
        out = []
        for i, (cell, w) in enumerate(zip(cells, widths)):
            text = cell.rjust(w - 2) if i in right else cell.ljust(w - 2)
            out.append(f" {text} ")
        return left + mid.join(out) + end

    def rule(left, fill, mid, end):
        return left + mid.join(fill * w for w in widths) + end

    print_fn(f'Model: "{model.name}"')
    print_fn(rule("┏", "━", "┳", "┓"))
    print_fn(line(headers, "┃", "┃", "┃"))
    print_fn(rule("┡", "━", "╇", "┩"))
    for i, row in enumerate(rows):
        print_fn(line(row, "│", "│", "│"))
        if i < len(rows) - 1:   # Keras 3 rules every row off (rich show_lines)
            print_fn(rule("├", "─", "┼", "┤"))
    print_fn(rule("└", "─", "┴", "┘"))
    trainable, trainable_size = _count(model.trainable_weights)
    frozen, frozen_size = _count(model.non_trainable_weights)
    # Keras: the optimizer's state counts (in the total too) once it is built by a first step.
    optimizer = getattr(model, "optimizer", None)
    optimizer_built = (getattr(model, "compiled", False) and optimizer is not None
                       and getattr(optimizer, "built", False))
    opt, opt_size = _count(list(optimizer.variables)) if optimizer_built else (0, 0)
    total, total_size = trainable + frozen + opt, trainable_size + frozen_size + opt_size
    print_fn(f" Total params: {total:,} ({readable_size(total_size)})")
    print_fn(f" Trainable params: {trainable:,} ({readable_size(trainable_size)})")
    print_fn(f" Non-trainable params: {frozen:,} ({readable_size(frozen_size)})")
    if optimizer_built:
        print_fn(f" Optimizer params: {opt:,} ({readable_size(opt_size)})")
