"""Keras's einsum equations for MultiHeadAttention's projections, and the masks and
symbolic outputs the attention layers share."""

import string

import numpy as np  # boolean masks built on the host from shapes

from ..keras_tensor import KerasTensor, Node


def build_proj_equation(free_dims, bound_dims, output_dims):
    """(equation, bias axes, output rank) of a projection: ``free_dims`` batch-like axes
    kept, ``bound_dims`` summed against the kernel, ``output_dims`` new axes from it."""
    letters = string.ascii_lowercase
    free = letters[:free_dims]
    bound = letters[free_dims:free_dims + bound_dims]
    new = letters[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{new}->{free}{new}", new, free_dims + output_dims


def get_output_shape(output_rank, known_last_dims):
    return [None] * (output_rank - len(known_last_dims)) + list(known_last_dims)


def as_bool(mask):
    """A mask (Tensor, array, list; nonzero = keep) as a host boolean array, or None."""
    if mask is None:
        return None
    return np.asarray(getattr(mask, "data", mask)).astype(bool, copy=False)


def causal_mask(q_len, v_len):
    """(1, T, S): query t attends keys s <= t (Keras: cumsum row index >= column index)."""
    return np.tril(np.ones((q_len, v_len), dtype=bool))[None]


def combine_masks(q_len, v_len, query_mask=None, value_mask=None, key_mask=None,
                  attention_mask=None, use_causal_mask=False, sliding_window=None):
    """MultiHeadAttention's mask (Keras's ``_compute_attention_mask``): query_mask[..., None]
    & value_mask[..., None, :] & key_mask[..., None, :] & causal & |t - s| < sliding_window,
    then & attention_mask; None when nothing masks."""
    parts = []
    if query_mask is not None:
        parts.append(as_bool(query_mask)[..., :, None])
    for mask in (value_mask, key_mask):
        if mask is not None:
            parts.append(as_bool(mask)[..., None, :])
    if use_causal_mask:
        parts.append(causal_mask(q_len, v_len))
    if sliding_window is not None:
        rows, cols = np.arange(q_len)[:, None], np.arange(v_len)[None, :]
        parts.append((np.abs(rows - cols) < sliding_window)[None])
    auto = None
    for part in parts:
        auto = part if auto is None else auto & part
    attention_mask = as_bool(attention_mask)
    if auto is not None:
        attention_mask = auto if attention_mask is None else attention_mask & auto
    return attention_mask


def symbolic_call_with_scores(layer, inputs, args, kwargs, output_shape, scores_shape):
    """A call on KerasTensors that returns (output, scores): both KerasTensors, one Node."""
    dtype = layer.compute_dtype
    outputs = (KerasTensor(tuple(output_shape), dtype=dtype),
               KerasTensor(tuple(scores_shape), dtype=dtype))
    Node(layer, (inputs,) + tuple(args), kwargs, outputs)
    return outputs
