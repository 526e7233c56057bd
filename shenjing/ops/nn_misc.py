"""``keras.ops.nn``: dot_product_attention, depth_to_space / space_to_depth (pixel shuffle),
and polar (complex numbers from magnitude and angle)."""

import numpy as np  # dtype limits only

from .. import backend
from ..autograd.ops import activation as _act
from ..autograd.ops import arithmetic as _ar
from ..autograd.ops import attention as _attention
from ..autograd.ops import linalg as _lin
from ..autograd.ops import shape as _shape
from ..autograd.tensor import Tensor, as_tensor
from .dispatch import keras_op

__all__ = ["dot_product_attention", "depth_to_space", "space_to_depth", "polar"]


def _grouped(t, name, n_heads, shape):
    """A bias or mask of rank 2-4 broadcast to (B, N, T, S) the way Keras's JAX backend reads it."""
    data = t
    while data.ndim < 4:
        data = (_shape.expand_dims(data, 2) if data.ndim == 3 and data.shape[1] == n_heads
                else _shape.expand_dims(data, 1))
    if data.shape[1] not in (1, n_heads):
        raise ValueError(f"Expected `{name}` to have shape (B, 1, T, S) or (B, N, T, S) with "
                         f"N={n_heads} but got {t.shape}.")
    return _shape.broadcast_to(data, shape) if isinstance(data, Tensor) else data


def _keep_mask(mask, is_causal, n_heads, shape):
    """The boolean (B, N, T, S) keep mask of ``mask`` and ``is_causal``, or None."""
    keep = None
    if mask is not None:
        m = backend.xp.asarray(getattr(mask, "data", mask)).astype(bool)
        keep = backend.xp.broadcast_to(_grouped(Tensor(m), "mask", n_heads, shape).data, shape)
    if is_causal:
        causal = backend.xp.tril(backend.xp.ones(shape[-2:], dtype=bool))
        keep = causal if keep is None else keep & causal
    return keep


@keras_op("dot_product_attention", module="nn")
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """softmax(scale * q k^T + bias, masked) v over (B, T, N, H) query and (B, S, K, H)
    key/value; K must divide N (grouped-query attention: query head n reads key head n // (N/K)).
    ``mask`` (True = attend) and ``is_causal`` (query t attends keys <= t) mask logits out."""
    if flash_attention:
        raise ValueError("Flash attention is not supported: shenjing computes attention on "
                         "NumPy. Received: flash_attention=True")
    query = as_tensor(query)
    if query.dtype.kind != "f":
        query = _ar.cast(query, backend.floatx())
    key, value = as_tensor(key, like=query), as_tensor(value, like=query)
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise ValueError("`dot_product_attention` only supports 4D inputs. "
                         f"Received: query.shape={query.shape}, key.shape={key.shape}, "
                         f"value.shape={value.shape}.")
    b, t, n, h = query.shape
    s, k = key.shape[1], key.shape[2]
    if key.shape[0] != b or value.shape[:3] != key.shape[:3] or key.shape[3] != h or n % k:
        raise ValueError("dot_product_attention: expected query (B, T, N, H), key (B, S, K, H) "
                         "and value (B, S, K, H_v) with K dividing N. Received: "
                         f"query.shape={query.shape}, key.shape={key.shape}, "
                         f"value.shape={value.shape}")
    if k != n:  # each key/value head serves N/K query heads
        heads = backend.xp.arange(n) // (n // k)
        key, value = _shape.take(key, heads, axis=2), _shape.take(value, heads, axis=2)
    scale = 1.0 / np.sqrt(h) if scale is None else scale
    q = _shape.transpose(query, (0, 2, 1, 3))               # (B, N, T, H)
    if bias is None and attn_logits_soft_cap is None:       # the fused op: one graph node
        keep = _keep_mask(mask, is_causal, n, (b, n, t, s))
        out = _attention.scaled_dot_product_attention(
            q, _shape.transpose(key, (0, 2, 1, 3)), _shape.transpose(value, (0, 2, 1, 3)),
            keep=keep, scale=float(scale), fill=-0.7 * float(np.finfo(query.dtype).max))
        return _shape.transpose(out, (0, 2, 1, 3))
    kt = _shape.transpose(key, (0, 2, 3, 1))                # (B, N, H, S)
    logits = _lin.matmul(q, kt) * scale                      # (B, N, T, S)
    if bias is not None:
        logits = logits + _grouped(as_tensor(bias, like=query), "bias", n, logits.shape)
    if attn_logits_soft_cap is not None:
        logits = logits / (1.0 + _ar.abs(logits) / attn_logits_soft_cap)
    keep = _keep_mask(mask, is_causal, n, logits.shape)
    if keep is not None:
        large_negative = -0.7 * float(np.finfo(logits.dtype).max)
        logits = _ar.where(backend.xp.broadcast_to(keep, logits.shape), logits,
                           as_tensor(backend.xp.asarray(large_negative, dtype=logits.dtype)))
    probs = _act.softmax(logits, axis=-1)
    v = _shape.transpose(value, (0, 2, 1, 3))               # (B, N, S, H_v)
    return _shape.transpose(_lin.matmul(probs, v), (0, 2, 1, 3))


def _check_block(x, block_size, data_format, name):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"{name}: expected data_format 'channels_last' or 'channels_first'. "
                         f"Received: data_format={data_format!r}")
    if x.ndim != 4:
        raise ValueError(f"{name}: expected a 4-D input. Received: x.shape={x.shape}")
    if not isinstance(block_size, int) or block_size < 1:
        raise ValueError(f"{name}: expected a positive int block_size. "
                         f"Received: block_size={block_size}")


@keras_op("depth_to_space", module="nn")
def depth_to_space(x, block_size, data_format="channels_last"):
    """(N, H, W, C) -> (N, H*b, W*b, C/b^2): channel blocks become b x b pixel blocks."""
    x = as_tensor(x)
    _check_block(x, block_size, data_format, "depth_to_space")
    bs = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
        if c % (bs * bs):
            raise ValueError(f"depth_to_space: channels {c} not divisible by block_size**2")
        y = _shape.reshape(x, (n, h, w, bs, bs, c // bs**2))
        y = _shape.transpose(y, (0, 1, 3, 2, 4, 5))
        return _shape.reshape(y, (n, h * bs, w * bs, c // bs**2))
    n, c, h, w = x.shape
    if c % (bs * bs):
        raise ValueError(f"depth_to_space: channels {c} not divisible by block_size**2")
    y = _shape.reshape(x, (n, c // bs**2, bs, bs, h, w))
    y = _shape.transpose(y, (0, 1, 4, 2, 5, 3))
    return _shape.reshape(y, (n, c // bs**2, h * bs, w * bs))


@keras_op("space_to_depth", module="nn")
def space_to_depth(x, block_size, data_format="channels_last"):
    """(N, H, W, C) -> (N, H/b, W/b, C*b^2): the inverse of depth_to_space."""
    x = as_tensor(x)
    _check_block(x, block_size, data_format, "space_to_depth")
    bs = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
        if h % bs or w % bs:
            raise ValueError(f"space_to_depth: height {h} and width {w} must be divisible by "
                             f"block_size={bs}")
        y = _shape.reshape(x, (n, h // bs, bs, w // bs, bs, c))
        y = _shape.transpose(y, (0, 1, 3, 2, 4, 5))
        return _shape.reshape(y, (n, h // bs, w // bs, c * bs * bs))
    n, c, h, w = x.shape
    if h % bs or w % bs:
        raise ValueError(f"space_to_depth: height {h} and width {w} must be divisible by "
                         f"block_size={bs}")
    y = _shape.reshape(x, (n, c, h // bs, bs, w // bs, bs))
    y = _shape.transpose(y, (0, 1, 3, 5, 2, 4))
    return _shape.reshape(y, (n, c * bs * bs, h // bs, w // bs))


@keras_op("polar", module="nn")
def polar(abs_, angle):
    """abs_ * (cos(angle) + i sin(angle)), a complex tensor. No gradient (shenjing's autograd
    is real-valued)."""
    xp = backend.xp
    r = xp.asarray(getattr(abs_, "data", abs_))
    a = xp.asarray(getattr(angle, "data", angle))
    if r.dtype.kind not in "fc":
        r = r.astype(backend.floatx())
    return Tensor(r * xp.cos(a) + 1j * (r * xp.sin(a)))
