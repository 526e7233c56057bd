"""TensorFlow's tensor, variable, dtype and conversion names, star-imported into ``shenjing``:
``tf.constant``, ``tf.convert_to_tensor``, ``tf.Variable``, ``tf.cast``, ``tf.identity``,
``tf.stop_gradient``, ``tf.print``, ``tf.float32`` and the other dtypes,
``tf.TensorShape``, ``tf.is_tensor`` (``tf.newaxis``, ``tf.rank``, ``tf.size`` are in array_names).

Each is an alias of one ``shenjing.ops`` function (or of shenjing's Tensor and Variable)
with TensorFlow's argument names. (``tf.TensorSpec`` is ``shenjing.data.TensorSpec``, reached
lazily from ``shenjing/__init__.py`` so that ``import shenjing`` does not load ``data``.)
"""

import sys

import numpy as np  # host-side formatting of tf.print and shape bookkeeping

from .. import backend
from ..autograd import Tensor, Variable
from ..autograd.ops import shape as _shape_ops
from ..autograd.tensor import TensorShape
from ..ops import core as _core
from .dtypes import (DType, as_dtype, bool, cast, complex64, complex128, double, float16,  # noqa: A004
                     float32, float64, half, int8, int16, int32, int64, saturate_cast, uint8,
                     uint16, uint32, uint64)

__all__ = ["DType", "Tensor", "TensorShape", "Variable", "as_dtype", "bool", "cast",
           "complex64", "complex128", "constant", "convert_to_tensor", "double", "float16", "float32",
           "float64", "half", "identity", "int8", "int16", "int32", "int64", "is_tensor", 
           "print", "saturate_cast", "stop_gradient", "uint8", "uint16", "uint32",
           "uint64"]

def constant(value, dtype=None, shape=None, name=None):
    """A tensor of ``value``: Python ints become int32 and floats float32 (as TensorFlow);
    with ``shape``, a scalar (or one-element value) fills it, otherwise the values are reshaped."""
    t = _core.convert_to_tensor(value, dtype=dtype).detach()
    if shape is None:
        return t
    shape = tuple(int(d) for d in shape)
    if t.size == 1:
        return Tensor(backend.xp.broadcast_to(t.data.reshape(()), shape).copy())
    if t.size != int(np.prod(shape)):
        raise TypeError(f"constant: Expected {int(np.prod(shape))} values for shape {shape}. "
                        f"Received: {t.size} values of shape {t.shape}")
    return _shape_ops.reshape(t, shape)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """``tf.convert_to_tensor``: a Tensor stays itself; ``dtype_hint`` is used when it fits."""
    if dtype is None and dtype_hint is not None and not isinstance(value, Tensor):
        try:
            return _core.convert_to_tensor(value, dtype=dtype_hint)
        except (TypeError, ValueError):
            pass
    return _core.convert_to_tensor(value, dtype=dtype)


def identity(input, name=None):  # noqa: A002  (TensorFlow's argument name)
    """A new tensor with the same values; the gradient passes through unchanged."""
    t = _core.convert_to_tensor(input)
    return _shape_ops.reshape(t, t.shape)


def stop_gradient(input, name=None):  # noqa: A002
    return _core.stop_gradient(input)


def is_tensor(x):
    return _core.is_tensor(x)


def _text(value, summarize):
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return str(value.item())
        threshold = sys.maxsize if summarize is None or summarize < 0 else 2 * summarize
        return np.array2string(value, separator=" ", threshold=threshold,
                               edgeitems=3 if summarize is None or summarize < 0 else summarize)
    if isinstance(value, (list, tuple)):
        inner = " ".join(_text(v, summarize) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_text(v, summarize)}" for k, v in value.items()) + "}"
    return str(value)


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):  # noqa: A001
    """``tf.print``: the inputs' values, tensors as TensorFlow prints them ("[1 2 3]",
    the first and last ``summarize`` items of each axis); to ``sys.stderr`` unless
    ``output_stream`` (a file, sys.stdout or "file://path") says otherwise."""
    text = sep.join(_text(v, summarize) for v in inputs) + end
    stream = sys.stderr if output_stream is None else output_stream
    if isinstance(stream, str) and stream.startswith("file://"):
        with open(stream[len("file://"):], "a", encoding="utf-8") as handle:
            handle.write(text)
        return None
    stream.write(text)
    if hasattr(stream, "flush"):
        stream.flush()
    return None
