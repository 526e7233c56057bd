"""``keras.ops`` gathering and selection: take, take_along_axis, get_item, where, select,
nonzero, unravel_index. Values gathered from a float tensor carry its gradient (scattered
back and summed over repeated indices); index results are int32 with none."""

import numpy as np  # index bookkeeping on shapes only

from .. import backend
from ..autograd import Tensor
from ..autograd import ops as P
from .dispatch import keras_op
from .numpy_common import check_axis, int_tensor, plain, promote, to_tensor

__all__ = ["get_item", "nonzero", "select", "take", "take_along_axis", "unravel_index", "where"]


def _indices(indices, name="indices"):
    idx = plain(indices)
    if idx.dtype.kind not in "iu":
        if idx.dtype.kind == "f" and bool((idx == backend.xp.round(idx)).all()):
            return idx.astype("int64")
        raise TypeError(f"Expected `{name}` to be integers. Received: {name}.dtype={idx.dtype}")
    return idx


@keras_op("take")
def take(x, indices, axis=None):
    """``x`` gathered at ``indices`` along ``axis`` (of the flattened tensor when None);
    negative indices count from the end."""
    x = to_tensor(x)
    if axis is not None:
        axis = check_axis(axis, x.ndim)
    return P.take(x, _indices(indices), axis=axis)


@keras_op("take_along_axis")
def take_along_axis(x, indices, axis=None):
    """out[..., i, ...] = x[..., indices[..., i, ...], ...] along ``axis``; the other axes of
    ``x`` and ``indices`` broadcast."""
    x, idx = to_tensor(x), _indices(indices)
    if axis is None:
        x, axis = P.reshape(x, (-1,)), 0
        idx = idx.reshape(-1)
    if idx.ndim != x.ndim:
        raise ValueError(f"Expected `indices` of the same rank as `x` ({x.ndim}). "
                         f"Received: indices.shape={idx.shape}")
    axis = check_axis(axis, x.ndim)
    n = x.shape[axis]
    if idx.size and (int(idx.max()) >= n or int(idx.min()) < -n):
        raise IndexError(f"take_along_axis: an index is out of range for axis {axis} of size {n} "
                         f"(x.shape={x.shape})")
    others = list(np.broadcast_shapes(tuple(1 if i == axis else s for i, s in enumerate(x.shape)),
                                      tuple(1 if i == axis else s for i, s in enumerate(idx.shape))))
    x = P.broadcast_to(x, [n if d == axis else s for d, s in enumerate(others)])
    idx = backend.xp.broadcast_to(idx, [idx.shape[axis] if d == axis else s for d, s in enumerate(others)])
    key = []
    for d in range(x.ndim):
        if d == axis:
            key.append(idx % n)
        else:
            shape = [1] * x.ndim
            shape[d] = x.shape[d]
            key.append(backend.xp.arange(x.shape[d]).reshape(shape))
    return P.getitem(x, tuple(key))


@keras_op("get_item")
def get_item(x, key):
    """x[key] (NumPy's basic and advanced indexing): eagerly a list key is an index array, as in
    Keras (``get_item(x, [0, 2])`` is rows 0 and 2); a graph node reads it as a tuple (op_node)."""
    return P.getitem(to_tensor(x), key)


@keras_op("where")
def where(condition, x1=None, x2=None):
    """x1 where ``condition`` holds, else x2; with ``condition`` alone, ``nonzero(condition)``."""
    if (x1 is None) != (x2 is None):
        raise ValueError("Expected both `x1` and `x2`, or neither. "
                         f"Received: x1={'None' if x1 is None else 'a tensor'}, x2={'None' if x2 is None else 'a tensor'}")
    if x1 is None:
        return nonzero.eager(condition)
    a, b = promote(x1, x2)
    cond = Tensor(plain(condition).astype(bool))
    if a.dtype.kind != "f":
        return Tensor(backend.xp.where(cond.data, a.data, b.data))
    return P.where(cond, a, b)


@keras_op("nonzero")
def nonzero(x):
    """A tuple of int32 index tensors, one per axis, of the non-zero elements."""
    return tuple(int_tensor(i) for i in backend.xp.nonzero(plain(x)))


@keras_op("select")
def select(condlist, choicelist, default=0):
    """The first choice whose condition holds, else ``default`` (checked in order)."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"Expected as many conditions as choices. Received: {len(condlist)} "
                         f"conditions and {len(choicelist)} choices")
    if not condlist:
        raise ValueError("Expected at least one condition in `condlist`. Received: condlist=[]")
    *choices, out = promote(*choicelist, default)
    for cond, choice in reversed(list(zip(condlist, choices))):
        out = where.eager(cond, choice, out)
    shape = np.broadcast_shapes(*[plain(c).shape for c in condlist], *[c.shape for c in choices])
    return P.broadcast_to(out, shape) if out.dtype.kind == "f" else Tensor(backend.xp.broadcast_to(out.data, shape))


@keras_op("unravel_index")
def unravel_index(indices, shape):
    """Flat indices as a tuple of coordinate tensors for ``shape``."""
    idx = _indices(indices)
    size = int(np.prod(shape))
    if idx.size and (int(idx.max()) >= size or int(idx.min()) < 0):
        raise ValueError(f"Expected indices in [0, {size}) for shape {tuple(shape)}. "
                         f"Received: max index {int(idx.max())}")
    return tuple(int_tensor(i) for i in backend.xp.unravel_index(idx, tuple(shape)))
