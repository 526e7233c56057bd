"""Where each weight lives in a Keras 3 weights file, and moving weights in and out.

Keras 3 walks a model as ``saving_lib._save_state`` does: a model's ``layers`` first
(Sequential and functional), then its attributes in sorted order (private ones
last), each layer or optimizer under its attribute's name and each element of a
list or dict under its class name in snake case, numbered on repeats
(``layers/dense``, ``layers/dense_1``, ``blocks/batch_normalization``). An object's
own variables go to ``<path>/vars/0``, ``1``, ... (a layer: trainable then
non-trainable, in creation order; the optimizer: Keras's ``optimizer.variables``).

Loading validates everything (every group, count and shape) before it assigns
anything, so a file that does not fit leaves the model as it was.
"""

import warnings

import numpy as np

from ..layers.layer import Layer
from ..layers.layer_utils import to_snake_case
from ..optimizers.optimizer import Optimizer

# Attributes of shenjing's own bookkeeping (Keras skips the attributes of its base Layer).
_SKIP = frozenset((
    "_layers", "_functional_layers", "_stack", "_input_layer", "_trainable_variables",
    "_non_trainable_variables", "_inbound_nodes", "_nodes", "_tracked_ids",
    "_weight_regularizers", "_losses", "inputs", "outputs", "_inputs_struct", "_outputs_struct",
    "optimizer", "_compiled_loss", "_compiled_metrics", "_loss_tracker", "history",
))

# Optimizers whose slots Keras creates weight by weight ("a_momentum, a_velocity, b_momentum,
# ..."); the other slots come kind by kind over all weights.
_INTERLEAVED_SLOTS = {
    "Adam": ("momentum", "velocity"), "AdamW": ("momentum", "velocity"),
    "Nadam": ("momentum", "velocity"), "Adamax": ("momentum", "norm"),
    "Adadelta": ("accumulated_grad", "accumulated_delta_var"),
}


def _join(path, name):
    return f"{path}/{name}" if path else name


def _name_key(name):
    return f"~{name}" if name.startswith("_") else name


def _keras_class_name(obj):
    from ..models.functional import is_functional as _is_functional

    return "Functional" if _is_functional(obj) else type(obj).__name__


def _is_model(obj):
    from ..models import Model

    return isinstance(obj, Model)


def _children(layer):
    from ..models.functional import is_functional as _is_functional, keras_layers
    from ..models import Sequential

    if _is_functional(layer) or isinstance(layer, Sequential):
        yield "layers", keras_layers(layer)
    layer._sync_tracking()
    names = {k for k in vars(layer) if not k.startswith("__") and k not in _SKIP}
    if _is_model(layer):
        names.add("layers")
        if getattr(layer, "optimizer", None) is not None:
            names.add("optimizer")
    for name in sorted(names, key=_name_key):
        if name == "layers" and _is_model(layer):
            yield name, keras_layers(layer)
        elif name == "optimizer" and _is_model(layer):
            yield name, layer.optimizer
        else:
            yield name, vars(layer)[name]


def saveables(model):
    """[(path, layer or optimizer)] in Keras 3's order; each object once."""
    out, visited = [], set()
    _visit(model, "", visited, out)
    return out


def _visit(obj, path, visited, out):
    if id(obj) in visited:
        return
    visited.add(id(obj))
    out.append((path, obj))
    if isinstance(obj, Optimizer):
        return
    for attr, child in _children(obj):
        if isinstance(child, (Layer, Optimizer)):
            _visit(child, _join(path, attr), visited, out)
        elif isinstance(child, (list, tuple, dict)):
            _visit_container(child, _join(path, attr), visited, out, set())


def _visit_container(container, path, visited, out, seen):
    if id(container) in seen:
        return
    seen.add(id(container))
    items = list(container.values()) if isinstance(container, dict) else list(container)
    used = {}

    def unique(name):
        if name in used:
            used[name] += 1
            return f"{name}_{used[name]}"
        used[name] = 0
        return name

    for item in items:
        if isinstance(item, (Layer, Optimizer)):
            _visit(item, _join(path, unique(to_snake_case(_keras_class_name(item)))), visited, out)
        elif isinstance(item, (list, tuple, dict)):
            _visit_container(item, _join(path, unique("container")), visited, out, seen)


def own_variables(layer):
    """A layer's own variables as Keras stores them: trainable, then non-trainable."""
    layer._sync_tracking()
    return list(layer._trainable_variables) + list(layer._non_trainable_variables)


# -- Keras's variable orders -------------------------------------------------------------
def _keras_sublayers(layer):
    from ..models.functional import is_functional as _is_functional, keras_layer_order
    from ..models import Sequential

    if _is_functional(layer):
        return keras_layer_order(layer)
    if isinstance(layer, Sequential):
        return list(layer._stack)
    layer._sync_tracking()
    return list(layer._layers)


def keras_weights(layer):
    """``layer.weights`` in Keras 3's order (own variables, then each sublayer's)."""
    out, seen = [], set()
    stack = [layer]
    while stack:
        current = stack.pop()
        for variable in own_variables(current):
            if id(variable) not in seen:
                seen.add(id(variable))
                out.append(variable)
        stack.extend(reversed(_keras_sublayers(current)))
    return out


def keras_trainable_weights(model):
    if not model.trainable:
        return []
    return [v for v in keras_weights(model) if v.trainable]


def optimizer_order(optimizer, model):
    """Indices into ``optimizer.variables`` in the order Keras 3 lists its optimizer's variables.

    Keras: iterations, learning rate (when a float), the EMA averages and the gradient
    accumulators of all weights, then the slots (see ``_INTERLEAVED_SLOTS``), then global
    state; the weights in Keras's ``trainable_variables`` order.
    """
    current = optimizer.variables
    identity = list(range(len(current)))
    try:
        index = {id(array): i for i, array in enumerate(current)}
        slots, base = optimizer._slots, optimizer._base_slots
        built = [v for v in keras_trainable_weights(model) if id(v) in slots]
        known = {id(v) for v in built}
        variables = built + [v for v in optimizer._vars if id(v) not in known]
        order = [0, 1] if isinstance(optimizer._learning_rate, float) else [0]
        if variables:
            for k in range(len(base[id(variables[0])])):
                order += [index[id(base[id(v)][k])] for v in variables]
            kinds = [name for name, _ in optimizer._slot_kinds()]
            together = ()
            for cls in type(optimizer).__mro__:
                if cls.__name__ in _INTERLEAVED_SLOTS:
                    together = _INTERLEAVED_SLOTS[cls.__name__]
                    break
            joint = [k for k, name in enumerate(kinds) if name in together]
            for v in variables:
                order += [index[id(slots[id(v)][k])] for k in joint]
            for k in range(len(kinds)):
                if k not in joint:
                    order += [index[id(slots[id(v)][k])] for v in variables]
        taken = set(order)
        order += [i for i in identity if i not in taken]
    except (AttributeError, KeyError, IndexError, TypeError):
        return identity
    return order if sorted(order) == identity else identity


# -- saving ------------------------------------------------------------------------------
def collect_state(model):
    """[(group path, object name, [arrays])] for every layer and the optimizer, Keras's layout."""
    entries = []
    for path, obj in saveables(model):
        group = _join(path, "vars")
        if isinstance(obj, Optimizer):
            arrays = obj.variables
            arrays = [np.array(arrays[i], copy=True) for i in optimizer_order(obj, model)]
        else:
            arrays = [np.array(v.numpy(), copy=True) for v in own_variables(obj)]
        entries.append((group, obj.name, arrays))
    return entries


# -- loading -----------------------------------------------------------------------------
def _find_group(groups, group_path, top_level):
    if group_path in groups:
        return group_path
    # Keras 3.0 files (from tf.keras 2.13's layout) name the layer list differently.
    if "_layer_checkpoint_dependencies" in top_level:
        legacy = group_path.replace("layers", "_layer_checkpoint_dependencies")
        if legacy in groups:
            return legacy
    return None


def _describe(variable):
    return getattr(variable, "path", None) or getattr(variable, "name", "?")


def load_state(model, groups, source, skip_mismatch=False):
    """Assign the arrays of ``groups`` ({group path: {"0": array, ...}}) to ``model``.

    Raises ValueError naming ``source``, the layer, the weight path and the shapes when the
    file does not fit; nothing is assigned unless everything fits (with ``skip_mismatch``,
    layers that do not fit are skipped with a warning instead).
    """
    top_level = {path.split("/")[0] for path in groups}
    plan, consumed, problems, layer_tops = [], set(), [], set()
    optimizer_plan = None
    for path, obj in saveables(model):
        group_path = _join(path, "vars")
        found = _find_group(groups, group_path, top_level)
        if isinstance(obj, Optimizer):
            if found is not None:
                consumed.add(found)
                optimizer_plan = _plan_optimizer(obj, model, groups[found], source, found)
            continue
        layer_tops.add(group_path.split("/")[0])
        if found is not None:
            layer_tops.add(found.split("/")[0])
        expected = own_variables(obj)
        if found is None:
            if expected:
                problems.append(
                    f"layer '{obj.name}' ({type(obj).__name__}) has {len(expected)} weight(s) "
                    f"{[_describe(v) for v in expected]}, but the file has no group "
                    f"'{group_path}' (missing weights)")
            continue
        consumed.add(found)
        stored = groups[found]
        names = [str(i) for i in range(len(expected))]
        if sorted(stored) != sorted(names):
            problems.append(
                f"layer '{obj.name}' ({type(obj).__name__}) expects {len(expected)} weight(s) "
                f"{[_describe(v) for v in expected]} at '{found}', but the file has "
                f"{len(stored)}: {sorted(stored)}")
            continue
        layer_problems = []
        for key, variable in zip(names, expected):
            array = stored[key]
            if tuple(array.shape) != tuple(variable.shape):
                layer_problems.append(
                    f"weight '{found}/{key}' ({_describe(variable)}) of layer '{obj.name}': "
                    f"expected shape {tuple(variable.shape)}, found {tuple(array.shape)}")
        if layer_problems:
            problems.extend(layer_problems)
            continue
        plan.extend((variable, stored[key]) for key, variable in zip(names, expected))
    extra = sorted(path for path, arrays in groups.items()
                   if arrays and path not in consumed and path.split("/")[0] in layer_tops)
    if extra:
        problems.append(f"the file has weights that no layer of model '{model.name}' takes: "
                        + ", ".join(f"'{p}' ({len(groups[p])} array(s))" for p in extra))
    if problems:
        message = (f"Cannot load weights from '{source}' into model '{model.name}': "
                   + "; ".join(problems))
        if not skip_mismatch:
            raise ValueError(message + ". The model's weights were left unchanged.")
        warnings.warn(message + ". Those weights were skipped.", stacklevel=3)
    for variable, array in plan:
        variable.assign(np.asarray(array).astype(variable.dtype, copy=False))
    if optimizer_plan is not None:
        optimizer, state = optimizer_plan
        optimizer.set_state(state)


def _plan_optimizer(optimizer, model, stored, source, group_path):
    if not optimizer.built:
        trainable = model.trainable_weights
        if trainable:
            optimizer.build(trainable)
    current = optimizer.variables
    if len(stored) != len(current):
        message = (f"Skipping variable loading for optimizer '{optimizer.name}', because it has "
                   f"{len(current)} variables whereas the saved optimizer ('{source}', "
                   f"'{group_path}') has {len(stored)} variables.")
        if len(current) <= 2:
            message += " This is likely because the optimizer has not been called/built yet."
        warnings.warn(message, stacklevel=4)
        return None
    if set(stored) != {str(i) for i in range(len(current))}:
        raise ValueError(f"Cannot load optimizer state from '{source}': '{group_path}' holds "
                         f"{sorted(stored)}, expected keys 0..{len(current) - 1}")
    state = [np.array(a, copy=True) for a in current]
    for keras_index, own_index in enumerate(optimizer_order(optimizer, model)):
        array = np.asarray(stored[str(keras_index)])
        if array.shape != np.shape(current[own_index]):
            raise ValueError(
                f"Cannot load optimizer state from '{source}': '{group_path}/{keras_index}' has "
                f"shape {array.shape}, expected {np.shape(current[own_index])}. The model's "
                "weights were left unchanged.")
        state[own_index] = array
    return optimizer, state
