"""``keras.ops`` functions that rearrange values: reshape, transpose, moveaxis, squeeze,
broadcast_to, flip, roll, rot90, tile, repeat, pad, tril/triu, diagonal, diag, diff.

All are differentiable through the ``reshape``/``transpose``/``getitem``/``take``/``pad``
primitives (a flip is a reversed slice; tril is a ``where`` with a constant mask).
"""

import numpy as np  # index bookkeeping on shapes only

from .. import backend
from ..autograd import Tensor
from ..autograd import ops as P
from .dispatch import keras_op
from .numpy_common import check_axis, to_tensor

__all__ = ["broadcast_to", "diag", "diagflat", "diagonal", "diff", "expand_dims", "flip",
           "fliplr", "flipud", "moveaxis", "ndim", "pad", "ravel", "repeat", "reshape", "roll",
           "rot90", "size", "squeeze", "swapaxes", "tile", "transpose", "tril", "triu", "view"]


def _moved(x, name, axes):
    return [check_axis(a, x.ndim, name) for a in axes]


@keras_op("reshape")
def reshape(x, newshape):
    x = to_tensor(x)
    if isinstance(newshape, Tensor):
        newshape = newshape.tolist()
    return P.reshape(x, newshape)


@keras_op("ravel")
def ravel(x):
    return P.reshape(to_tensor(x), (-1,))


@keras_op("transpose")
def transpose(x, axes=None):
    return P.transpose(to_tensor(x), axes)


@keras_op("swapaxes")
def swapaxes(x, axis1, axis2):
    x = to_tensor(x)
    a, b = _moved(x, "axis", [axis1, axis2])
    return P.swapaxes(x, a, b)


@keras_op("moveaxis")
def moveaxis(x, source, destination):
    x = to_tensor(x)
    source = [source] if isinstance(source, (int, np.integer)) else list(source)
    destination = [destination] if isinstance(destination, (int, np.integer)) else list(destination)
    if len(source) != len(destination):
        raise ValueError(f"Expected `source` and `destination` of the same length. "
                         f"Received: source={source}, destination={destination}")
    source, destination = _moved(x, "source", source), _moved(x, "destination", destination)
    order = [a for a in range(x.ndim) if a not in source]
    for dst, src in sorted(zip(destination, source)):
        order.insert(dst, src)
    return P.transpose(x, order)


@keras_op("expand_dims")
def expand_dims(x, axis):
    x = to_tensor(x)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    for a in axes:
        check_axis(a, x.ndim + len(axes))
    return P.expand_dims(x, axes)


@keras_op("squeeze")
def squeeze(x, axis=None):
    x = to_tensor(x)
    if axis is not None:
        axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        for a in axes:
            if x.shape[check_axis(a, x.ndim)] != 1:
                raise ValueError(f"Cannot squeeze axis {a} of length {x.shape[a]} (shape {x.shape}). "
                                 f"Received: axis={axis}")
        axis = axes
    return P.squeeze(x, axis)


@keras_op("broadcast_to")
def broadcast_to(x, shape):
    x = to_tensor(x)
    try:
        np.broadcast_shapes(x.shape, tuple(shape))
    except ValueError:
        raise ValueError(f"Cannot broadcast a tensor of shape {x.shape} to shape {tuple(shape)}") from None
    return P.broadcast_to(x, shape)


@keras_op("ndim")
def ndim(x):
    """The rank of ``x``, a Python int (as Keras's backends return it)."""
    return to_tensor(x).ndim


@keras_op("size")
def size(x):
    """The number of elements of ``x``, a Python int."""
    return to_tensor(x).size


@keras_op("view")
def view(x, dtype=None):
    """The same bytes read as ``dtype`` (no gradient)."""
    x = to_tensor(x)
    return x if dtype is None else Tensor(x.data.view(np.dtype(dtype)))


@keras_op("flip")
def flip(x, axis=None):
    x = to_tensor(x)
    axes = range(x.ndim) if axis is None else ([axis] if isinstance(axis, (int, np.integer)) else axis)
    axes = set(_moved(x, "axis", axes))
    return P.getitem(x, tuple(slice(None, None, -1) if a in axes else slice(None) for a in range(x.ndim)))


@keras_op("fliplr")
def fliplr(x):
    return flip.eager(x, 1)


@keras_op("flipud")
def flipud(x):
    return flip.eager(x, 0)


@keras_op("rot90")
def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (from the first towards the second)."""
    x = to_tensor(array)
    if x.ndim < 2:
        raise ValueError(f"Expected a tensor of rank >= 2 for rot90. Received: array.shape={x.shape}")
    a, b = _moved(x, "axes", axes)
    if a == b:
        raise ValueError(f"Expected two different axes. Received: axes={axes}")
    k %= 4
    if k == 0:
        return x
    if k == 2:
        return flip.eager(flip.eager(x, a), b)
    order = list(range(x.ndim))
    order[a], order[b] = order[b], order[a]
    return P.transpose(flip.eager(x, b), order) if k == 1 else flip.eager(P.transpose(x, order), b)


@keras_op("roll")
def roll(x, shift, axis=None):
    """Shift values along ``axis`` with wrap-around (of the flattened tensor when None)."""
    x = to_tensor(x)
    if axis is None:
        return P.reshape(roll.eager(P.reshape(x, (-1,)), shift, 0), x.shape)
    shifts = [shift] if isinstance(shift, (int, np.integer)) else list(shift)
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    for s, a in zip(shifts, _moved(x, "axis", axes)):
        n = x.shape[a]
        if n:
            x = P.take(x, (np.arange(n) - int(s)) % n, axis=a)
    return x


@keras_op("tile")
def tile(x, repeats):
    """``x`` repeated ``repeats[i]`` times along axis i."""
    x = to_tensor(x)
    reps = (int(repeats),) if isinstance(repeats, (int, np.integer)) else tuple(int(r) for r in repeats)
    nd = max(x.ndim, len(reps))
    reps = (1,) * (nd - len(reps)) + reps
    x = P.reshape(x, (1,) * (nd - x.ndim) + x.shape)
    paired = []
    for n, r in zip(x.shape, reps):
        paired += [r, n]
    expanded = P.reshape(x, [v for n in x.shape for v in (1, n)])
    return P.reshape(P.broadcast_to(expanded, paired), [n * r for n, r in zip(x.shape, reps)])


@keras_op("repeat")
def repeat(x, repeats, axis=None):
    """Each element repeated ``repeats`` times (an int, or one count per element) along ``axis``."""
    x = to_tensor(x)
    if axis is None:
        x, axis = P.reshape(x, (-1,)), 0
    axis = check_axis(axis, x.ndim)
    counts = np.asarray(repeats.tolist() if isinstance(repeats, Tensor) else repeats)
    if counts.ndim > 1 or (counts.ndim == 1 and counts.size not in (1, x.shape[axis])) or (counts < 0).any():
        raise ValueError(f"Expected `repeats` to be a non-negative int or one count per element "
                         f"({x.shape[axis]}). Received: repeats={repeats}")
    return P.take(x, np.repeat(np.arange(x.shape[axis]), counts), axis=axis)


@keras_op("pad")
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad with a constant (``mode="constant"``) by ((before, after), ...) per axis."""
    if mode != "constant":
        raise ValueError(f"Expected mode='constant' (the only padding mode shenjing has). Received: mode={mode!r}")
    return P.pad(to_tensor(x), pad_width, mode, 0 if constant_values is None else constant_values)


def _triangle(x, k, lower):
    x = to_tensor(x)
    if x.ndim < 2:
        raise ValueError(f"Expected a tensor of rank >= 2. Received: x.shape={x.shape}")
    keep = backend.xp.tri(x.shape[-2], x.shape[-1], k=k if lower else k - 1, dtype=bool)
    if not lower:
        keep = ~keep
    if x.dtype.kind != "f":
        return Tensor(backend.xp.where(keep, x.data, backend.xp.zeros((), dtype=x.dtype)))
    return P.where(Tensor(keep), x, 0.0)


@keras_op("tril")
def tril(x, k=0):
    return _triangle(x, int(k), True)


@keras_op("triu")
def triu(x, k=0):
    return _triangle(x, int(k), False)


@keras_op("diagonal")
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal of the (axis1, axis2) planes, as the last axis."""
    x = to_tensor(x)
    if x.ndim < 2:
        raise ValueError(f"Expected a tensor of rank >= 2 for diagonal. Received: x.shape={x.shape}")
    a, b = _moved(x, "axis", [axis1, axis2])
    if a == b:
        raise ValueError(f"Expected two different axes. Received: axis1={axis1}, axis2={axis2}")
    rest = [i for i in range(x.ndim) if i not in (a, b)]
    x = P.transpose(x, rest + [a, b])
    n, m = x.shape[-2:]
    rows = np.arange(max(0, -offset), min(n, m - offset)) if min(n, m - offset) > max(0, -offset) \
        else np.arange(0)
    return P.getitem(x, (Ellipsis, rows, rows + offset))


@keras_op("diag")
def diag(x, k=0):
    """The k-th diagonal of a matrix, or a matrix with a vector on its k-th diagonal."""
    x = to_tensor(x)
    if x.ndim == 2:
        return diagonal.eager(x, k)
    if x.ndim != 1:
        raise ValueError(f"Expected a 1-D or 2-D tensor for diag. Received: x.shape={x.shape}")
    n = x.shape[0] + abs(int(k))
    rows = np.arange(x.shape[0]) + max(0, -int(k))
    cols = rows + int(k)
    flat = rows * n + cols
    if x.dtype.kind != "f":
        out = backend.xp.zeros((n * n,), dtype=x.dtype)
        out[flat] = x.data
        return Tensor(out.reshape(n, n))
    placement = backend.xp.zeros((x.shape[0], n * n), dtype=x.dtype)
    placement[np.arange(x.shape[0]), flat] = 1
    return P.reshape(P.matmul(x, Tensor(placement)), (n, n))


@keras_op("diagflat")
def diagflat(x, k=0):
    return diag.eager(ravel.eager(x), k)


@keras_op("diff")
def diff(a, n=1, axis=-1):
    """The n-th forward difference a[i+1] - a[i] along ``axis``."""
    x = to_tensor(a)
    axis = check_axis(axis, x.ndim)
    for _ in range(int(n)):
        head = (slice(None),) * axis
        upper, lower = P.getitem(x, head + (slice(1, None),)), P.getitem(x, head + (slice(None, -1),))
        x = Tensor(upper.data != lower.data) if x.dtype == bool else P.subtract(upper, lower)
    return x
