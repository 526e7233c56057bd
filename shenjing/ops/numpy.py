"""``keras.ops.numpy``: numpy-like functions (keras.ops.numpy): creation, elementwise math, comparisons, reductions, shape and indexing.

Each public name is listed in ``__all__`` and wears ``dispatch.keras_op(name, module="numpy")``.
"""

__all__ = []
