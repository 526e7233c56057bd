"""``keras.ops.numpy``: numpy-like functions (keras.ops.numpy): creation, elementwise math, comparisons, reductions, shape and indexing.

Each public name is listed in ``__all__`` and wears ``dispatch.keras_op(name, module="numpy")``.
The functions live in one file per topic (``numpy_creation``, ``numpy_unary``,
``numpy_binary``, ``numpy_logic``, ``numpy_reduce``, ``numpy_stats``, ``numpy_shape``,
``numpy_join``, ``numpy_indexing``, ``numpy_sorting``, ``numpy_products``); this module
gathers them. Keras's numpy names that shenjing leaves out: ``vectorize`` (a Python-level
function transformer, not an op on tensors).
"""

from . import (numpy_binary, numpy_creation, numpy_indexing, numpy_join, numpy_logic,
               numpy_products, numpy_reduce, numpy_shape, numpy_sorting, numpy_stats, numpy_unary)
from .numpy_binary import *  # noqa: F401,F403
from .numpy_creation import *  # noqa: F401,F403
from .numpy_indexing import *  # noqa: F401,F403
from .numpy_join import *  # noqa: F401,F403
from .numpy_logic import *  # noqa: F401,F403
from .numpy_products import *  # noqa: F401,F403
from .numpy_reduce import *  # noqa: F401,F403
from .numpy_shape import *  # noqa: F401,F403
from .numpy_sorting import *  # noqa: F401,F403
from .numpy_stats import *  # noqa: F401,F403
from .numpy_unary import *  # noqa: F401,F403

__all__ = sorted(set().union(*[m.__all__ for m in (
    numpy_binary, numpy_creation, numpy_indexing, numpy_join, numpy_logic, numpy_products,
    numpy_reduce, numpy_shape, numpy_sorting, numpy_stats, numpy_unary)]))
