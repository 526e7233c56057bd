"""``Dot``: the per-sample dot product of two tensors along ``axes`` (Keras's ``batch_dot``).

For x1 of shape (B, *r1) and x2 of shape (B, *r2), contracting axis a1 of x1 with axis a2 of
x2: y[b, i..., j...] = sum_k x1[b, i..., k, ...] x2[b, j..., k, ...]; the output has x1's
remaining axes then x2's (a (B,) result becomes (B, 1)). With ``normalize=True`` both inputs
are first L2-normalized along their axis, so the result is the cosine similarity.
"""

import numpy as np

from .. import ops
from .merging import Merge
from ..registry import keras_export

_EPSILON = 1e-7


def l2_normalize(x, axis):
    """x * min(1 / sqrt(sum(x^2, axis)), 1 / eps): Keras's ``ops.normalize`` with order 2."""
    return ops.normalize(x, axis=axis, order=2, epsilon=_EPSILON)


@keras_export("keras.layers.Dot")
class Dot(Merge):
    """``Dot(axes=1)([x1, x2])``: one int for both inputs, or a pair (axis of x1, axis of x2)."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, (int, np.integer)) or isinstance(axes, bool):
            if not isinstance(axes, (list, tuple)):
                raise TypeError("Invalid type for argument `axes`: it should be a list or an int. "
                                f"Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError("Invalid format for argument `axes`: it should contain two "
                                 f"elements. Received: axes={axes}")
            if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
                raise ValueError("Invalid format for argument `axes`: list elements should be "
                                 f"integers. Received: axes={axes}")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True

    def _axes(self, rank1, rank2):
        axes = (self.axes, self.axes) if isinstance(self.axes, (int, np.integer)) else self.axes
        out = []
        for axis, rank in zip(axes, (rank1, rank2)):
            if not -rank <= axis < rank:
                raise ValueError(f"Layer '{self.name}': axis {axis} is out of range for an input "
                                 f"of rank {rank}. Received: axes={self.axes}")
            axis = axis % rank
            if axis == 0:
                raise ValueError(f"Layer '{self.name}': cannot take the dot product along the batch "
                                 f"axis. Received: axes={self.axes}")
            out.append(axis)
        return out

    def _check_shapes(self, shapes):
        if len(shapes) != 2:
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. "
                             f"Received: input_shape={shapes}")
        shape1, shape2 = shapes
        a1, a2 = self._axes(len(shape1), len(shape2))
        if shape1[a1] is not None and shape2[a2] is not None and shape1[a1] != shape2[a2]:
            raise ValueError(f"Incompatible input shapes: axis values {shape1[a1]} (at axis {a1}) != "
                             f"{shape2[a2]} (at axis {a2}). Full input shapes: {shape1}, {shape2}")

    def call(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"A `Dot` layer should be called on exactly 2 inputs. "
                             f"Received: {len(inputs)} inputs")
        x1, x2 = inputs
        a1, a2 = self._axes(x1.ndim, x2.ndim)
        if self.normalize:
            x1, x2 = l2_normalize(x1, a1), l2_normalize(x2, a2)
        rest1 = [a for a in range(1, x1.ndim) if a != a1]
        rest2 = [a for a in range(1, x2.ndim) if a != a2]
        batch, size = x1.shape[0], x1.shape[a1]
        left = ops.reshape(ops.transpose(x1, [0] + rest1 + [a1]), (batch, -1, size))
        right = ops.reshape(ops.transpose(x2, [0, a2] + rest2), (batch, size, -1))
        shape = (batch,) + tuple(x1.shape[a] for a in rest1) + tuple(x2.shape[a] for a in rest2)
        if len(shape) == 1:
            shape = (batch, 1)
        return ops.reshape(ops.matmul(left, right), shape)

    def compute_output_shape(self, input_shape):
        self._check_shapes(input_shape)
        shape1, shape2 = (list(s) for s in input_shape)
        a1, a2 = self._axes(len(shape1), len(shape2))
        shape1.pop(a1)
        shape2.pop(a2)
        shape = shape1 + shape2[1:]
        return tuple(shape + [1] if len(shape) == 1 else shape)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


@keras_export("keras.layers.dot")
def dot(inputs, axes=-1, **kwargs):
    """Functional form of ``Dot``: ``dot([x1, x2], axes)``."""
    return Dot(axes=axes, **kwargs)(inputs)


__all__ = ["Dot", "dot", "l2_normalize"]
