"""How many numbers one batch makes a model hold, checked before predict/evaluate allocate.

A 22 KB model can declare ``Input((8192, 8192, 1))`` then ``Conv2D(64, 3)``: its input
fits any limit, its first layer's output is 16 GiB. ``check_batch_size`` sums, over the
model's symbolic tensors (its inputs and every layer's outputs, a nested model's own
layers too), ``prod(shape[1:])``, times the batch, and refuses more than the
``max_input_elements`` limit (``SHENJING_MAX_INPUT_ELEMENTS``). When the declared shapes hold
None, a Sequential model's layers are traced with the batch's real input shape
(``compute_output_shape``); a functional model's are not, and its inputs alone are counted.
"""

import math

import numpy as np

BATCH_SIZE = 32  # evaluate's and predict's batch (Keras's default), bounded by check_batch_size


def _per_sample(shape):
    dims = tuple(shape)[1:]
    return None if any(d is None for d in dims) else math.prod(int(d) for d in dims)


def activation_elements(model, depth=0):
    """The numbers one sample makes a forward pass hold: the model's inputs plus every layer's
    outputs (a nested model's own layers counted too), from the symbolic shapes its build
    recorded; None when they are not known (a model never built, a dimension of size None)."""
    if getattr(model, "_functional", False):
        tensors = [t for node in model._nodes for t in node.output_tensors]  # inputs' nodes too
        shapes = [t.shape for t in tensors]
    elif getattr(model, "_output_shapes", None):  # a built Sequential
        shapes = [model.inputs_shape, *model._output_shapes.values()]
    else:
        return None
    counts = [_per_sample(shape) for shape in shapes]
    if None in counts:
        return None
    total = sum(counts)
    for layer in model.layers if depth < 20 else ():  # a model used as a layer: its insides
        inner = activation_elements(layer, depth + 1) if hasattr(layer, "layers") else None
        total += inner or 0
    return total


def traced_elements(model, input_shape):
    """For a one-input model whose declared shapes hold None (``Input((None, None, 1))``), the
    numbers one sample of ``input_shape`` makes it hold, traced layer by layer with
    ``compute_output_shape`` (nothing is allocated); None when a layer cannot say."""
    if input_shape is None or None in input_shape:
        return None
    sample = (1,) + tuple(input_shape)
    try:
        if getattr(model, "_functional", False):
            return _traced_functional(model, sample)
        layers = getattr(model, "_stack", None)
        if layers is None:
            return None
        shape, total = sample, math.prod(input_shape)
        for layer in layers:
            shape = tuple(layer.compute_output_shape(shape))
            total += _per_sample(shape)
        return total
    except Exception:  # noqa: BLE001 - a layer that cannot tell (or a None left): inputs only
        return None


def _traced_functional(model, sample):
    if len(model.inputs) != 1:
        return None
    shapes = {id(model.inputs[0]): sample}
    total = math.prod(sample[1:])
    for node in model._nodes:  # in the order the graph runs
        if not node.input_tensors:  # an Input's node: its tensor is the model's input
            continue
        given = [shapes[id(t)] for t in node.input_tensors]
        out = node.layer.compute_output_shape(given[0] if len(given) == 1 else given)
        outs = [out] if len(node.output_tensors) == 1 else list(out)
        for tensor, shape in zip(node.output_tensors, outs):
            shapes[id(tensor)] = tuple(shape)
            total += _per_sample(shape)
    return total


def check_batch_size(model, batch, input_shape, path):
    """Refuse, before anything is allocated, a batch whose inputs and layer outputs would hold
    more numbers than ``max_input_elements`` (a 22 KB model can declare a 16 GiB activation);
    only the inputs are counted when the layers' shapes are not known."""
    from ..safety.limits import check_limit

    total = activation_elements(model)
    if total is None:
        total = traced_elements(model, input_shape)
    if total is None:
        if input_shape is None or None in input_shape:
            return
        total, counted = int(np.prod(input_shape)), "inputs"
    else:
        counted = "inputs and layer outputs"
    check_limit("max_input_elements", batch * total,
                f"the numbers in one batch's {counted} ({batch} sample(s), input shape "
                f"{input_shape})", path)
