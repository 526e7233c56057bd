"""``keras.models.clone_model``: the same architecture with new layers (fresh weights), as Keras 3.

* Sequential: each layer cloned in order, after a new ``Input`` like the model's
  (or ``input_tensors``); same name and trainability.
* Functional: the graph replayed on new inputs (``Input`` of the same batch shape, dtype
  and name, or ``input_tensors`` of the same structure), each layer (and keras.ops node)
  replaced by ``clone_function(layer)`` and called through ``call_function(layer, *args,
  **kwargs)`` when given; a layer called twice is cloned once (shared stays shared).
* Any other model: rebuilt from its config (``serialize`` then ``deserialize``).

``clone_function`` defaults to ``layer.__class__.from_config(layer.get_config())``: same
config and name, new weights (not copied). A compiled model's clone is compiled the same
way, with a fresh optimizer. ``recursive=True`` clones nested Sequential/functional models
with the same functions.
"""

from ..layers.input_layer import Input, InputLayer
from ..layers.keras_tensor import KerasTensor, flatten, map_structure
from ..layers.op_node import OpNode, is_operation
from ..registry import keras_export
from ..serialization import deserialize_keras_object, serialize_keras_object
from .functional import is_functional
from .model import Model
from .sequential import Sequential


def _default_clone(layer):
    if is_operation(layer):   # a keras.ops node: the same op and static arguments
        config = {k: v for k, v in layer.get_config().items() if k != "name"}
        return OpNode(layer.op, config, name=layer.name)
    return layer.__class__.from_config(layer.get_config())


def _wrap_clone_function(clone_function, call_function, recursive, cache):
    if clone_function is None:
        clone_function = _default_clone
    elif not callable(clone_function):
        raise ValueError("Expected `clone_function` argument to be a callable. "
                         f"Received: clone_function={clone_function}")

    def wrapped(layer):
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, Model) and (isinstance(layer, Sequential) or is_functional(layer)):
            clone = clone_model(layer, clone_function=clone_function,
                                call_function=None if isinstance(layer, Sequential) else call_function,
                                recursive=True, cache=cache)
        else:
            clone = clone_function(layer)
        cache[id(layer)] = clone
        return clone

    return wrapped


def _copy_compile(model, clone):
    if getattr(model, "compiled", False):
        config = model.get_compile_config()
        if config is not None:
            clone.compile_from_config(config)
    return clone


@keras_export("keras.models.clone_model")
def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):
    """A new model with ``model``'s architecture and new layers (see the module docstring)."""
    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"Unexpected keyword argument(s): {tuple(kwargs.keys())}")
    if not isinstance(model, Model):
        raise ValueError("Expected `model` argument to be a `Model` instance. "
                         f"Received: model={model!r} (of type {type(model).__name__})")
    cache = {} if cache is None else cache
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                "`call_function` argument is not supported with Sequential models. In a "
                "Sequential model, layers aren't called at model-construction time (they're "
                "merely listed). Use `call_function` with Functional models only. Received "
                f"model of type '{type(model).__name__}', with call_function={call_function}")
        wrapped = _wrap_clone_function(clone_function, None, recursive, cache)
        return _copy_compile(model, _clone_sequential(model, wrapped, input_tensors))
    if is_functional(model):
        wrapped = _wrap_clone_function(clone_function, call_function, recursive, cache)
        return _copy_compile(model, _clone_functional(model, wrapped, call_function, input_tensors))
    if clone_function is not None or input_tensors is not None:
        raise ValueError(
            "Arguments `clone_function` and `input_tensors` are only supported for Sequential "
            f"models or Functional models. Received model of type '{type(model).__name__}', with "
            f"clone_function={clone_function} and input_tensors={input_tensors}")
    if call_function is not None:
        raise ValueError("Argument `call_function` is only supported for Functional models. "
                         f"Received model of type '{type(model).__name__}', with "
                         f"call_function={call_function}")
    config = serialize_keras_object(model)
    return deserialize_keras_object(config, custom_objects={type(model).__name__: type(model)})


def _clone_sequential(model, clone_function, input_tensors):
    new_layers = [clone_function(layer) for layer in model.layers]
    source = model._input_layer
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError("Argument `input_tensors` must contain a single tensor.")
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, KerasTensor):
            raise ValueError("Argument `input_tensors` must be a KerasTensor. "
                             f"Received invalid value: input_tensors={input_tensors}")
        new_layers = [input_tensors] + new_layers
    elif isinstance(source, InputLayer):
        new_layers = [Input(batch_shape=source.batch_shape, dtype=source.dtype, name=source.name,
                            optional=source.optional)] + new_layers
    return Sequential(new_layers, name=model.name, trainable=model.trainable)


def _clone_functional(model, clone_function, call_function, input_tensors):
    if input_tensors is not None:
        given = flatten(input_tensors)
        if not all(isinstance(t, KerasTensor) for t in given):
            raise ValueError("All entries in `input_tensors` must be KerasTensors. "
                             f"Received invalid values: inputs_tensors={input_tensors}")
        if len(given) != len(model.inputs):
            raise ValueError("`input_tensors` must have the same structure as model.input\n"
                             f"Reference structure: {model._inputs_struct}\n"
                             f"Received structure: {input_tensors}")
        new_inputs = input_tensors
    else:
        def new_input(tensor):
            layer = tensor._keras_history[0]
            return Input(batch_shape=tensor.shape, dtype=tensor.dtype, name=layer.name)

        new_inputs = map_structure(new_input, model._inputs_struct)
    env = {id(old): new for old, new in zip(model.inputs, flatten(new_inputs))}

    def lookup(value):
        return env[id(value)] if isinstance(value, KerasTensor) else value

    for node in model._nodes:
        if node.is_input:
            continue
        layer = clone_function(node.layer)
        args = [map_structure(lookup, a) for a in node.call_args]
        kwargs = {k: map_structure(lookup, v) for k, v in node.call_kwargs.items()}
        if call_function is not None:
            outputs = call_function(layer, *args, **kwargs)
        else:
            outputs = layer(*args, **kwargs)
        for old, new in zip(flatten(node.outputs), flatten(outputs)):
            if isinstance(old, KerasTensor):
                env[id(old)] = new
    new_outputs = map_structure(lookup, model._outputs_struct)
    cls = type(model) if type(model).__init__ is Model.__init__ else Model
    return cls(new_inputs, new_outputs, name=model.name)
