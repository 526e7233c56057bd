"""Index arrays -> one_hot / multi_hot / count rows (Keras 3's ``encode_categorical_inputs``).

``ids`` are the indices a lookup gave; ``drop`` marks positions that count for nothing (the
mask token, which Keras maps to an index past ``depth`` so that its bincount drops it).
"""

import numpy as np

from ...autograd import Tensor


def as_array(x):
    """A NumPy array of ``x`` (a Tensor, an array, a list)."""
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


def check_sparse(layer_name, sparse):
    """Refuse ``sparse=True``: the encoders give dense rows only."""
    if sparse:
        raise ValueError(f"Layer '{layer_name}': `sparse=True` can only be used with the "
                         "TensorFlow backend (shenjing has no sparse tensors). Received: sparse=True")


def encode(ids, drop, output_mode, depth, weights=None):
    """float32 array: one_hot gives ``ids.shape (+ depth)`` with a trailing axis of 1 squeezed
    first; multi_hot and count reduce the last axis, any rank: ``ids.shape[:-1] + (depth,)``
    (a 1-D input is one sample; a 0-D one is a sample of one). Keras's TensorFlow backend
    refuses rank > 2; its JAX backend gives this shape but counts along the wrong axis.
    Indices past ``depth`` (and dropped ones) set nothing. ``weights`` (count only, the shape
    of ``ids``): ``out[..., k] = sum of weights[..., j] where ids[..., j] == k``, in the
    weights' float dtype."""
    ids = np.asarray(ids, dtype=np.int64)
    drop = np.broadcast_to(np.asarray(drop, dtype=bool), ids.shape)
    if weights is not None:
        if output_mode != "count":
            raise ValueError(f"`count_weights` is only used when `output_mode` is 'count'. "
                             f"Received: output_mode={output_mode}")
        weights = np.asarray(weights)
        if weights.shape != ids.shape:
            raise ValueError("`count_weights` must have the shape of the inputs. Received: "
                             f"count_weights.shape={weights.shape}, inputs.shape={ids.shape}")
        if weights.dtype.kind != "f":
            weights = weights.astype(np.float32)
    if ids.ndim == 0:
        ids, drop = ids[None], drop[None]
        weights = None if weights is None else weights[None]
    keep = ~drop & (ids >= 0) & (ids < depth)
    if output_mode == "one_hot":
        if ids.ndim > 1 and ids.shape[-1] == 1:
            ids, keep = ids[..., 0], keep[..., 0]
        out = np.zeros(ids.shape + (depth,), dtype=np.float32)
        rows = np.nonzero(keep)
        out[rows + (ids[rows],)] = 1.0
        return out
    lead = ids.shape[:-1]
    flat = ids.reshape(int(np.prod(lead)), ids.shape[-1])  # (batch, 0) too: empty strings
    keep = keep.reshape(flat.shape)
    out = np.zeros((flat.shape[0], depth), dtype=np.float32 if weights is None else weights.dtype)
    rows = np.broadcast_to(np.arange(flat.shape[0])[:, None], flat.shape)
    np.add.at(out, (rows[keep], flat[keep]), 1.0 if weights is None
              else weights.reshape(flat.shape)[keep])
    if output_mode == "multi_hot":
        np.minimum(out, 1.0, out=out)
    return out.reshape(lead + (depth,))
