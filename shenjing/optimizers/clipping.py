"""Gradient clipping as Keras 3 does it; the input arrays are never edited in place."""

import math

from .. import backend


def global_norm(arrays):
    """sqrt(sum of every element squared), over all the arrays together."""
    total = 0.0
    for a in arrays:
        flat = a.reshape(-1)
        total += float(backend.xp.dot(flat, flat))
    return math.sqrt(total)


def clip_by_norm(grad, clipnorm):
    """``g * clipnorm / max(||g||, clipnorm)``: a new array when it clips, else ``g`` itself."""
    flat = grad.reshape(-1)
    norm = math.sqrt(float(backend.xp.dot(flat, flat)))
    if norm > clipnorm:
        return grad * (clipnorm / norm)
    return grad


def clip_by_global_norm(grads, clip_norm):
    """Scale all gradients by ``clip_norm / max(global_norm, clip_norm)`` (NaN if not finite)."""
    norm = global_norm(grads)
    if not math.isfinite(norm):
        return [g * float("nan") for g in grads]
    if norm <= clip_norm:
        return list(grads)
    scale = clip_norm / norm
    return [g * scale for g in grads]
