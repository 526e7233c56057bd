"""Merge layers: combine a list of tensors into one (Add, Subtract, Multiply, Average,
Maximum, Minimum, Concatenate), plus Keras's lowercase functional forms."""

import numpy as np

from .. import backend, ops
from ..autograd import Tensor
from .layer import Layer
from ..registry import keras_export


def _mask_array(mask):
    return backend.xp.asarray(getattr(mask, "data", mask)).astype(bool)


def _check_mask_list(inputs, mask):
    if not isinstance(mask, (tuple, list)):
        raise ValueError(f"`mask` should be a list. Received: mask={mask}")
    if not isinstance(inputs, (tuple, list)):
        raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
    if len(mask) != len(inputs):
        raise ValueError("The lists `inputs` and `mask` should have the same length. Received: "
                         f"inputs of length {len(inputs)}, and mask of length {len(mask)}")


def merge_masks(inputs, mask):
    """Keras's ``Merge.compute_mask``: OR of the masks; None when any of them is None."""
    if mask is None:
        return None
    _check_mask_list(inputs, mask)
    if any(m is None for m in mask):
        return None
    out = _mask_array(mask[0])
    for m in mask[1:]:
        out = backend.xp.logical_or(out, _mask_array(m))
    return Tensor(out)


def concatenate_masks(inputs, mask, axis):
    """Keras's ``Concatenate.compute_mask``: each mask (all True for an input without one)
    broadcast to its input's shape, joined along ``axis``, then any() over the last axis."""
    if mask is None:
        return None
    _check_mask_list(inputs, mask)
    if all(m is None for m in mask):
        return None
    xp, masks = backend.xp, []
    for x, m in zip(inputs, mask):
        shape = tuple(x.shape)
        if m is None:
            masks.append(xp.ones(shape, dtype=bool))
            continue
        m = _mask_array(m)
        masks.append(xp.broadcast_to(m[..., None], shape) if m.ndim < len(shape) else m)
    return Tensor(xp.any(xp.concatenate(masks, axis=axis), axis=-1))


class Merge(Layer):
    """Base: takes a list of at least two tensors whose shapes broadcast together.

    Masks: the output's is the OR of the inputs' masks, None when any input has none."""

    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return merge_masks(inputs, mask)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(input_shape[0], (list, tuple)):
            raise ValueError(
                f"A merge layer ('{self.name}') should be called on a list of inputs. Received: input_shape={input_shape}"
            )
        if len(input_shape) < 2:
            raise ValueError(
                f"A merge layer ('{self.name}') should be called on a list of at least 2 inputs. "
                f"Got {len(input_shape)} inputs."
            )
        self._check_shapes(input_shape)

    def _check_shapes(self, shapes):
        batchless = [tuple(1 if d is None else d for d in s[1:]) for s in shapes]
        try:
            np.broadcast_shapes(*batchless)
        except ValueError:
            raise ValueError(
                f"Layer '{self.name}': inputs with shapes {[tuple(s) for s in shapes]} cannot be merged "
                "(their non-batch axes do not broadcast)"
            ) from None

    def call(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = self._merge(out, x)
        return out

    def compute_output_shape(self, input_shape):
        batchless = [tuple(1 if d is None else d for d in s[1:]) for s in input_shape]
        return (input_shape[0][0], *np.broadcast_shapes(*batchless))


@keras_export("keras.layers.Add")
class Add(Merge):
    """Elementwise sum of the inputs."""

    def _merge(self, a, b):
        return ops.add(a, b)


@keras_export("keras.layers.Subtract")
class Subtract(Merge):
    """inputs[0] - inputs[1] (exactly two inputs)."""

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"A `Subtract` layer ('{self.name}') should be called on exactly 2 inputs. "
                             f"Received: {len(input_shape)} inputs")

    def _merge(self, a, b):
        return ops.subtract(a, b)


@keras_export("keras.layers.Multiply")
class Multiply(Merge):
    """Elementwise product of the inputs."""

    def _merge(self, a, b):
        return ops.multiply(a, b)


@keras_export("keras.layers.Maximum")
class Maximum(Merge):
    def _merge(self, a, b):
        return ops.maximum(a, b)


@keras_export("keras.layers.Minimum")
class Minimum(Merge):
    def _merge(self, a, b):
        return ops.minimum(a, b)


@keras_export("keras.layers.Average")
class Average(Merge):
    """Elementwise mean of the inputs."""

    def call(self, inputs):
        return ops.divide(super().call(inputs), float(len(inputs)))

    def _merge(self, a, b):
        return ops.add(a, b)


@keras_export("keras.layers.Concatenate")
class Concatenate(Merge):
    """Join the inputs along ``axis`` (default -1); every other axis must match."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _check_shapes(self, shapes):
        rank = len(shapes[0])
        axis = self.axis % rank
        for s in shapes:
            if len(s) != rank or any(a != b and None not in (a, b)
                                     for i, (a, b) in enumerate(zip(s, shapes[0])) if i != axis):
                raise ValueError(
                    "A `Concatenate` layer requires inputs with matching shapes except for the concatenation "
                    f"axis. Received: input_shape={[tuple(x) for x in shapes]}"
                )

    def call(self, inputs):
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        return concatenate_masks(inputs, mask, self.axis)

    def compute_output_shape(self, input_shape):
        rank = len(input_shape[0])
        axis = self.axis % rank
        out = list(input_shape[0])
        sizes = [s[axis] for s in input_shape]
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)
