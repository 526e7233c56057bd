"""Shared helpers of the ``numpy_*`` op files: conversion and Keras 3's dtype promotion.

Keras promotes as JAX does: booleans < integers < floats; an integer tensor meeting a float
tensor takes the float's dtype; Python scalars are "weak" (an ``int`` keeps a tensor's dtype,
a ``float`` makes an integer tensor ``floatx``). Next to a Tensor, NumPy arrays and lists are
weak as well (as everywhere in shenjing: a float32 tensor times a float64 array is float32). Functions that only make sense on reals
(``exp``, ``sin``, ``mean``) turn integer and boolean inputs into ``floatx``.
"""

import builtins

import numpy as np  # dtypes only

from .. import backend
from ..autograd import Tensor
from ..autograd.ops import cast

__all__ = []


def to_tensor(x, dtype=None):
    """``x`` (Tensor, array, list, scalar) as a Tensor; a list of Tensors is stacked."""
    if isinstance(x, Tensor):
        return x if dtype is None else cast(x, dtype)
    if isinstance(x, (list, tuple)) and any(isinstance(v, Tensor) for v in x):
        from ..autograd.ops import stack
        return stack([to_tensor(v) for v in x]) if dtype is None else cast(stack([to_tensor(v) for v in x]), dtype)
    try:
        return Tensor(x, dtype=None if dtype is None else np.dtype(dtype))
    except (TypeError, ValueError) as error:
        raise TypeError(f"Expected a tensor, an array, a list or a number. Received: x={x!r} "
                        f"({error})") from None


def _dtype_of(value):
    """(dtype, weak): Python scalars are weak; everything else is strong."""
    if isinstance(value, bool):
        return np.dtype(bool), True
    if isinstance(value, int):
        return np.dtype("int32"), True
    if isinstance(value, float):
        return np.dtype(backend.floatx()), True
    if isinstance(value, Tensor):
        return value.dtype, False
    return to_tensor(value).dtype, False


def result_dtype(*values):
    """The dtype Keras gives a binary (or n-ary) elementwise op of ``values``."""
    strong, weak = [], []
    any_tensor = builtins.any(isinstance(v, Tensor) for v in values)
    for v in values:
        dtype, is_weak = _dtype_of(v)
        # Next to a Tensor, arrays and lists are weak too: a float32 tensor stays float32.
        (weak if is_weak or (any_tensor and not isinstance(v, Tensor)) else strong).append(dtype)
    if not strong:
        strong, weak = weak, []
    floats = [d for d in strong if d.kind == "f"]
    if floats:
        result = np.result_type(*floats)
    elif any(d.kind in "iu" for d in strong):
        result = np.result_type(*[d for d in strong if d.kind in "iu"])
    else:
        result = np.dtype(bool)
    if result.kind != "f" and any(d.kind == "f" for d in weak):
        return np.dtype(backend.floatx())
    if result.kind == "b" and any(d.kind in "iu" for d in weak):
        return np.dtype("int32")
    return result


def promote(*values):
    """``values`` as Tensors of their common Keras dtype."""
    dtype = result_dtype(*values)
    return [cast(v, dtype) if isinstance(v, Tensor) else to_tensor(v, dtype) for v in values]


def float_tensor(x):
    """``x`` as a Tensor; integers and booleans become ``floatx``."""
    x = to_tensor(x)
    return x if x.dtype.kind in "fc" else cast(x, backend.floatx())


def plain(x):
    """The array of a Tensor, or ``x`` as an array (for ops with no gradient); Python floats
    keep their full precision here."""
    if isinstance(x, (bool, int, float)):
        return backend.xp.asarray(x)
    return to_tensor(x).data


def int_tensor(data):
    """A non-differentiable Tensor of indices or counts, int32 as Keras returns them."""
    return Tensor(backend.xp.asarray(data).astype("int32"))


def check_axis(axis, ndim, name="axis"):
    """``axis`` as a non-negative int, or a clear error."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"Expected `{name}` to be an int. Received: {name}={axis!r}")
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise ValueError(f"Expected `{name}` in [-{ndim}, {ndim}): {name} {axis} is out of range "
                         f"for a tensor of rank {ndim}. Received: {name}={axis}")
    return int(axis) % max(ndim, 1)
