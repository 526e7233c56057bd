"""``keras.ops.nn``: neural-network functions (keras.ops.nn): activations, normalizations, cross-entropies, moments, one_hot, dot_product_attention.

Each public name is listed in ``__all__`` and wears ``dispatch.keras_op(name, module="nn")``.
"""

__all__ = []
