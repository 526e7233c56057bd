"""A ``keras.ops`` call on symbolic tensors as a graph node: Keras 3's ``Operation``.

``x + y``, ``x[..., :3]`` or ``keras.ops.mean(x, axis=-1)`` on KerasTensors reaches
``symbolic_call(op, args, kwargs)`` (installed into ``ops.dispatch`` when this floor is
imported). It wraps the one call in an ``OpNode``: the arguments Keras's operation class
takes in ``call`` (the tensors: ``x1``, ``x2``, ``xs``, ``key`` ...) stay the node's
arguments; the others (``axis``, ``keepdims`` ...) go into the node's config, as Keras
writes them (``{"module": "keras.src.ops.numpy", "class_name": "Mean", "config": {"name":
"mean", "axis": -1, "keepdims": true}}``). The output's shape and dtype come from running
the op on zeros with each unknown size set to 2, to 3 and (where the op allows it) to 1: a
size that differs between the runs is unknown (None) in the output.

An ``OpNode`` is a ``Layer`` so that a functional model replays, saves and summarizes it
like one; it has no weights, ignores ``training`` and is not among ``model.layers``
(as in Keras). Loading finds the op in ``dispatch.OPS`` by (module, class name): an unknown
op is an error, never code from the file.
"""

import inspect
import math

import numpy as np  # dtypes and errstate only: arrays go through backend.xp

from .. import backend
from ..autograd import Tensor, no_grad
from ..ops import dispatch
from ..safety import FormatError
from .keras_tensor import KerasTensor, Node, flatten, map_structure
from .layer import Layer
from .layer_utils import to_snake_case, unique_name
from .op_signatures import KERAS_OP_SIGNATURES
from .weight_budget import check_transient

_PROBE_SIZES = (2, 3)  # what an unknown size becomes in the two shape-inference runs


def _is_symbolic_structure(value):
    return any(isinstance(leaf, KerasTensor) for leaf in flatten(value))


def _split_arguments(op, args, kwargs):
    """(node args, node kwargs, config) of ``op(*args, **kwargs)``: Keras's call parameters
    stay on the node (positional, in Keras's order), its constructor parameters go to the config.
    An op Keras does not have keeps all its arguments on the node."""
    signature = KERAS_OP_SIGNATURES.get((op.keras_module, op.keras_class_name))
    if signature is None:
        return list(args), dict(kwargs), {}
    call_params, init_params = signature
    try:
        bound = inspect.signature(op.eager).bind(*args, **kwargs)
    except TypeError as error:
        raise TypeError(f"keras.ops.{op.__name__}: {error}") from None
    arguments = dict(bound.arguments)
    node_args, node_kwargs, positional = [], {}, True
    params = inspect.signature(op.eager).parameters
    for name in call_params:
        star = name.startswith("*")
        name = name.lstrip("*")
        if name not in arguments:
            positional = False
            continue
        value = arguments.pop(name)
        if star or params[name].kind is inspect.Parameter.VAR_POSITIONAL:
            node_args.extend(value)
        elif positional:
            node_args.append(value)
        else:
            node_kwargs[name] = value
    config = {}
    for name, value in arguments.items():
        kind = params[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            node_kwargs.update(value)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            node_args.extend(value)
        elif name in init_params and not _is_symbolic_structure(value):
            config[name] = value
        else:
            node_kwargs[name] = value
    return node_args, node_kwargs, config


def _probe(value, size):
    if not isinstance(value, KerasTensor):
        return value
    shape = tuple(size if d is None else d for d in value.shape)
    check_transient(math.prod(shape) * np.dtype(value.dtype).itemsize,   # a declared shape
                    f"a symbolic input of shape {tuple(value.shape)} (run on zeros to infer "
                    "an op's output)")
    return Tensor(backend.xp.zeros(shape, dtype=np.dtype(value.dtype)))


class OpNode(Layer):
    """One call of the ``keras_op`` ``op``, with the static arguments ``config`` (Keras's
    ``Operation``: the class name is the op's, e.g. ``Add``, ``GetItem``)."""

    _is_operation = True

    def __init__(self, op, config=None, name=None):
        self.op = op
        self._static = dict(config or {})
        super().__init__(name=name or unique_name(to_snake_case(op.keras_class_name)))
        self.built = True

    def _keras_class_names(self):
        class_name = self.op.keras_class_name
        return f"keras.src.ops.{self.op.keras_module}", class_name, class_name

    def get_config(self):
        return {"name": self.name, **self._static}

    def get_build_config(self):
        return None

    def __call__(self, *args, training=None, **kwargs):
        """On values: the op. On symbolic tensors: a new node of this operation."""
        if _is_symbolic_structure((args, kwargs)):
            return self._record(list(args), kwargs)
        return self._eager(*args, **kwargs)

    def call(self, *args, **kwargs):
        return self._eager(*args, **kwargs)

    def _eager(self, *args, **kwargs):
        if self.op.keras_class_name == "GetItem":
            # Keras's GetItem.call reads a list key as a tuple of indices (a .keras file
            # writes the tuple as a list); the eager keras.ops.get_item keeps NumPy's meaning.
            if len(args) > 1 and isinstance(args[1], list):
                args = (args[0], tuple(args[1])) + tuple(args[2:])
            if isinstance(kwargs.get("key"), list):
                kwargs = {**kwargs, "key": tuple(kwargs["key"])}
        return self.op.eager(*args, **kwargs, **self._static)

    def _run_on_probes(self, args, kwargs, size):
        probe_args = [map_structure(lambda v: _probe(v, size), a) for a in args]
        probe_kwargs = {k: map_structure(lambda v: _probe(v, size), v) for k, v in kwargs.items()}
        with no_grad(), np.errstate(all="ignore"):
            return self._eager(*probe_args, **probe_kwargs)

    def _record(self, args, kwargs):
        results = []
        for size in _PROBE_SIZES:
            try:
                results.append(self._run_on_probes(args, kwargs, size))
            except FormatError:  # a probe over the load's budget: already says where and why
                raise
            except Exception as error:
                raise type(error)(f"Could not infer the output of keras.ops.{self.op.__name__} "
                                  f"(node '{self.name}') on symbolic inputs: {error}") from error
        try:  # unknown sizes of 1 too: x[:, :2] of an unknown length has an unknown length
            results.append(self._run_on_probes(args, kwargs, 1))
        except Exception:  # e.g. x[:, 1] needs a length of 2: the two runs above decide
            pass
        flat = [flatten(r) for r in results]
        if len(flat) == 3 and [t.ndim for t in flat[2]] != [t.ndim for t in flat[0]]:
            flat.pop()  # squeeze-like ops drop sizes of 1: that run says nothing

        def spec(*tensors):
            sizes = zip(*(t.shape for t in tensors))
            shape = tuple(int(s[0]) if len(set(s)) == 1 else None for s in sizes)
            return KerasTensor(shape, dtype=np.dtype(tensors[0].dtype).name)

        specs = iter([spec(*tensors) for tensors in zip(*flat)])
        outputs = map_structure(lambda _: next(specs), results[0])
        Node(self, args, kwargs, outputs)
        return outputs

    @classmethod
    def from_keras_config(cls, layer_data):
        """The operation a functional config's entry names (``module`` ``keras.src.ops.<family>``)."""
        module = layer_data.get("module") or ""
        family = module.rsplit(".", 1)[-1]
        class_name = layer_data.get("class_name")
        op = dispatch.OPS.get((family, class_name))
        if op is None:
            raise ValueError(
                f"Could not locate the operation '{class_name}' (module {module!r}) of layer "
                f"'{layer_data.get('name')}': shenjing has no keras.ops function of that class.")
        # JSON wrote tuples (axis=(1, 2), newshape) as lists: the ops take tuples.
        config = {k: tuple(v) if isinstance(v, list) else v
                  for k, v in (layer_data.get("config") or {}).items()}
        name = config.pop("name", layer_data.get("name"))
        accepted = inspect.signature(op.eager).parameters
        unknown = sorted(set(config) - set(accepted))
        if unknown:
            raise ValueError(f"Operation '{class_name}' ('{name}') got arguments shenjing's "
                             f"keras.ops.{op.__name__} does not take: {unknown}")
        return cls(op, config, name=name)


def _constant(value):
    """A concrete tensor among a node's arguments is kept as its array (Keras writes it as
    ``__tensor__``), so that the node can be saved."""
    return value.numpy() if isinstance(value, Tensor) else value


def symbolic_call(op, args, kwargs):
    """The handler ``dispatch.keras_op`` calls when an argument is a KerasTensor."""
    args = [map_structure(_constant, a) for a in args]
    kwargs = {k: map_structure(_constant, v) for k, v in kwargs.items()}
    node_args, node_kwargs, config = _split_arguments(op, args, kwargs)
    return OpNode(op, config)._record(node_args, node_kwargs)


def is_operation(layer):
    return getattr(type(layer), "_is_operation", False) is True


dispatch.set_symbolic_handler(symbolic_call)
