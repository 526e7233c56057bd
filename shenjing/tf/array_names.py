"""TensorFlow's top-level array names (``tf.zeros``, ``tf.shape``, ``tf.concat``, ``tf.gather``,
``tf.reduce_mean``, ...), each an alias of one ``shenjing.ops`` function, wrapped only where
TensorFlow's arguments or semantics differ: ``tf.shape``/``tf.size``/``tf.rank`` return int32
tensors, ``tf.split`` takes section sizes, ``tf.where(c)`` returns an (N, rank) int64 index
matrix, ``tf.gather`` has ``batch_dims``, ``tf.range`` is int32 for integers. The elementwise
and reduction names are ``tf.math``'s (the same functions)."""

import numpy as np  # shape and dtype bookkeeping only

from .. import backend
from ..autograd import Tensor
from ..ops import core as ops_core
from ..ops import numpy as knp
from ..ops.nn_losses import one_hot as ops_one_hot
from ..ops.numpy_common import to_tensor
from .math import (abs, add, argmax, argmin, cumsum, divide, equal, exp, floor, greater,  # noqa: F401
                   greater_equal, less, less_equal, log, logical_and, logical_not, logical_or,
                   maximum, minimum, multiply, not_equal, pow, reduce_all, reduce_any,
                   reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum,
                   round, sign, sqrt, square, subtract, sin, cos, tan, sinh, cosh, tanh,
                   sigmoid, negative, truediv)

__all__ = ["add_n", "argsort", "boolean_mask", "clip_by_value", "concat", "einsum", "expand_dims",
           "eye", "fill", "one_hot", "gather", "gather_nd", "linspace", "matmul", "newaxis", "norm", "ones",
           "ones_like", "pad", "range", "rank", "reshape", "reverse", "shape", "size", "sort",
           "split", "squeeze", "stack", "tensordot", "tile", "repeat", "transpose", "unstack", "where",
           "zeros", "zeros_like",
           "abs", "add", "argmax", "argmin", "cumsum", "divide", "equal", "exp", "floor", "greater",
           "greater_equal", "less", "less_equal", "log", "logical_and", "logical_not", "logical_or",
           "maximum", "minimum", "multiply", "not_equal", "pow", "reduce_all", "reduce_any",
           "reduce_logsumexp", "reduce_max", "reduce_mean", "reduce_min", "reduce_prod",
           "reduce_sum", "round", "sign", "sqrt", "square", "subtract",
           "sin", "cos", "tan", "sinh", "cosh", "tanh", "sigmoid", "negative", "truediv"]

newaxis = None


def _dt(dtype):
    return None if dtype is None else np.dtype(getattr(dtype, "name", dtype))


def zeros(shape, dtype="float32", name=None):
    return knp.zeros(shape, _dt(dtype))


def ones(shape, dtype="float32", name=None):
    return knp.ones(shape, _dt(dtype))


def zeros_like(input, dtype=None, name=None):  # noqa: A002  (tf's argument name)
    return knp.zeros_like(input, _dt(dtype))


def ones_like(input, dtype=None, name=None):  # noqa: A002
    return knp.ones_like(input, _dt(dtype))


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` filled with ``value`` (its dtype: int32 for ints, float32 for floats)."""
    return knp.full(dims, value, dtype=knp.array(value).dtype)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001  (tf.range)
    return knp.arange(start, limit, delta, dtype=_dt(dtype))


def eye(num_rows, num_columns=None, batch_shape=None, dtype="float32", name=None):
    out = knp.eye(num_rows, num_columns, dtype=_dt(dtype))
    if batch_shape:
        out = knp.broadcast_to(out, tuple(batch_shape) + out.shape)
    return out


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """``tf.one_hot``: ``keras.ops.one_hot`` with TF's extras: indices outside [0, depth) give a row
    of ``off_value``; ``on_value``/``off_value`` default to 1/0 in ``dtype`` (float32 unless the
    values fix it). No gradient."""
    labels = np.asarray(to_tensor(indices).numpy())
    if labels.dtype.kind not in "iuf" or (labels.dtype.kind == "f" and not (labels == np.round(labels)).all()):
        raise ValueError(f"tf.one_hot expects integer indices (whole-valued floats are accepted). "
                         f"Received: indices={labels}")
    depth = int(depth)
    labels = labels.astype(np.int64)
    labels = np.where((labels >= 0) & (labels < depth), labels, -1)
    if dtype is None:
        given = on_value if on_value is not None else off_value
        dtype = "float32" if given is None else knp.array(given).dtype
    out = ops_one_hot(labels, depth, axis=-1 if axis is None else axis, dtype=_dt(dtype))
    if on_value is None and off_value is None:
        return out
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    return Tensor(backend.xp.asarray(np.where(out.numpy() > 0, on, off).astype(_dt(dtype))))


def linspace(start, stop, num, name=None, axis=0):
    return knp.linspace(start, stop, num, axis=axis, dtype=backend.floatx())


def shape(input, out_type="int32", name=None):  # noqa: A002
    """The shape as a 1-D integer tensor."""
    return Tensor(backend.xp.asarray(to_tensor(input).shape, dtype=_dt(out_type)))


def size(input, out_type="int32", name=None):  # noqa: A002
    return Tensor(backend.xp.asarray(to_tensor(input).size, dtype=_dt(out_type)))


def rank(input, name=None):  # noqa: A002
    return Tensor(backend.xp.asarray(to_tensor(input).ndim, dtype="int32"))


def reshape(tensor, shape, name=None):
    return knp.reshape(tensor, shape)


def expand_dims(input, axis, name=None):  # noqa: A002
    return knp.expand_dims(input, axis)


def squeeze(input, axis=None, name=None):  # noqa: A002
    return knp.squeeze(input, axis)


def transpose(a, perm=None, conjugate=False, name=None):
    return knp.transpose(a, perm)


def concat(values, axis, name="concat"):
    return knp.concatenate(values, axis=axis)


def stack(values, axis=0, name="stack"):
    return knp.stack(values, axis=axis)


def unstack(value, num=None, axis=0, name="unstack"):
    """The slices of ``value`` along ``axis``, as a list (``shenjing.ops.unstack``)."""
    return ops_core.unstack(value, num=num, axis=axis)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Equal pieces (an int) or pieces of the given sizes (one may be -1)."""
    x = to_tensor(value)
    if isinstance(num_or_size_splits, (int, np.integer)):
        return knp.split(x, int(num_or_size_splits), axis=axis)
    sizes = [int(s) for s in (num_or_size_splits.tolist() if isinstance(num_or_size_splits, Tensor)
                              else num_or_size_splits)]
    n = x.shape[axis]
    if sizes.count(-1) == 1:
        sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
    if sum(sizes) != n or any(s < 0 for s in sizes):
        raise ValueError(f"Expected sizes that sum to {n} (the length of axis {axis}). "
                         f"Received: num_or_size_splits={num_or_size_splits}")
    return knp.split(x, np.cumsum(sizes)[:-1].tolist(), axis=axis)


def tile(input, multiples, name=None):  # noqa: A002
    return knp.tile(input, multiples.tolist() if isinstance(multiples, Tensor) else multiples)


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """``tf.repeat``: NumPy's ``repeat`` (axis None: of the flattened input)."""
    return knp.repeat(input, repeats.tolist() if isinstance(repeats, Tensor) else repeats, axis=axis)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """params gathered at ``indices`` along ``axis`` (default batch_dims), the first
    ``batch_dims`` axes of params and indices matched pairwise: shape
    params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1:]."""
    x, idx = to_tensor(params), to_tensor(indices)
    if batch_dims < 0:
        batch_dims += idx.ndim
    axis = batch_dims if axis is None else axis % x.ndim
    if batch_dims == 0:
        return knp.take(x, idx, axis=axis)
    if not 0 < batch_dims <= min(axis, idx.ndim) or x.shape[:batch_dims] != idx.shape[:batch_dims]:
        raise ValueError(f"Expected params and indices to share their first batch_dims={batch_dims} "
                         f"axes, and batch_dims <= axis={axis}. Received: params.shape={x.shape}, "
                         f"indices.shape={idx.shape}")
    # One advanced index: the batch coordinates broadcast against the indices, the gathered
    # axis moved right after the batch axes (x[b, i] with b, i broadcast), then put back.
    batch = int(np.prod(x.shape[:batch_dims]))
    rest = idx.shape[batch_dims:]
    xf = knp.reshape(x, (batch,) + x.shape[batch_dims:])
    xf = knp.moveaxis(xf, axis - batch_dims + 1, 1)                  # (B, A, pre..., post...)
    b = backend.xp.arange(batch).reshape((batch,) + (1,) * len(rest))
    out = knp.get_item(xf, (b, idx.data.reshape((batch,) + rest)))  # (B, *rest, pre..., post...)
    pre = axis - batch_dims
    order = ([0] + list(range(1 + len(rest), 1 + len(rest) + pre)) + list(range(1, 1 + len(rest)))
             + list(range(1 + len(rest) + pre, out.ndim)))
    out = knp.transpose(out, order)
    return knp.reshape(out, x.shape[:batch_dims] + out.shape[1:])


def gather_nd(params, indices, batch_dims=0, name=None):
    """params[indices[..., 0], indices[..., 1], ...]: the last axis of ``indices`` indexes the
    leading axes of ``params``."""
    if batch_dims:
        raise ValueError(f"Expected batch_dims=0 (shenjing's gather_nd). Received: batch_dims={batch_dims}")
    x, idx = to_tensor(params), to_tensor(indices).data
    if idx.shape[-1] > x.ndim:
        raise ValueError(f"Expected indices.shape[-1] <= rank(params) = {x.ndim}. Received: indices.shape={idx.shape}")
    key = tuple(idx[..., i] for i in np.arange(idx.shape[-1]).tolist())
    return knp.get_item(x, key)


def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """The entries of ``tensor`` where ``mask`` (covering axes axis..axis+mask.ndim) is True, flattened
    over the masked axes."""
    x, m = to_tensor(tensor), to_tensor(mask).data.astype(bool)
    axis = 0 if axis is None else axis % x.ndim
    if x.shape[axis:axis + m.ndim] != m.shape:
        raise ValueError(f"Expected a mask of shape {x.shape[axis:axis + m.ndim]}. Received: mask.shape={m.shape}")
    flat = knp.reshape(x, x.shape[:axis] + (-1,) + x.shape[axis + m.ndim:])
    return knp.take(flat, backend.xp.nonzero(m.reshape(-1))[0], axis=axis)


def where(condition, x=None, y=None, name=None):
    """x where condition else y; with condition alone, the (N, rank) int64 coordinates of its
    True entries."""
    if x is None and y is None:
        coords = backend.xp.argwhere(to_tensor(condition).data)
        return Tensor(coords.astype("int64"))
    return knp.where(condition, x, y)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    if str(mode).upper() != "CONSTANT":
        raise ValueError(f"Expected mode='CONSTANT' (shenjing pads with a constant). Received: mode={mode!r}")
    paddings = paddings.tolist() if isinstance(paddings, Tensor) else paddings
    return knp.pad(tensor, paddings, constant_values=constant_values)


def reverse(tensor, axis, name=None):
    return knp.flip(tensor, tuple(axis.tolist() if isinstance(axis, Tensor) else axis))


def sort(values, axis=-1, direction="ASCENDING", name=None):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"Expected direction 'ASCENDING' or 'DESCENDING'. Received: direction={direction!r}")
    out = knp.sort(values, axis=axis)
    return out if direction == "ASCENDING" else knp.flip(out, axis)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"Expected direction 'ASCENDING' or 'DESCENDING'. Received: direction={direction!r}")
    x = to_tensor(values)
    if direction == "ASCENDING":
        return knp.argsort(x, axis=axis)
    # Descending without negating (negation breaks unsigned ints and the minimum int): a stable
    # ascending sort of the reversed array, read backwards, maps back to x's indices; equal
    # values keep their original order.
    xp, data = backend.xp, x.data
    if data.ndim == 0:
        return Tensor(xp.asarray(0, dtype="int32"))
    n = data.shape[axis]
    order = xp.flip(xp.argsort(xp.flip(data, axis), axis=axis, kind="stable"), axis)
    return Tensor((n - 1 - order).astype("int32"))


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    return knp.clip(t, clip_value_min, clip_value_max)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, name=None, **kwargs):
    a, b = to_tensor(a), to_tensor(b)
    if transpose_a or adjoint_a:
        a = knp.swapaxes(a, -1, -2)
    if transpose_b or adjoint_b:
        b = knp.swapaxes(b, -1, -2)
    return knp.matmul(a, b)


def tensordot(a, b, axes, name=None):
    return knp.tensordot(a, b, axes)


def einsum(equation, *inputs, **kwargs):
    kwargs.pop("name", None)
    return knp.einsum(equation, *inputs, **kwargs)


from .linalg import norm  # noqa: E402  (tf.norm is tf.linalg.norm)


def add_n(inputs, name=None):
    """The elementwise sum of a list of same-shaped tensors."""
    if not inputs:
        raise ValueError("Expected a non-empty list of tensors for add_n. Received: inputs=[]")
    out = inputs[0]
    for x in inputs[1:]:
        out = knp.add(out, x)
    return knp.array(out) if not isinstance(out, Tensor) else out
