"""``Layer``: the base of every layer, with Keras 3's contract.

A layer's life: ``__init__`` checks its arguments; the first call builds it
(``build(input_shape)`` creates the weights with ``add_weight``); ``call(inputs,
training)`` computes. Weights are kept in creation order: a layer's own trainable
ones, its own non-trainable ones, then those of its sublayers (tracked when they
are assigned as attributes), in assignment order.

``training`` (Keras's rule): a value the caller passes, even None, wins; else a non-None value
set by an enclosing call; else the default of ``call``'s own ``training``. So
``layer(x, training=None)`` and ``self.aug(x, training=training)`` in a model called without a
flag do not augment, and ``RandomFlip()(x)`` does (its ``call`` defaults to True).
"""

import functools
import inspect
import threading

import numpy as np  # dtypes and host-side weight copies only: arrays go through backend.xp

from .. import backend, constraints, initializers, regularizers
from ..metrics.reduction_metrics import Mean
from ..autograd import Tensor, Variable, ops
from .input_spec import InputSpec, assert_input_compatibility, is_shape, standardize_shape
from .keras_tensor import KerasTensor, any_symbolic, flatten, map_structure
from .layer_utils import DTypePolicy, get_dtype_policy, reset_name_counters  # noqa: F401  (re-exported)
from .layer_utils import to_snake_case, unique_name
from . import masking_utils
from .symbolic_call import SymbolicCallMixin, inferring_shapes  # noqa: F401  (inferring_shapes re-exported)
from .tracking import Tracker, bump_tracking_version
from .weight_budget import charge_weight, check_weight_shape
from ..registry import keras_export




class _Current(threading.local):
    context = None


_UNSET = object()  # ``training`` not passed (an explicit None is a value, as in Keras)


class _CallContext:
    """The state shared by nested layer calls: the training flag that inner calls inherit.
    One per thread: a model called in one thread does not see another thread's call."""

    _current = _Current()

    def __init__(self, entry):
        self.entry = entry
        self.training = None


def _wrap_build(build):
    """Make ``build`` check the shape against the input spec, then mark the layer built."""
    if getattr(build, "_wraps_build", False):
        return build

    takes_shape = len(inspect.signature(build).parameters) > 1

    @functools.wraps(build)
    def build_wrapper(self, input_shape=None, *args, **kwargs):
        if self.__dict__.get("_in_build"):  # a subclass's build calling super().build
            return build(self, input_shape, *args, **kwargs) if takes_shape else build(self)
        shape = standardize_shape(input_shape)
        if shape is not None and self.input_spec is not None:
            assert_input_compatibility(self.input_spec, shape, self.name)
        if self.__dict__.get("_build_done"):  # built already: never create the weights twice
            return None
        object.__setattr__(self, "_in_build", True)
        try:
            if takes_shape:
                build(self, shape, *args, **kwargs)
            else:
                build(self)
        finally:
            object.__setattr__(self, "_in_build", False)
        self.built = True
        self._build_input_shape = shape
        object.__setattr__(self, "_build_done", True)

    build_wrapper._wraps_build = True
    return build_wrapper


@keras_export("keras.layers.Layer")
class Layer(SymbolicCallMixin, masking_utils.MaskingMixin, Tracker):
    """Base class: ``Layer(trainable=True, name=None, dtype=None, **kwargs)``.

    ``kwargs`` may be ``input_shape``, ``batch_input_shape``, ``input_dim`` or
    ``batch_size`` (the shape the layer expects, batch first; the layer is built for
    it on its first call); any other keyword is an error.
    """

    # The keywords every layer's from_config takes besides its own arguments.
    _base_config_arguments = ("input_shape", "batch_input_shape", "input_dim", "batch_size")

    # Subclasses that take integer inputs (Embedding) set this to False.
    _autocast_inputs = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:
            cls.build = _wrap_build(cls.__dict__["build"])

    def __init__(self, *, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 autocast=True, **kwargs):
        self._init_tracker()
        batch_size = kwargs.pop("batch_size", None)
        shape = None
        if "input_dim" in kwargs:
            input_dim = kwargs.pop("input_dim")
            shape = None if input_dim is None else (batch_size, input_dim)
        if "input_shape" in kwargs:
            input_shape = kwargs.pop("input_shape")
            if isinstance(input_shape, int):
                input_shape = (input_shape,)
            shape = None if input_shape is None else (batch_size, *tuple(input_shape))
        if "batch_input_shape" in kwargs:
            batch_input_shape = kwargs.pop("batch_input_shape")
            shape = None if batch_input_shape is None else tuple(batch_input_shape)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        if not isinstance(trainable, bool):
            raise ValueError(f"Expected `trainable` to be a boolean. Received: trainable={trainable} "
                             f"(of type {type(trainable)})")
        if name is None:
            name = unique_name(to_snake_case(type(self).__name__))
        elif not isinstance(name, str) or "/" in name:
            raise ValueError("Argument `name` must be a string and cannot contain character `/`. "
                             f"Received: name={name!r} (of type {type(name)})")
        self.name = name
        self._batch_input_shape = standardize_shape(shape)
        self._dtype_policy = get_dtype_policy(dtype)
        self._trainable = trainable
        self.autocast = autocast
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.input_spec = None
        self._weight_regularizers = []
        self._losses = []
        self._inbound_nodes = []
        self._build_input_shape = None
        self._in_build = False
        params = inspect.signature(self.call).parameters
        self._call_has_training = "training" in params
        self._call_training_default = (params["training"].default if self._call_has_training
                                       and params["training"].default is not inspect.Parameter.empty
                                       else None)
        positional = [name for name, p in params.items()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        # where `training` falls among the positional arguments after `inputs` (None: nowhere)
        self._call_training_position = (positional.index("training") - 1
                                        if "training" in positional[1:] else None)
        self._call_mask_spec = masking_utils.call_mask_spec(self.call)
        # A layer that does not override build has nothing to build.
        self.built = type(self).build is Layer.build

    def _check_super_called(self):
        if "_dtype_policy" not in self.__dict__:
            raise RuntimeError(f"In layer '{type(self).__name__}', you forgot to call `super().__init__()` "
                               "as the first statement in the `__init__()` method. Go add it!")

    # -- dtype ----------------------------------------------------------------------
    @property
    def dtype_policy(self):
        return self._dtype_policy

    @property
    def dtype(self):
        """The dtype of the layer's weights (``"float32"`` by default)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._dtype_policy.variable_dtype

    # -- weights --------------------------------------------------------------------
    def add_weight(self, *args, shape=None, initializer=None, dtype=None, trainable=True,
                   regularizer=None, constraint=None, name=None, autocast=True,
                   aggregation="none", overwrite_with_gradient=False):
        """Create, track and return a ``Variable`` of ``shape`` filled by ``initializer``.

        Positional arguments are Keras 3's ``(shape, initializer, dtype)``; a string first is
        tf.keras (Keras 2)'s order ``(name, shape, dtype, initializer)``, which TensorFlow's
        tutorials use (``add_weight("kernel", shape=...)``)."""
        self._check_super_called()
        given = {"shape": shape, "initializer": initializer, "dtype": dtype, "name": name}
        order = (("name", "shape", "dtype", "initializer") if args and isinstance(args[0], str)
                 else ("shape", "initializer", "dtype"))
        if len(args) > len(order):
            raise TypeError(f"add_weight() takes at most {len(order)} positional arguments "
                            f"but {len(args)} were given.")
        for key, value in zip(order, args):
            if given[key] is not None:
                raise ValueError(f"`{key}` was passed both positionally and as a keyword argument.")
            given[key] = value
        shape, initializer, dtype, name = (given["shape"], given["initializer"], given["dtype"],
                                           given["name"])
        shape = () if shape is None else tuple(shape)
        if any(d is None for d in shape):
            raise ValueError(f"Layer '{self.name}': cannot create weight {name!r} with an undefined "
                             f"dimension; received shape={shape}")
        shape = check_weight_shape(self.name, name, shape)
        dtype = np.dtype(dtype or self.variable_dtype).name
        if initializer is None:
            initializer = "glorot_uniform" if np.dtype(dtype).kind == "f" else "zeros"
        name = name or "variable"
        initializer = initializers.get(initializer)
        charge_weight(self.name, name, shape, dtype, initializer)  # before allocating (a load)
        variable = Variable(initializer, shape=shape,
                            dtype=dtype, trainable=bool(trainable), name=name,
                            constraint=constraints.get(constraint))
        variable.path = f"{self.name}/{name}"
        self._track(variable)
        if not self.trainable:
            variable.trainable = False
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            self._weight_regularizers.append((variable, regularizer))
        return variable

    add_variable = add_weight

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for variable in self._trainable_variables:
            variable.trainable = value
        for layer in self._layers:
            layer.trainable = value

    @property
    def weights(self):
        """Own trainable, own non-trainable, then each sublayer's weights; each once."""
        self._check_super_called()
        self._sync_tracking()
        out, seen = [], set()
        candidates = self._trainable_variables + self._non_trainable_variables
        for layer in self._layers:
            candidates = candidates + layer.weights
        for variable in candidates:
            if id(variable) not in seen:
                seen.add(id(variable))
                out.append(variable)
        return out

    variables = weights

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def layers(self):
        self._sync_tracking()
        return list(self._layers)

    # -- saving ---------------------------------------------------------------------
    # Bookkeeping attributes the saver's walk does not enter (Keras: get_attr_skipset).
    _saving_skipset = frozenset((
        "_layers", "_trainable_variables", "_non_trainable_variables", "_inbound_nodes",
        "_tracked_ids", "_weight_regularizers", "_losses",
    ))

    def _variables_for_saving(self):
        self._sync_tracking()
        return list(self._trainable_variables) + list(self._non_trainable_variables)

    def save_own_variables(self, store):
        """Write this layer's own variables (trainable, then non-trainable, in creation
        order) into ``store`` under "0", "1", ... (Keras 3's contract)."""
        for i, variable in enumerate(self._variables_for_saving()):
            store[str(i)] = np.array(variable.numpy(), copy=True)

    def load_own_variables(self, store):
        """Read what ``save_own_variables`` wrote; every count and shape is checked before
        any variable is assigned (ValueError naming the layer, the key and the shapes)."""
        expected = self._variables_for_saving()
        where = getattr(store, "path", "") or "the store"
        described = [getattr(v, "path", None) or v.name for v in expected]
        if not getattr(store, "exists", True):
            if expected:
                raise ValueError(
                    f"layer '{self.name}' ({type(self).__name__}) has {len(expected)} weight(s) "
                    f"{described}, but the file has no group '{where}' (missing weights)")
            return
        keys = [str(i) for i in range(len(expected))]
        if sorted(store.keys()) != sorted(keys):
            raise ValueError(
                f"layer '{self.name}' ({type(self).__name__}) expects {len(expected)} weight(s) "
                f"{described} at '{where}', but the file has {len(store)}: {sorted(store)}")
        arrays = [np.asarray(store[key]) for key in keys]
        problems = [
            f"weight '{where}/{key}' ({name}) of layer '{self.name}': expected shape "
            f"{tuple(variable.shape)}, found {tuple(array.shape)}"
            for key, name, variable, array in zip(keys, described, expected, arrays)
            if tuple(array.shape) != tuple(variable.shape)]
        if problems:
            raise ValueError("; ".join(problems))
        for variable, array in zip(expected, arrays):
            variable.assign(array.astype(variable.dtype, copy=False))

    def get_weights(self):
        """Copies of the weights' values, as NumPy arrays, in ``weights`` order."""
        return [np.array(v.numpy(), copy=True) for v in self.weights]

    def set_weights(self, weights):
        """Overwrite the weights' values; the count and every shape must match."""
        layer_weights = self.weights
        weights = list(weights)
        if len(layer_weights) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of "
                f"length {len(weights)}, but the layer was expecting {len(layer_weights)} weights.")
        values = [np.asarray(getattr(w, "data", w)) for w in weights]
        for variable, value in zip(layer_weights, values):
            if tuple(variable.shape) != tuple(value.shape):
                raise ValueError(
                    f"Layer '{self.name}' weight '{variable.name}' has shape {tuple(variable.shape)}, "
                    f"which is not compatible with the provided weight shape {tuple(value.shape)}.")
        for variable, value in zip(layer_weights, values):
            variable.assign(value.astype(variable.dtype, copy=False))

    def zero_grad(self, set_to_none=True):
        """PyTorch's ``Module.zero_grad``: forget the gradients that ``loss.backward()`` left
        in ``.grad`` of every weight (``None``, or zeros with ``set_to_none=False``), so that
        the next ``backward()`` does not add to them."""
        for variable in self.weights:
            if variable.grad is not None:
                variable.grad = None if set_to_none else backend.xp.zeros_like(variable.grad)

    def count_params(self):
        """The number of scalars in all the weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                "built. You can build it manually via: `layer.build(input_shape)`.")
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # -- losses ---------------------------------------------------------------------
    def add_loss(self, loss):
        """Record a scalar loss tensor (it joins ``losses`` until the next outer call)."""
        for item in flatten(loss):
            self._losses.append(item if isinstance(item, Tensor) else Tensor(item))

    def add_metric(self, value, name=None, aggregation="mean"):
        """tf.keras 2's ``add_metric``: fold ``value`` (a tensor or array) into a ``Mean``
        metric called ``name``, kept on this layer; the trainer reports it in the logs and
        resets it with the other metrics. (Keras 3 dropped it; tf.keras programs call it.)"""
        if aggregation not in ("mean", None):
            raise ValueError(f'Expected `aggregation` to be "mean" or None. Received: aggregation={aggregation!r}')
        if name is None:
            raise ValueError(f"Layer '{self.name}': add_metric needs a name. Received: name=None")
        added = self.__dict__.get("_added_metrics")
        if added is None:
            added = {}
            object.__setattr__(self, "_added_metrics", added)  # not tracked as state
        metric = added.get(name)
        if metric is None:
            metric = added[name] = Mean(name=name)
            bump_tracking_version()
        if isinstance(value, KerasTensor) or inferring_shapes():
            return  # building a graph or inferring shapes on zeros: nothing to measure yet
        metric.update_state(getattr(value, "data", value))

    @property
    def losses(self):
        """Losses added in the last call (``add_loss``, activity regularizers), then the
        regularization penalties of the trainable weights, computed from their current values."""
        layers = self._flatten_layers()
        out = [loss for layer in layers for loss in layer._losses]
        trainable = {id(v) for v in self.trainable_weights}
        seen = set()
        for layer in layers:
            for variable, regularizer in layer._weight_regularizers:
                if id(variable) in trainable and id(variable) not in seen:
                    seen.add(id(variable))
                    out.append(regularizer(variable))
        return out

    def _flatten_layers(self, include_self=True):
        self._sync_tracking()
        out, seen = ([self] if include_self else []), {id(self)}
        stack = list(reversed(self._layers))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            stack.extend(reversed(layer._layers))
        return out

    # -- build and call -------------------------------------------------------------
    def build(self, input_shape=None):
        """Create the weights for inputs of ``input_shape`` (batch axis first, may be None)."""

    def get_build_config(self):
        if self._build_input_shape is not None:
            return {"input_shape": self._build_input_shape}
        return None

    def build_from_config(self, config):
        """``build(config["input_shape"])`` unless built (a JSON list of sizes becomes a tuple;
        None: no build)."""
        shape = config.get("input_shape") if isinstance(config, dict) else None
        if shape is None or self.built:
            return
        if isinstance(shape, list) and all(d is None or isinstance(d, int) for d in shape):
            shape = tuple(shape)
        self.build(shape)

    def call(self, inputs, *args, **kwargs):
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `call` method implemented.")

    def _convert_input(self, x):
        # A list holding arrays or tensors is several inputs (as in Keras); a list of numbers is one.
        if isinstance(x, (list, tuple)) and any(isinstance(e, (Tensor, np.ndarray, backend.xp.ndarray)) for e in flatten(x)):
            return type(x)(self._convert_input(e) for e in x)
        if isinstance(x, dict):
            return {k: self._convert_input(v) for k, v in x.items()}
        if x is None:
            return None
        if not isinstance(x, Tensor):
            x = Tensor(backend.xp.asarray(x))
        if (self._autocast_inputs and self.autocast and x.dtype.kind in "fiub"
                and x.dtype != np.dtype(self.compute_dtype)):
            x = masking_utils.keep_mask(x, ops.cast(x, self.compute_dtype))
        return x

    def _assert_input_compatibility(self, shapes):
        if self.input_spec is not None:
            assert_input_compatibility(self.input_spec, shapes, self.name)

    def _maybe_build(self, shapes):
        if not self.built and self._batch_input_shape is not None and is_shape(shapes):
            self.build(self._batch_input_shape)
        self._assert_input_compatibility(shapes)
        if not self.built:
            self.build(shapes)
            self._assert_input_compatibility(shapes)

    def __call__(self, inputs, *args, training=_UNSET, **kwargs):
        """Keras's training resolution: (1) a ``training`` the caller passes, even None;
        (2) else a non-None value set by an outer call; (3) else the default of ``call``'s
        ``training``. The value found becomes the context's for the rest of the outermost
        call (as Keras: a later sibling layer inherits it); ``call`` gets it when it takes
        ``training`` (an explicit None goes along as None)."""
        self._check_super_called()
        position = self.__dict__.get("_call_training_position")
        if position is not None and len(args) > position:  # `layer(x, True)`: explicit too
            if training is not _UNSET:
                raise TypeError(f"{self.name}: `training` was given twice, as positional "
                                f"argument {position + 2} and as a keyword")
            training, args = args[position], args[:position] + args[position + 1:]
        explicit = training is not _UNSET
        if any_symbolic(inputs):
            if explicit:  # the node keeps it, None too (Keras replays an explicit None)
                kwargs["training"] = training
            return self._symbolic_call(inputs, args, kwargs)
        inputs = self._convert_input(inputs)
        self._maybe_build(map_structure(lambda t: None if t is None else tuple(t.shape), inputs))
        current = _CallContext._current
        context = current.context
        entered = context is None
        if entered:
            context = current.context = _CallContext(self)
            for layer in self._flatten_layers():
                layer._losses = []
        if not explicit:
            training = (context.training if context.training is not None
                        else self._call_training_default)
        context.training = training
        try:
            if self._call_has_training and (explicit or training is not None):
                kwargs["training"] = None if training is None else bool(training)
            previous_mask = masking_utils.populate_masks(self, inputs, args, kwargs)
            outputs = self.call(inputs, *args, **kwargs)
            if previous_mask is not None or self._overrides_compute_mask:
                masking_utils.set_output_masks(self, inputs, outputs, previous_mask)
            if self.activity_regularizer is not None:
                for output in flatten(outputs):
                    if isinstance(output, Tensor):
                        loss = self.activity_regularizer(output)
                        if output.ndim > 0 and output.shape[0] > 0:
                            loss = loss / output.shape[0]
                        self._losses.append(loss)
        finally:
            if entered:
                current.context = None
        return outputs

    # -- config ---------------------------------------------------------------------
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": self._dtype_policy.serialize()}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        try:
            return cls(**config)
        except Exception as error:
            raise TypeError(f"Error when deserializing class '{cls.__name__}' using config={config}.\n\n"
                            f"Exception encountered: {error}") from error

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


Layer.build = _wrap_build(Layer.build)


__all__ = ["Layer", "InputSpec", "DTypePolicy", "reset_name_counters", "to_snake_case"]
