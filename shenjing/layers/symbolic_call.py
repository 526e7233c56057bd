"""A layer called on symbolic tensors (KerasTensors): output shapes, masks and the Node.

``_symbolic_call`` builds the layer, infers its output shapes (its own
``compute_output_shape``, else ``call`` run on zeros: unknown sizes probed as 83 and 89, as
Keras's JAX backend does), records a ``Node`` and sets Keras 3's symbolic mask metadata.
``Layer.input`` / ``Layer.output`` read the first such call.
"""

import inspect
import math
import threading

import numpy as np  # dtypes only: arrays go through backend.xp

from .. import backend
from ..autograd import Tensor, no_grad
from . import masking_utils
from .input_spec import flatten_shapes, is_shape, map_shape_structure, standardize_shape
from .keras_tensor import KerasTensor, Node, any_symbolic, flatten, map_structure
from .weight_budget import check_transient


_SHAPE_INFERENCE = threading.local()  # depth of compute_output_shape's calls on zeros, per thread


def inferring_shapes():
    """Whether ``call`` is running on zeros to infer output shapes (a state-changing layer, such
    as a stateful RNN, keeps its state: Keras traces these calls without side effects)."""
    return bool(getattr(_SHAPE_INFERENCE, "depth", 0))


def _symbolic_shapes(structure):
    """The shape tuple of each KerasTensor in ``structure`` (None for anything else)."""
    return map_structure(lambda t: tuple(t.shape) if isinstance(t, KerasTensor) else None, structure)


class SymbolicCallMixin:
    """The symbolic half of ``Layer.__call__`` and the default ``compute_output_shape``."""

    def _symbolic_call(self, inputs, args, kwargs):
        """Call on KerasTensors: build, infer the output shape, and record a Node."""
        shapes = _symbolic_shapes(inputs)
        self._maybe_build(shapes)
        overridden = type(self).compute_output_shape is not SymbolicCallMixin.compute_output_shape
        call_kwargs = kwargs
        if self._call_mask_spec is not None and not overridden:  # call(x, mask) sees x's mask
            call_kwargs = dict(kwargs)
            masking_utils.populate_masks(self, inputs, args, call_kwargs)
        if not any_symbolic((args, call_kwargs)):
            out_shapes = self.compute_output_shape(shapes)
        elif overridden:
            out_shapes = self._overridden_output_shape(shapes, args, kwargs)
        else:  # layer(logits, targets), or a symbolic mask: infer from every tensor argument
            try:
                out_shapes = self._output_shape_of_call(shapes, args, call_kwargs)
            except NotImplementedError as error:  # unknown sizes in an extra argument:
                try:                                # the first decides
                    out_shapes = self.compute_output_shape(shapes)
                except Exception:  # noqa: BLE001  the call with every argument says more
                    raise error from error.__cause__
        dtype = self.compute_dtype
        if is_shape(out_shapes):
            outputs = KerasTensor(out_shapes, dtype=dtype)
        else:
            outputs = map_shape_structure(lambda s: KerasTensor(s, dtype=dtype), out_shapes)
        Node(self, (inputs,) + tuple(args), kwargs, outputs)
        self._symbolic_masks(inputs, outputs)
        return outputs

    @property
    def input(self):
        """The input tensor(s) of the first call on symbolic tensors (Keras's ``Operation.input``)."""
        return self._first_node_tensors("input_tensors", "input")

    @property
    def output(self):
        """The output tensor(s) of the first call on symbolic tensors (Keras's ``Operation.output``)."""
        return self._first_node_tensors("output_tensors", "output")

    def _first_node_tensors(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no "
                                 f"defined {what}.")
        values = getattr(self._inbound_nodes[0], attr)
        return values[0] if len(values) == 1 else values

    def _symbolic_masks(self, inputs, outputs):
        """Keras 3's mask metadata on symbolic outputs: ``compute_mask`` on the KerasTensors,
        so ``x._keras_mask`` can be read while a functional model is built. Informational
        only (a model recomputes masks when it runs), so a ``compute_mask`` that cannot run
        symbolically leaves the outputs without one."""
        previous = map_structure(lambda t: getattr(t, "_keras_mask", None), inputs)
        if not self.supports_masking or (
                all(m is None for m in flatten(previous)) and not self._overrides_compute_mask):
            return
        if not isinstance(inputs, (list, tuple, dict)):
            previous = getattr(inputs, "_keras_mask", None)
        try:
            masks = self.compute_mask(inputs, previous)
        except Exception:  # noqa: BLE001  a mask needing concrete values: none symbolically
            return
        if masks is None:
            return
        for tensor, mask in zip(flatten(outputs), flatten(masks)):
            if isinstance(tensor, KerasTensor) and isinstance(mask, KerasTensor):
                tensor._keras_mask = mask

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape``; by default found by running ``call`` on zeros."""
        shapes = standardize_shape(input_shape)
        with no_grad():
            if not self.built:
                self.build(shapes)
        return self._infer_on_zeros(shapes, (), {}, "input shape")

    def _zeros_like_shape(self, shape, dtype, what, fill=None):
        """A Tensor of zeros of ``shape`` (an unknown batch size: 1; other unknown sizes:
        ``fill``) to run ``call`` on."""
        if fill is None and any(d is None for d in shape[1:]):
            raise NotImplementedError(
                f"Layer {type(self).__name__} ('{self.name}') cannot infer its output shape for "
                f"{what} {shape} with unknown non-batch sizes; implement compute_output_shape.")
        size = (1 if shape[0] is None else shape[0],) + tuple(fill if d is None else d for d in shape[1:])
        check_transient(math.prod(size) * np.dtype(dtype or self.compute_dtype).itemsize,
                        f"layer '{self.name}': zeros of {what} {shape} to infer its output")
        if np.dtype(dtype or self.compute_dtype) == np.bool_:  # a mask: keep every entry
            return Tensor(backend.xp.ones(size, np.bool_))
        return Tensor(backend.xp.zeros(size, dtype or self.compute_dtype))

    def _infer_on_zeros(self, shapes, args, kwargs, what):
        """Output shapes of ``call`` on zeros of ``shapes`` (and of the symbolic ``args`` /
        ``kwargs``). Unknown non-batch sizes are probed as Keras's JAX backend does: ``call``
        runs twice, with every unknown size 83 and then 89 (2 and 3 when that fails, e.g. a
        position table shorter than 83); an output size that differs between the two runs is
        unknown (None)."""
        def attempt(fill):
            def dummy(t):
                if not isinstance(t, KerasTensor):
                    return t
                return self._zeros_like_shape(tuple(t.shape), t.dtype, what, fill)
            inputs = map_shape_structure(
                lambda s: None if s is None else self._zeros_like_shape(s, None, what, fill), shapes)
            return self._output_shapes_on_zeros(shapes, inputs, [map_structure(dummy, a) for a in args],
                                                {k: map_structure(dummy, v) for k, v in kwargs.items()})

        every = [s for s in flatten_shapes(shapes) if s is not None]
        every += [tuple(t.shape) for t in flatten((args, kwargs)) if isinstance(t, KerasTensor)]
        if not any(d is None for s in every for d in s[1:]):
            return attempt(None)
        try:
            first, second = attempt(83), attempt(89)
        except Exception as error:  # noqa: BLE001  e.g. a position table shorter than 83
            try:
                first, second = attempt(2), attempt(3)
            except Exception:  # noqa: BLE001  report the first failure
                raise NotImplementedError(
                    f"Layer {type(self).__name__} ('{self.name}') cannot infer its output shape "
                    f"for {what} {every} with unknown non-batch sizes (running call on zeros "
                    f"with them set to 83 failed: {error}); implement compute_output_shape."
                ) from error
        seconds = iter(flatten_shapes(second))
        return map_shape_structure(
            lambda a: None if a is None else tuple(
                x if x == y else None for x, y in zip(a, next(seconds))), first)

    def _output_shapes_on_zeros(self, shapes, inputs, args, kwargs):
        """The output shapes of ``call`` on zeros, with the batch size of the first input shape."""
        first = shapes if is_shape(shapes) else next(s for s in flatten_shapes(shapes) if s is not None)
        batch = first[0]
        kept_losses = [(layer, list(layer._losses)) for layer in self._flatten_layers()]
        with no_grad():
            depth = getattr(_SHAPE_INFERENCE, "depth", 0)
            _SHAPE_INFERENCE.depth = depth + 1  # add_metric skips these zeros
            try:
                outputs = self.call(inputs, *args, **kwargs)
            finally:
                _SHAPE_INFERENCE.depth = depth
                for layer, losses in kept_losses:  # losses of the zeros are no one's losses
                    layer._losses = losses
        return map_structure(lambda t: (batch,) + tuple(t.shape[1:]), outputs)

    def _overridden_output_shape(self, shapes, args, kwargs):
        """A layer's own ``compute_output_shape`` for a call on several symbolic tensors: the
        extra ones' shapes go along as Keras passes them (positional, and ``<name>_shape`` for
        keywords) when its signature takes them, else only the first input's shape."""
        extra = [_symbolic_shapes(a) for a in args if any_symbolic(a)]
        named = {f"{k}_shape": _symbolic_shapes(v) for k, v in kwargs.items() if any_symbolic(v)}
        try:
            inspect.signature(self.compute_output_shape).bind(shapes, *extra, **named)
        except TypeError:
            return self.compute_output_shape(shapes)
        return self.compute_output_shape(shapes, *extra, **named)

    def _output_shape_of_call(self, shapes, args, kwargs):
        """Output shapes of ``call(inputs, *args, **kwargs)`` when more than the first argument
        is symbolic (Keras's ``compute_output_spec``): ``call`` runs on zeros of every shape."""
        if not self._call_has_training:
            kwargs = {k: v for k, v in kwargs.items() if k != "training"}
        return self._infer_on_zeros(shapes, args, kwargs, "an argument of shape")
