"""``keras.ops.core``: conversion (convert_to_tensor/numpy, cast, saturate_cast, stop_gradient),
facts (shape, dtype, is_tensor), writes (scatter, scatter_update, slice, slice_update, unstack),
control flow run eagerly (cond, switch, while_loop, fori_loop, map, scan, associative_scan,
vectorized_map) and ``custom_gradient``.

Control flow is Python's: each branch or step runs as written and records its ops, so
gradients flow through the steps taken. Structures (lists, tuples, dicts) are walked with
``backend.tree``.
"""

import builtins

import numpy as np  # dtypes and host-side index bookkeeping only

from .. import backend
from ..autograd.ops import arithmetic, shape as shape_ops
from ..autograd.ops.custom import CustomGradient
from ..autograd.ops.scatter import IndexAdd, IndexSet, ScatterAdd, SliceSet
from ..autograd.tensor import Tensor, as_tensor
from ..backend import tree
from .dispatch import keras_op

__all__ = ["associative_scan", "cast", "cond", "convert_to_numpy", "convert_to_tensor",
           "custom_gradient", "dtype", "fori_loop", "is_tensor", "map", "saturate_cast", "scan",
           "scatter", "scatter_update", "shape", "slice", "slice_update",
           "stop_gradient", "switch", "unstack", "vectorized_map", "while_loop"]


def standardize_dtype(dtype):
    """A NumPy dtype for a name ("float32"), a NumPy type, a dtype or a Python type
    (float -> floatx, int -> int64, bool)."""
    if dtype is None:
        return np.dtype(backend.floatx())
    if dtype is float:
        return np.dtype(backend.floatx())
    name = getattr(dtype, "name", None)  # a TensorFlow-style dtype object
    try:
        return np.dtype(name if isinstance(name, str) and not isinstance(dtype, (np.dtype, type)) else dtype)
    except TypeError:
        raise ValueError(f"Invalid dtype: Expected a dtype name such as 'float32'. Received: dtype={dtype!r}") from None


@keras_op("convert_to_tensor", module="core")
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A Tensor for x (a Tensor stays itself, so gradients flow); Python ints become int32
    and Python floats floatx, as in Keras; arrays keep their dtype unless ``dtype`` is given."""
    if sparse or ragged:
        raise ValueError("convert_to_tensor: shenjing has no sparse or ragged tensors. "
                         f"Received: sparse={sparse}, ragged={ragged}")
    if isinstance(x, Tensor):
        return x if dtype is None else cast(x, dtype)
    if dtype is not None:
        return Tensor(x, dtype=standardize_dtype(dtype))
    t = Tensor(x)
    if t.dtype == np.int64 and not isinstance(x, (np.ndarray, np.generic, backend.xp.ndarray)):
        t = Tensor(t.data.astype(np.int32))
    return t


def convert_to_numpy(x):
    """A NumPy array for x (a host copy of the array module's array)."""
    if isinstance(x, Tensor):
        return backend.to_numpy(x.data)
    return np.asarray(x)


@keras_op("cast", module="core")
def cast(x, dtype):
    """x as ``dtype`` (float to int truncates toward zero); differentiable between floats."""
    return arithmetic.cast(convert_to_tensor(x), standardize_dtype(dtype))


def _limits(dtype):
    if dtype.kind == "b":
        return 0, 1
    return (np.iinfo(dtype).min, np.iinfo(dtype).max) if dtype.kind in "iu" else \
        (np.finfo(dtype).min, np.finfo(dtype).max)


@keras_op("saturate_cast", module="core")
def saturate_cast(x, dtype):
    """cast after clipping x to the range ``dtype`` can hold (no wrap-around, no inf)."""
    x = convert_to_tensor(x)
    out = standardize_dtype(dtype)
    (in_min, in_max), (out_min, out_max) = _limits(x.dtype), _limits(out)
    low = np.asarray(max(in_min, out_min)).astype(x.dtype)
    high = np.asarray(min(in_max, out_max)).astype(x.dtype)
    if low < out_min:
        low = np.nextafter(low, 0, dtype=x.dtype)
    if high > out_max:
        high = np.nextafter(high, 0, dtype=x.dtype)
    return cast(arithmetic.clip(x, low.item(), high.item()), out)


@keras_op("stop_gradient", module="core")
def stop_gradient(variable):
    """The same values, cut from the graph: no gradient flows through."""
    return convert_to_tensor(variable).detach()


def shape(x):
    """The static shape, a tuple of ints."""
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return tuple(np.shape(x))


def dtype(x):
    """The dtype's name, e.g. "float32"."""
    return standardize_dtype(getattr(x, "dtype", None) or convert_to_tensor(x).dtype).name


def is_tensor(x):
    return isinstance(x, Tensor)


# -- writes ------------------------------------------------------------------------------
def _index(indices, name):
    idx = backend.to_numpy(indices.data) if isinstance(indices, Tensor) else np.asarray(indices)
    if idx.dtype.kind not in "iu" or idx.ndim < 1:
        raise ValueError(f"{name}: Expected integer indices of shape (N, k). "
                         f"Received: indices.dtype={idx.dtype}, indices.shape={idx.shape}")
    if idx.ndim == 1:
        idx = idx[:, None]
    return idx.reshape(-1, idx.shape[-1]), idx.shape[:-1]


def _check_range(idx, target_shape, name):
    k = idx.shape[1]
    if k > len(target_shape):
        raise ValueError(f"{name}: each index has {k} coordinates but the tensor has rank "
                         f"{len(target_shape)}. Received: shape={tuple(target_shape)}")
    bounds = np.asarray(target_shape[:k])
    if idx.size and ((idx >= bounds).any() or (idx < -bounds).any()):
        raise IndexError(f"{name}: an index is out of range for shape {tuple(target_shape)}")


@keras_op("scatter", module="core")
def scatter(indices, values, shape):
    """zeros(shape) with ``values`` added at ``indices`` (N, k): repeated indices add up."""
    target = tuple(int(s) for s in shape)
    idx, lead = _index(indices, "scatter")
    _check_range(idx, target, "scatter")
    values = convert_to_tensor(values)
    want = (idx.shape[0],) + target[idx.shape[1]:]
    if values.size != int(np.prod(want)):
        raise ValueError(f"scatter: Expected values of shape {tuple(lead) + target[idx.shape[1]:]} "
                         f"for indices of shape {tuple(lead) + (idx.shape[1],)} and shape={target}. "
                         f"Received: values.shape={values.shape}")
    values = shape_ops.reshape(values, want)
    index = tuple(backend.xp.asarray(c) for c in idx.T)
    return ScatterAdd.apply(values, index=index, shape=target)


@keras_op("scatter_update", module="core")
def scatter_update(inputs, indices, updates, reduction=None):
    """inputs with ``updates`` written at ``indices`` (N, k): set (reduction=None; of repeated
    indices the last wins), "add", "max", "min" or "mul" (the last three with no gradient)."""
    x = convert_to_tensor(inputs)
    idx, _ = _index(indices, "scatter_update")
    _check_range(idx, x.shape, "scatter_update")
    u = as_tensor(updates, like=x)
    if u.dtype != x.dtype:
        u = cast(u, x.dtype)
    sub = x.shape[idx.shape[1]:]
    if u.size == idx.shape[0] * int(np.prod(sub)):
        u = shape_ops.reshape(u, (idx.shape[0],) + sub)
    index = tuple(backend.xp.asarray(c) for c in idx.T)
    if reduction is None:
        flat = np.ravel_multi_index(tuple(idx.T % np.asarray(x.shape[:idx.shape[1]])[:, None]),
                                    x.shape[:idx.shape[1]]) if idx.size else idx[:, 0]
        winners = None
        if len(np.unique(flat)) != len(flat):  # of repeated places, the last write wins
            last = len(flat) - 1 - np.unique(flat[::-1], return_index=True)[1]
            chosen = np.zeros(len(flat), dtype=bool)
            chosen[last] = True
            winners = backend.xp.asarray(chosen)
        return IndexSet.apply(x, u, index=index, winners=winners)
    if reduction == "add":
        return IndexAdd.apply(x, u, index=index)
    ufuncs = {"max": "maximum", "min": "minimum", "mul": "multiply"}
    if reduction not in ufuncs:
        raise ValueError(f"Unsupported reduction: {reduction}. Expected one of None, 'add', "
                         "'max', 'min', 'mul'.")
    out = x.data.copy()
    getattr(backend.xp, ufuncs[reduction]).at(out, index, u.data)
    return Tensor(out)


def _box(x, start_indices, sizes, name):
    starts = [int(s) for s in (convert_to_numpy(start_indices).tolist()
                                if not isinstance(start_indices, (list, tuple)) else
                                [convert_to_numpy(s).item() if isinstance(s, Tensor) else s
                                 for s in start_indices])]
    if len(starts) != x.ndim or len(sizes) != x.ndim:
        raise ValueError(f"{name}: Expected one start index and one size per axis of the input "
                         f"(rank {x.ndim}). Received: start_indices={starts}, shape={tuple(sizes)}")
    region = []
    for axis, (start, size) in enumerate(zip(starts, sizes)):
        size = x.shape[axis] - start if size == -1 else int(size)
        if start < 0 or size < 0 or start + size > x.shape[axis]:
            raise ValueError(f"{name}: the box start={starts}, shape={tuple(sizes)} does not fit "
                             f"in the input of shape {x.shape} (axis {axis})")
        region.append(builtins.slice(start, start + size))
    return tuple(region)


@keras_op("slice", module="core")
def slice(inputs, start_indices, shape):  # noqa: A001  (keras.ops.slice)
    """The box of ``shape`` (-1: to the end of the axis) starting at ``start_indices``."""
    x = convert_to_tensor(inputs)
    return shape_ops.getitem(x, _box(x, start_indices, tuple(shape), "slice"))


@keras_op("slice_update", module="core")
def slice_update(inputs, start_indices, updates):
    """inputs with the box at ``start_indices`` replaced by ``updates``."""
    x = convert_to_tensor(inputs)
    u = as_tensor(updates, like=x)
    if u.ndim != x.ndim:
        raise ValueError(f"slice_update: Expected updates of the input's rank {x.ndim}. "
                         f"Received: updates.shape={u.shape}")
    if u.dtype != x.dtype:
        u = cast(u, x.dtype)
    return SliceSet.apply(x, u, region=_box(x, start_indices, u.shape, "slice_update"))


@keras_op("unstack", module="core")
def unstack(x, num=None, axis=0):
    """The slices of x along ``axis``, as a list."""
    x = convert_to_tensor(x)
    n = x.shape[axis]
    if num is not None and num != n:
        raise ValueError(f"unstack: Expected num={num} to equal the length {n} of axis {axis}. "
                         f"Received: x.shape={x.shape}")
    prefix = (builtins.slice(None),) * (axis % x.ndim)
    return [shape_ops.getitem(x, prefix + (i,)) for i in range(n)]


# -- control flow (eager) ------------------------------------------------------------------
@keras_op("cond", module="core")
def cond(pred, true_fn, false_fn):
    return true_fn() if bool(pred) else false_fn()


@keras_op("switch", module="core")
def switch(index, branches, *operands):
    """``branches[index](*operands)``, the index clamped to the valid range, as Keras does."""
    i = builtins.min(builtins.max(int(index), 0), len(branches) - 1)
    return branches[i](*operands)


@keras_op("while_loop", module="core")
def while_loop(cond, body, loop_vars, maximum_iterations=None):  # noqa: A002
    """Run ``body`` while ``cond`` holds; loop_vars is a tuple/list (unpacked into both) or one value."""
    is_tuple = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)
    steps = 0
    while (maximum_iterations is None or steps < maximum_iterations) and bool(cond(*state)):
        out = body(*state)
        state = tuple(out) if is_tuple else (out,)
        steps += 1
    return type(loop_vars)(state) if is_tuple and isinstance(loop_vars, list) else \
        (state if is_tuple else state[0])


@keras_op("fori_loop", module="core")
def fori_loop(lower, upper, body_fun, init_val):
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def _stack_outputs(outputs):
    """A list of same-shaped structures -> one structure of stacked tensors."""
    first = outputs[0]
    columns = [tree.flatten(o) for o in outputs]
    stacked = [shape_ops.stack([convert_to_tensor(c[j]) for c in columns])
               for j in range(len(columns[0]))]
    return tree.pack_sequence_as(first, stacked)


def _length(xs, name):
    leaves = tree.flatten(xs)
    lengths = {len(leaf) for leaf in leaves}
    if len(lengths) != 1:
        raise ValueError(f"{name}: Expected every input to have the same leading length. "
                         f"Received lengths {sorted(lengths)}")
    return lengths.pop()


def _slice_at(xs, i):
    return tree.map_structure(lambda leaf: convert_to_tensor(leaf)[i], xs)


@keras_op("map", module="core")
def map(f, xs):  # noqa: A001  (keras.ops.map)
    """``f`` applied to each slice of xs along its first axis; the results stacked."""
    n = _length(xs, "map")
    if n == 0:
        raise ValueError("map: Expected at least one element along the first axis. Received 0")
    return _stack_outputs([f(_slice_at(xs, i)) for i in range(n)])


@keras_op("vectorized_map", module="core")
def vectorized_map(function, elements):
    """As ``map``: ``function`` on each slice along the first axis, results stacked."""
    return map(function, elements)


@keras_op("scan", module="core")
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """carry, y = f(carry, x) over xs (or ``length`` steps with x=None); returns
    (final carry, the ys stacked)."""
    if xs is None and length is None:
        raise ValueError("scan: Expected xs or length. Received: xs=None, length=None")
    n = _length(xs, "scan") if xs is not None else int(length)
    if length is not None and xs is not None and int(length) != n:
        raise ValueError(f"scan: length={length} does not match the leading length {n} of xs")
    carry, ys = init, [None] * n
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        carry, ys[i] = f(carry, None if xs is None else _slice_at(xs, i))
    if n == 0 or ys[0] is None:
        return carry, None
    return carry, _stack_outputs(ys)


@keras_op("associative_scan", module="core")
def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan with an associative ``f``: out[i] = f(out[i-1], elems[i]) along ``axis``
    (f is called on slices that keep the axis, length 1), run sequentially."""
    leaves = [convert_to_tensor(leaf) for leaf in tree.flatten(elems)]
    n = leaves[0].shape[axis]
    prefix = (builtins.slice(None),) * (axis % leaves[0].ndim)

    def piece(i):
        return tree.pack_sequence_as(elems, [leaf[prefix + (builtins.slice(i, i + 1),)] for leaf in leaves])

    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    done = {}
    acc = None
    for i in order:
        acc = piece(i) if acc is None else (f(piece(i), acc) if reverse else f(acc, piece(i)))
        done[i] = acc
    columns = [tree.flatten(done[i]) for i in range(n)]
    joined = [shape_ops.concatenate([c[j] for c in columns], axis=axis % leaves[0].ndim)
              for j in range(len(columns[0]))]
    return tree.pack_sequence_as(elems, joined)


def custom_gradient(f):
    """Decorator: ``f(*args)`` returns ``(output, grad_fn)``; the decorated function returns
    ``output`` and backpropagates ``grad_fn(upstream)`` (one gradient per tensor argument).
    Tensors and arrays among the positional arguments are the differentiated inputs; other
    arguments are passed through as constants. One output tensor."""
    def wrapped(*args, **kwargs):
        positions = [i for i, a in enumerate(args) if isinstance(a, (Tensor, np.ndarray, backend.xp.ndarray))]
        tensors = [convert_to_tensor(args[i]) for i in positions]

        def call(*inner):
            full = list(args)
            for i, t in zip(positions, inner):
                full[i] = t
            return f(*full, **kwargs)

        return CustomGradient.apply(*tensors, call=call)

    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = getattr(f, "__doc__", None)
    return wrapped
