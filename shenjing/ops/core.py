"""``keras.ops.core``: keras.ops.core: convert_to_tensor/numpy, cast, stop_gradient, scatter, slice, cond, while_loop, fori_loop, map, scan, shape, dtype, is_tensor.

Each public name is listed in ``__all__`` and wears ``dispatch.keras_op(name, module="core")``.
"""

__all__ = []
