"""``keras.ops.math``: keras.ops.math: segment ops, top_k, in_top_k, logsumexp, fft, stft, erf, rsqrt, extract_sequences.

Each public name is listed in ``__all__`` and wears ``dispatch.keras_op(name, module="math")``.
"""

__all__ = []
