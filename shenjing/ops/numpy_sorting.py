"""``keras.ops`` functions built on ordering: sort, argsort, argpartition, searchsorted,
digitize, unique, bincount, histogram.

``sort`` is differentiable: it gathers ``x`` at ``argsort(x)`` (take_along_axis), so each
sorted value's gradient returns to where it came from. The rest return indices or counts.
"""

import numpy as np  # host-side bookkeeping only

from .. import backend
from ..autograd import Tensor
from .dispatch import keras_op
from .numpy_common import check_axis, float_tensor, int_tensor, plain, promote, to_tensor
from .numpy_indexing import take_along_axis

__all__ = ["argpartition", "argsort", "bincount", "digitize", "histogram", "searchsorted", "sort",
           "unique"]


def _axis(x, axis):
    if axis is None:
        return x.reshape((-1,)), 0
    return x, check_axis(axis, x.ndim)


@keras_op("argsort")
def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (stable; flattened when None)."""
    data, axis = _axis(plain(x), axis)
    return int_tensor(backend.xp.argsort(data, axis=axis, kind="stable"))


@keras_op("sort")
def sort(x, axis=-1):
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape((-1,)), 0
    axis = check_axis(axis, x.ndim)
    if x.ndim == 0:
        return x
    order = backend.xp.argsort(x.data, axis=axis, kind="stable")
    return take_along_axis.eager(x, Tensor(order), axis=axis)


@keras_op("argpartition")
def argpartition(x, kth, axis=-1):
    """Indices that put the ``kth`` element in its sorted place, smaller ones before it."""
    data = plain(x)
    axis = check_axis(axis, data.ndim)
    if not -data.shape[axis] <= int(kth) < data.shape[axis]:
        raise ValueError(f"Expected `kth` in [-{data.shape[axis]}, {data.shape[axis]}). Received: kth={kth}")
    return int_tensor(backend.xp.argpartition(data, int(kth), axis=axis))


@keras_op("searchsorted", class_name="SearchSorted")
def searchsorted(sorted_sequence, values, side="left"):
    """Where each value would be inserted into the 1-D ``sorted_sequence`` to keep it sorted."""
    if side not in ("left", "right"):
        raise ValueError(f"Expected side='left' or 'right'. Received: side={side!r}")
    seq, vals = promote(sorted_sequence, values)
    if seq.ndim != 1:
        raise ValueError(f"Expected a 1-D `sorted_sequence`. Received: sorted_sequence.shape={seq.shape}")
    return int_tensor(backend.xp.searchsorted(seq.data, vals.data, side=side))


@keras_op("digitize")
def digitize(x, bins):
    """The bin index of each value: i with bins[i-1] <= x < bins[i] (increasing bins)."""
    b = plain(bins)
    if b.ndim != 1:
        raise ValueError(f"Expected 1-D `bins`. Received: bins.shape={b.shape}")
    return int_tensor(backend.xp.digitize(plain(x), b))


@keras_op("unique")
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    """The distinct values (sorted), with first indices, the inverse map and counts on request.
    ``size`` pads (with ``fill_value``, default the smallest value) or truncates the result."""
    data = plain(x)
    out = backend.xp.unique(data, return_index=True, return_inverse=True, return_counts=True, axis=axis)
    values, index, inverse, counts = out
    if not sorted:
        order = backend.xp.argsort(index)
        rank = backend.xp.argsort(order)
        values, index, counts = backend.xp.take(values, order, axis=0 if axis is not None else None), \
            index[order], counts[order]
        inverse = rank[inverse]
    if size is not None:
        n = values.shape[0 if axis is None else axis]
        if n >= size:
            values, index, counts = values[:size], index[:size], counts[:size]
        else:
            fill = values.min() if fill_value is None else fill_value
            pad = backend.xp.full((size - n,) + values.shape[1:], fill, dtype=values.dtype)
            values = backend.xp.concatenate([values, pad])
            index = backend.xp.concatenate([index, backend.xp.zeros(size - n, dtype=index.dtype)])
            counts = backend.xp.concatenate([counts, backend.xp.zeros(size - n, dtype=counts.dtype)])
    result = [Tensor(values)]
    if return_index:
        result.append(int_tensor(index))
    if return_inverse:
        result.append(int_tensor(inverse.reshape(data.shape) if axis is None else inverse))
    if return_counts:
        result.append(int_tensor(counts))
    return result[0] if len(result) == 1 else tuple(result)


@keras_op("bincount")
def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts (or summed ``weights``) of each non-negative integer in ``x``; a 2-D ``x`` counts
    per row."""
    if sparse:
        raise ValueError("Expected sparse=False (shenjing has no sparse tensors). Received: sparse=True")
    data = plain(x)
    if data.dtype.kind not in "iu" or (data.size and int(data.min()) < 0):
        raise ValueError(f"Expected non-negative integers in `x`. Received: x.dtype={data.dtype}")
    w = None if weights is None else plain(weights)
    length = max(int(minlength), int(data.max()) + 1 if data.size else 0)
    if data.ndim == 1:
        out = backend.xp.bincount(data, weights=w, minlength=length)
    elif data.ndim == 2:
        out = backend.xp.stack([backend.xp.bincount(row, weights=None if w is None else w[i], minlength=length)
                                for i, row in enumerate(data)])
    else:
        raise ValueError(f"Expected a 1-D or 2-D `x`. Received: x.shape={data.shape}")
    if w is None:
        return int_tensor(out)
    return Tensor(out.astype(w.dtype if w.dtype.kind == "f" else backend.floatx()))


@keras_op("histogram")
def histogram(x, bins=10, range=None):  # noqa: A002  (Keras's argument name)
    """(counts, bin edges) of a 1-D tensor (counts in the float dtype, as Keras) in ``bins`` equal bins over ``range``."""
    data = float_tensor(x).data
    if data.ndim != 1:
        raise ValueError(f"Input tensor must be 1-dimensional. Received: input.shape={data.shape}")
    if not isinstance(bins, (int, np.integer)) or bins <= 0:
        raise ValueError(f"Expected `bins` to be a positive int. Received: bins={bins!r}")
    counts, edges = backend.xp.histogram(data, bins=int(bins), range=range)
    return Tensor(counts.astype(data.dtype)), Tensor(edges.astype(data.dtype))
