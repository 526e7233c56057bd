"""``keras.utils``: ``shenjing.utils`` (one implementation, re-exported) plus the few helpers
Keras puts there that live on higher floors (the session reset, the functional-graph helpers)."""

from ..utils import *  # noqa: F401,F403
from ..utils import (data_utils, file_utils, numerical_utils, progbar, py_dataset,  # noqa: F401
                     timeseries, tree)
from ..layers.keras_tensor import get_source_inputs, is_keras_tensor  # noqa: F401
from ..ops.core import standardize_dtype as _standardize_dtype
from .backend import clear_session  # noqa: F401


_PYTHON_DTYPES = {bool: "bool", int: "int32", float: "float32", complex: "complex64", "int": "int32"}


def standardize_dtype(dtype):
    """Keras's dtype name for ``dtype`` ("float32", "int64", ...): None -> floatx; the Python
    types as Keras maps them (bool -> "bool", int -> "int32", float -> "float32",
    complex -> "complex64"); names, NumPy types and dtypes -> their name."""
    if isinstance(dtype, (type, str)) and dtype in _PYTHON_DTYPES:
        return _PYTHON_DTYPES[dtype]
    return _standardize_dtype(dtype).name
