"""``tf.dtypes`` and the dtype names of ``tf`` (``tf.float32``, ``tf.int64``, ``tf.bool``, ...).

A dtype is a NumPy dtype: it has TensorFlow's ``name`` ("float32"), compares equal to the
name and to NumPy's type, and casts with ``tf.cast``. ``as_dtype`` accepts names, NumPy
types and dtypes. (TensorFlow's ``string`` and ``bfloat16`` have no NumPy dtype: not here.)
"""

import numpy as np

from ..ops.core import cast as _cast, saturate_cast as _saturate_cast, standardize_dtype

__all__ = ["DType", "as_dtype", "cast", "saturate_cast", "float16", "float32", "float64", "half",
           "double", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "bool", "complex64", "complex128"]

DType = np.dtype

float16 = half = np.dtype("float16")
float32 = np.dtype("float32")
float64 = double = np.dtype("float64")
int8, int16, int32, int64 = (np.dtype(f"int{n}") for n in (8, 16, 32, 64))
uint8, uint16, uint32, uint64 = (np.dtype(f"uint{n}") for n in (8, 16, 32, 64))
bool = np.dtype("bool")  # noqa: A001  (tf.bool)
complex64, complex128 = np.dtype("complex64"), np.dtype("complex128")


def as_dtype(type_value):
    """The dtype for a name ("float32"), a NumPy type or dtype, or a Python type."""
    return standardize_dtype(type_value)


def cast(x, dtype, name=None):
    """``tf.cast``: x as ``dtype`` (floats to ints truncate toward zero)."""
    return _cast(x, dtype)


def saturate_cast(value, dtype, name=None):
    """``tf.dtypes.saturate_cast``: value clipped to what ``dtype`` holds, then cast."""
    return _saturate_cast(value, dtype)
