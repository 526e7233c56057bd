"""The ops behind Python's operators on tensors, as ``keras_op``s, so that ``x + y``,
``x[..., :3]``, ``-x`` or ``x // 2`` on a functional model's symbolic tensors record graph
nodes (Keras 3's ``Add``, ``GetItem``, ``Negative``, ``FloorDivide`` ... of
``keras.src.ops.numpy``), plus ``mean`` and ``concatenate``.

Each is one thin wrapper over an autograd primitive. ``floor_divide(x1, x2) = floor(x1 / x2)``
carries no gradient; ``mod(x1, x2) = x1 - floor(x1 / x2) * x2`` (the floor held constant:
d/dx1 = 1, d/dx2 = -floor(x1 / x2)), with the sign of ``x2`` as in NumPy and Keras.
``get_item(x, key)`` takes a list key as a tuple of indices, as Keras's ``GetItem`` does (a
``.keras`` file writes tuples as lists).
"""

from .. import backend
from ..autograd import Tensor, ops as _prim
from ..autograd.ops.arithmetic import _pair
from .dispatch import keras_op

__all__ = ["add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod",
           "power", "matmul", "negative", "absolute", "abs", "less", "less_equal", "greater",
           "greater_equal", "equal", "not_equal", "mean", "concatenate", "get_item"]


def _tensors(x1, x2):
    """Both as Tensors; a plain number takes the other side's dtype (float32 // 2 is float32)."""
    return _pair(x1, x2)


@keras_op("add")
def add(x1, x2):
    return _prim.add(x1, x2)


@keras_op("subtract")
def subtract(x1, x2):
    return _prim.subtract(x1, x2)


@keras_op("multiply")
def multiply(x1, x2):
    return _prim.multiply(x1, x2)


@keras_op("divide")
def divide(x1, x2):
    return _prim.divide(x1, x2)


@keras_op("true_divide")
def true_divide(x1, x2):
    return _prim.divide(x1, x2)


def _floor_quotient(x1, x2):
    a, b = _tensors(x1, x2)
    return Tensor(backend.xp.floor_divide(a.data, b.data))


@keras_op("floor_divide")
def floor_divide(x1, x2):
    return _floor_quotient(x1, x2)


@keras_op("mod")
def mod(x1, x2):
    a, b = _tensors(x1, x2)
    if a.dtype.kind in "iub" and b.dtype.kind in "iub":
        return Tensor(backend.xp.mod(a.data, b.data))
    return _prim.subtract(a, _prim.multiply(_floor_quotient(a, b), b))


@keras_op("power")
def power(x1, x2):
    return _prim.power(x1, x2)


@keras_op("matmul")
def matmul(x1, x2):
    return _prim.matmul(x1, x2)


@keras_op("negative")
def negative(x):
    return _prim.negative(x)


@keras_op("absolute")
def absolute(x):
    return _prim.abs(x)


@keras_op("abs", class_name="Absolute")
def abs(x):  # noqa: A001  (keras.ops.abs)
    return _prim.abs(x)


@keras_op("less")
def less(x1, x2):
    return _prim.less(x1, x2)


@keras_op("less_equal")
def less_equal(x1, x2):
    return _prim.less_equal(x1, x2)


@keras_op("greater")
def greater(x1, x2):
    return _prim.greater(x1, x2)


@keras_op("greater_equal")
def greater_equal(x1, x2):
    return _prim.greater_equal(x1, x2)


@keras_op("equal")
def equal(x1, x2):
    return _prim.equal(x1, x2)


@keras_op("not_equal")
def not_equal(x1, x2):
    return _prim.not_equal(x1, x2)


@keras_op("mean")
def mean(x, axis=None, keepdims=False):
    return _prim.mean(x, axis=axis, keepdims=keepdims)


@keras_op("concatenate")
def concatenate(xs, axis=0):
    return _prim.concatenate(xs, axis=axis)


@keras_op("get_item")
def get_item(x, key):
    if isinstance(key, list):
        key = tuple(key)
    return _prim.getitem(x, key)
