"""Mask propagation through ``Layer.__call__``, as Keras 3 does it.

Before ``call``: when ``call`` takes ``mask`` and the caller gave none, ``mask`` is the mask
of the one tensor argument (a structure of masks for a list of tensors); with several tensor
arguments, each ``<name>_mask`` parameter (``query_mask``, ``value_mask``) gets the mask of
the argument ``<name>``. The previous mask is the ``mask`` argument when given (or filled),
else the first argument's mask.

After ``call``: a layer that ``supports_masking`` attaches ``compute_mask(inputs,
previous_mask)`` to each output that has no mask yet; a layer that does not, given a mask,
warns that the mask stops there.

Nothing here runs for a layer whose ``call`` takes no mask and whose input carries none,
unless the layer computes masks of its own (it overrides ``compute_mask``).
"""

import inspect
import warnings

import numpy as np  # the ndarray type only

from .. import backend
from ..autograd import Tensor
from ..autograd.masking import get_keras_mask
from .keras_tensor import KerasTensor, flatten, map_structure


class MaskSpec:
    """What a ``call`` signature says about masks: its ``mask`` and ``<name>_mask`` parameters."""

    __slots__ = ("signature", "has_mask", "named")

    def __init__(self, signature, has_mask, named):
        self.signature, self.has_mask, self.named = signature, has_mask, named


def call_mask_spec(call):
    """A ``MaskSpec`` for ``call`` (a bound method), or None when it takes no mask parameter."""
    try:
        signature = inspect.signature(call)
    except (TypeError, ValueError):
        return None
    params = signature.parameters
    named = {name[:-len("_mask")]: name for name in params
             if name.endswith("_mask") and name != "_mask"}
    if "mask" not in params and not named:
        return None
    return MaskSpec(signature, "mask" in params, named)


class MaskingMixin:
    """``supports_masking`` and the default ``compute_mask`` of every layer (Keras 3's):
    a layer supports masking when its class overrides ``compute_mask``, unless it says
    otherwise; the default ``compute_mask`` passes the previous mask on."""

    _overrides_compute_mask = False
    _call_mask_spec = None  # set by Layer.__init__: call_mask_spec(self.call)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._overrides_compute_mask = cls.compute_mask is not MaskingMixin.compute_mask

    @property
    def supports_masking(self):
        """Whether ``compute_mask``'s masks go on the outputs (else a given mask stops here)."""
        value = self.__dict__.get("_supports_masking")
        return type(self)._overrides_compute_mask if value is None else value

    @supports_masking.setter
    def supports_masking(self, value):
        object.__setattr__(self, "_supports_masking", bool(value))

    def compute_mask(self, inputs, previous_mask):
        """The mask of the outputs for ``inputs`` whose mask is ``previous_mask``."""
        return previous_mask


def _is_tensor(x, allow_none=False):
    return (isinstance(x, (Tensor, KerasTensor, np.ndarray, backend.xp.ndarray))
            or (allow_none and x is None))


def _is_tensor_argument(value):
    """Keras's CallSpec: a tensor, or a non-empty structure of tensors (Nones allowed)."""
    if _is_tensor(value):
        return True
    if isinstance(value, (list, tuple, dict)) and len(value) > 0:
        return all(_is_tensor(leaf, allow_none=True) for leaf in flatten(value))
    return False


def _masks_of(value):
    return map_structure(get_keras_mask, value)


def _fill_mask_arguments(spec, inputs, args, kwargs):
    """Fill ``kwargs`` with the masks ``call`` takes and the caller left None; the ``mask``
    argument as it will be passed (None when neither given nor filled)."""
    if (not args and spec.has_mask and isinstance(inputs, Tensor) and "mask" not in kwargs
            and not any(map(_is_tensor_argument, kwargs.values()))):
        # The common call, layer(x, training=...): x is the one tensor argument. Binding the
        # signature costs ~5 us a call; the answer is known without it.
        mask = kwargs["mask"] = getattr(inputs, "_keras_mask", None)
        return mask
    try:
        bound = spec.signature.bind(inputs, *args, **kwargs)
    except TypeError:
        return None  # call itself reports the wrong arguments
    arguments = bound.arguments
    tensors = [(name, value) for name, value in arguments.items() if _is_tensor_argument(value)]
    if len(tensors) == 1:
        if spec.has_mask and arguments.get("mask") is None:
            kwargs["mask"] = _masks_of(tensors[0][1])
    elif len(tensors) > 1:
        for name, value in tensors:
            mask_name = spec.named.get(name)
            if mask_name is not None and arguments.get(mask_name) is None:
                kwargs[mask_name] = _masks_of(value)
    mask = kwargs.get("mask")
    return arguments.get("mask") if mask is None else mask


def populate_masks(layer, inputs, args, kwargs):
    """Keras's step "Populate mask argument(s)": fills ``kwargs`` in place and returns the
    previous mask (the mask argument, else the first argument's mask; None when none)."""
    if layer._call_mask_spec is not None:
        given = _fill_mask_arguments(layer._call_mask_spec, inputs, args, kwargs)
        if given is not None:
            return given
    if isinstance(inputs, Tensor):
        return getattr(inputs, "_keras_mask", None)
    if isinstance(inputs, (list, tuple, dict)):
        return _masks_of(inputs)
    return None


def _can_carry(x):
    return isinstance(x, (Tensor, KerasTensor))


def set_output_masks(layer, inputs, outputs, previous_mask):
    """Keras's ``_set_mask_metadata`` (or the warning of a layer that drops a mask)."""
    if layer.supports_masking:
        flat_outputs = flatten(outputs)
        if all(get_keras_mask(x) is not None for x in flat_outputs):
            return
        output_masks = layer.compute_mask(inputs, previous_mask)
        if output_masks is None:
            return
        for tensor, mask in zip(flat_outputs, flatten(output_masks)):
            if mask is not None and _can_carry(tensor) and get_keras_mask(tensor) is None:
                tensor._keras_mask = mask
    elif previous_mask is not None and any(m is not None for m in flatten(previous_mask)):
        warnings.warn(
            f"Layer '{layer.name}' (of type {type(layer).__name__}) was passed an input with a "
            "mask attached to it. However, this layer does not support masking and will "
            "therefore destroy the mask information. Downstream layers will not see the mask.",
            stacklevel=3)


def keep_mask(source, converted):
    """``converted`` (a cast of ``source``) with ``source``'s mask, as Keras's input conversion
    keeps it."""
    mask = getattr(source, "_keras_mask", None)
    if mask is not None and converted is not source:
        converted._keras_mask = mask
    return converted


def attach_masks(values, masks):
    """``values`` (Tensors, or arrays made Tensors) with each given mask attached in place, as
    Keras's ``Functional.call(inputs, mask=...)`` attaches them to its inputs."""
    out = []
    for value, mask in zip(values, masks):
        if mask is not None:
            if not isinstance(value, Tensor):
                value = Tensor(backend.xp.asarray(value))
            value._keras_mask = mask
        out.append(value)
    return out + list(values[len(out):])
