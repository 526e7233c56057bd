"""The walk over a model's saveable objects, and moving their variables in and out.

The saver only walks; each object writes and reads its own variables
(``save_own_variables(store)`` / ``load_own_variables(store)``, as in Keras 3).
The walk is Keras 3's ``saving_lib._save_state``: a model's ``layers`` first
(Sequential and functional), then its attributes in sorted order (private ones
last; each class names its own bookkeeping attributes in ``_saving_skipset``), each
layer, optimizer or metric under its attribute's name and each element of a list or
dict under its class name in snake case, numbered on repeats (``layers/dense``,
``layers/dense_1``, ``blocks/batch_normalization``). An object's variables go to
``<path>/vars/0``, ``1``, ...

Loading is all or nothing: every object's current state is kept (through its own
``save_own_variables``), then each object loads and checks its group; if any object
refuses its group, every object gets its kept state back, so a file that does not fit
leaves the model as it was.
"""

import contextlib
import warnings
from collections.abc import Mapping, MutableMapping

import numpy as np

from ..layers.layer import Layer
from ..layers.layer_utils import to_snake_case
from ..metrics.metric import Metric
from ..optimizers.optimizer import Optimizer
from ..safety import FormatError

_SAVEABLE = (Layer, Optimizer, Metric)


class VarsStore(MutableMapping):
    """One object's variables, ``{"0": array, ...}``; ``path`` is its group in the file and
    ``exists`` says whether the file has that group at all. Over a file's group (a
    read-only mapping that reads an array when asked for it), nothing is read until the
    object's ``load_own_variables`` asks for a key."""

    def __init__(self, arrays=None, path="", exists=True):
        if arrays is None:
            arrays = {}
        elif not isinstance(arrays, Mapping):
            arrays = dict(arrays)
        self._arrays = arrays
        self.path = path
        self.exists = exists

    def __getitem__(self, key):
        return self._arrays[key]

    def __setitem__(self, key, value):
        if not isinstance(self._arrays, MutableMapping):
            self._arrays = dict(self._arrays)
        self._arrays[key] = value

    def __delitem__(self, key):
        if not isinstance(self._arrays, MutableMapping):
            self._arrays = dict(self._arrays)
        del self._arrays[key]

    def __iter__(self):
        return iter(self._arrays)

    def __len__(self):
        return len(self._arrays)

    def __repr__(self):
        return f"VarsStore(path={self.path!r}, keys={list(self._arrays)})"


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
    skip = getattr(layer, "_saving_skipset", frozenset())
    names = {k for k in vars(layer) if not k.startswith("__") and k not in skip}
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
            value = vars(layer)[name]
            # A metric kept in a private attribute is the trainer's bookkeeping.
            if isinstance(value, Metric) and name.startswith("_"):
                continue
            yield name, value


def saveables(model):
    """[(path, layer, optimizer or metric)] in Keras 3's order; each object once."""
    out, visited = [], set()
    _visit(model, "", visited, out)
    return out


def _visit(obj, path, visited, out):
    if id(obj) in visited:
        return
    visited.add(id(obj))
    out.append((path, obj))
    if not isinstance(obj, Layer):
        return
    for attr, child in _children(obj):
        if isinstance(child, _SAVEABLE):
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


# -- Keras's weight order ----------------------------------------------------------------
def _keras_sublayers(layer):
    from ..models.functional import is_functional as _is_functional, keras_layer_order
    from ..models import Sequential

    if _is_functional(layer):
        return keras_layer_order(layer)
    if isinstance(layer, Sequential):
        return list(layer._stack)
    layer._sync_tracking()
    return list(layer._layers)


def keras_trainable_weights(model):
    """``model.trainable_weights`` in Keras 3's order (own variables, then each sublayer's;
    a functional model's layers in ``map_graph``'s order)."""
    if not model.trainable:
        return []
    out, seen = [], set()
    stack = [model]
    while stack:
        current = stack.pop()
        current._sync_tracking()
        for variable in current._trainable_variables + current._non_trainable_variables:
            if id(variable) not in seen:
                seen.add(id(variable))
                out.append(variable)
        stack.extend(reversed(_keras_sublayers(current)))
    return [v for v in out if v.trainable]


@contextlib.contextmanager
def _keras_weight_order(model, build):
    """Keras builds the optimizer on ``trainable_variables`` and lists its state in their
    order: build it (when loading) and, while the file is written or read, list its state
    in Keras's weight order (a functional model's differs from shenjing's)."""
    optimizer = getattr(model, "optimizer", None)
    if not isinstance(optimizer, Optimizer):
        yield
        return
    if build and not optimizer.built:
        trainable = model.trainable_weights
        if trainable:
            optimizer.build(trainable)
    previous = optimizer._variable_order
    optimizer._set_variable_order(keras_trainable_weights(model))
    try:
        yield
    finally:
        optimizer._variable_order = previous


# -- saving ------------------------------------------------------------------------------
def collect_state(model):
    """[(group path, object name, {key: array})] for every saveable object, Keras's layout
    (an object's keys are "0", "1", ... unless it writes its own)."""
    entries = []
    with _keras_weight_order(model, build=False):
        walked = saveables(model)
        stores = []
        for path, obj in walked:
            store = VarsStore(path=_join(path, "vars"))
            obj.save_own_variables(store)
            stores.append(store)
    for (path, obj), store in zip(walked, stores):
        group = store.path
        for key in store:
            if not isinstance(key, str) or not key or "/" in key:
                raise ValueError(f"{type(obj).__name__} '{obj.name}' wrote the key {key!r} "
                                 f"into '{group}'; expected a non-empty string without '/'")
        # The built-ins' save_own_variables already copy; the entries are written out at once.
        entries.append((group, obj.name, {k: np.asarray(v) for k, v in store.items()}))
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


def load_state(model, groups, source, skip_mismatch=False):
    """Load ``groups`` ({group path: {"0": array, ...}}) into ``model``'s objects.

    ``groups`` may read lazily (``H5Weights``, ``SafetensorsWeights``): only the groups an
    object asks for are read. Raises FormatError (a ValueError) naming ``source``, the layer,
    the weight path and the shapes when the file does not fit, and leaves the model as it was
    (with ``skip_mismatch``, the objects that do not fit keep their state and a warning names
    them). A file that cannot be read (FormatError from the reader) is never skipped.
    """
    with _keras_weight_order(model, build=True):
        _load_state(model, groups, source, skip_mismatch)


def _reader_failure(groups):
    """The FormatError a lazy reader raised (an object may have caught and re-worded it)."""
    return getattr(groups, "failure", None)


def _load_state(model, groups, source, skip_mismatch):
    top_level = {path.split("/")[0] for path in groups}
    walked = saveables(model)
    kept = []
    for _, obj in walked:
        store = VarsStore()
        obj.save_own_variables(store)
        kept.append(store)
    consumed, problems, layer_tops, failed = set(), [], set(), []
    for (path, obj), before in zip(walked, kept):
        group_path = _join(path, "vars")
        found = _find_group(groups, group_path, top_level)
        if isinstance(obj, Layer):
            layer_tops.add(group_path.split("/")[0])
            if found is not None:
                layer_tops.add(found.split("/")[0])
        if found is not None:
            consumed.add(found)
            store = VarsStore(groups[found], path=found)
        else:
            store = VarsStore(path=group_path, exists=False)
        try:
            obj.load_own_variables(store)
        except ValueError as error:
            failure = _reader_failure(groups)
            if isinstance(error, FormatError) and error.path is not None:
                failure = failure or error
            if failure is not None:
                _restore(walked, kept)
                raise failure from None
            problems.append(str(error))
            failed.append((obj, before))
        except BaseException:
            # Anything else (a KeyError in a user's load_own_variables, an interrupt): put every
            # object back as it was, then let the error through.
            _restore(walked, kept)
            raise
    # Which groups no object took: counted from the listing, nothing is read.
    extra = sorted(path for path in groups
                   if len(groups[path]) and path not in consumed
                   and path.split("/")[0] in layer_tops)
    if extra:
        problems.append(f"the file has weights that no layer of model '{model.name}' takes: "
                        + ", ".join(f"'{p}' ({len(groups[p])} array(s))" for p in extra))
    if not problems:
        return
    message = f"cannot load its weights into model '{model.name}': " + "; ".join(problems)
    if not skip_mismatch:
        _restore(walked, kept)
        raise FormatError(source, message + ". The model's weights were left unchanged.")
    for obj, before in failed:
        obj.load_own_variables(before)
    warnings.warn(f"'{source}': {message}. Those weights were skipped.", stacklevel=3)


def _restore(walked, kept):
    """Give every walked object back the state ``kept`` before loading began."""
    for (_, obj), before in zip(walked, kept):
        obj.load_own_variables(before)
