"""Ops that move values without changing them: reshape, transpose, concatenate,
stack, split, pad, take (gather), indexing, broadcast_to, expand_dims, squeeze."""

import itertools
import math

import numpy as np  # host-side bookkeeping on shapes, pad widths and index types only

from ... import backend
from ..function import Function
from ..tensor import Tensor, as_tensor


class Reshape(Function):
    """y = x viewed with a new shape;  dx = g viewed with x's shape."""

    def forward(self, x, shape):
        self.shape = x.shape
        try:
            return x.reshape(shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} values) "
                f"into shape {tuple(shape)}"
            ) from None

    def backward(self, g):
        return g.reshape(self.shape)


class Transpose(Function):
    """y = x with axes permuted;  dx = g with the inverse permutation."""

    def forward(self, x, axes):
        self.axes = axes
        return backend.xp.transpose(x, axes)

    def backward(self, g):
        if self.axes is None:
            return backend.xp.transpose(g)
        return backend.xp.transpose(g, sorted(range(len(self.axes)), key=self.axes.__getitem__))


class BroadcastTo(Function):
    """y = x broadcast to a shape;  dx = g summed back (done by the engine)."""

    def forward(self, x, shape):
        return backend.xp.broadcast_to(x, shape)

    def backward(self, g):
        return g


class Concatenate(Function):
    """y = [x1, x2, ...] joined along an axis;  dxi = the matching slice of g."""

    def forward(self, *arrays, axis):
        self.axis = axis
        self.bounds = list(itertools.accumulate(a.shape[axis] for a in arrays))[:-1]
        return backend.xp.concatenate(arrays, axis=axis)

    def backward(self, g):
        return tuple(backend.xp.split(g, self.bounds, axis=self.axis))


class Pad(Function):
    """y = x with constant borders;  dx = the inner slice of g."""

    def forward(self, x, pad_width, constant_values):
        self.inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(pad_width, x.shape))
        return backend.xp.pad(x, pad_width, constant_values=constant_values)

    def backward(self, g):
        return g[self.inner]


class GetItem(Function):
    """y = x[index];  dx = zeros with g added at the indexed places."""

    def forward(self, x, index):
        self.shape, self.index = x.shape, index
        return x[index]

    def backward(self, g):
        dx = backend.xp.zeros(self.shape, dtype=g.dtype)
        if _is_basic(self.index):
            dx[self.index] = g
        else:
            backend.xp.add.at(dx, self.index, g)
        return dx


class Take(Function):
    """y = take(x, indices, axis);  dx = g scattered back, adding repeated indices."""

    def forward(self, x, indices, axis):
        self.shape, self.indices, self.axis = x.shape, indices, axis
        return backend.xp.take(x, indices, axis=axis)

    def backward(self, g):
        xp = backend.xp
        axis = self.axis
        if axis is None:
            dx = xp.zeros(math.prod(self.shape), dtype=g.dtype)
            xp.add.at(dx, self.indices.ravel(), g.ravel())
            return dx.reshape(self.shape)
        n = self.shape[axis]
        idx = self.indices.ravel() % n
        # Move the gathered axis to the front: rows of g belong to rows of dx.
        g = xp.moveaxis(g, list(range(axis, axis + self.indices.ndim)),
                        list(range(self.indices.ndim)))
        g = g.reshape((idx.size, -1))
        dx = xp.zeros((n, g.shape[1]), dtype=g.dtype)
        xp.add.at(dx, idx, g)
        moved = (n,) + self.shape[:axis] + self.shape[axis + 1:]
        return xp.moveaxis(dx.reshape(moved), 0, axis)


def _is_basic(index):
    """True when ``index`` holds only ints, slices, None and Ellipsis (no repeats possible)."""
    if not isinstance(index, tuple):
        index = (index,)
    return all(isinstance(i, (int, np.integer, slice, type(None), type(Ellipsis))) for i in index)


def _plain_index(index):
    """Tensors inside an index become arrays."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(_plain_index(i) if isinstance(i, (Tensor, list, np.ndarray)) else i for i in index)
    if isinstance(index, (list, np.ndarray)):
        return backend.xp.asarray(index)  # index arrays live where the data does
    return index


def reshape(x, newshape):
    x = as_tensor(x)
    if isinstance(newshape, int):
        newshape = (newshape,)
    return Reshape.apply(x, shape=tuple(int(n) for n in newshape))


def transpose(x, axes=None):
    x = as_tensor(x)
    if axes is not None:
        given = tuple(int(a) for a in axes)
        # Non-negative axes: backward inverts the permutation with argsort.
        axes = tuple(a % x.ndim if -x.ndim <= a < x.ndim else -1 for a in given)
        if sorted(axes) != list(range(x.ndim)):
            raise ValueError(f"transpose: axes {given} are not a permutation of a rank-{x.ndim} tensor's axes")
    return Transpose.apply(x, axes=axes)


def swapaxes(x, axis1, axis2):
    x = as_tensor(x)
    axes = list(range(x.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(x, axes)


def broadcast_to(x, shape):
    return BroadcastTo.apply(as_tensor(x), shape=tuple(shape))


def expand_dims(x, axis):
    x = as_tensor(x)
    return reshape(x, backend.xp.expand_dims(x.data, axis).shape)


def squeeze(x, axis=None):
    x = as_tensor(x)
    return reshape(x, backend.xp.squeeze(x.data, axis).shape)


def flatten(x):
    """All axes but the first joined into one: (N, ...) -> (N, prod(...))."""
    x = as_tensor(x)
    return reshape(x, (x.shape[0], -1))


def concatenate(xs, axis=0):
    xs = [as_tensor(x) for x in xs]
    if not xs:
        raise ValueError("concatenate: expected at least one tensor, received an empty list")
    rank = xs[0].ndim
    if not -rank <= axis < rank:
        raise ValueError(f"concatenate: axis {axis} is out of range for tensors of rank {rank}")
    ax = axis % rank
    for i, x in enumerate(xs):
        if x.ndim != rank or x.shape[:ax] + x.shape[ax + 1:] != xs[0].shape[:ax] + xs[0].shape[ax + 1:]:
            raise ValueError(
                f"concatenate: all tensors must match except on axis {axis}; tensor 0 has "
                f"shape {xs[0].shape} and tensor {i} has shape {x.shape}"
            )
    return Concatenate.apply(*xs, axis=ax)


def stack(xs, axis=0):
    xs = [as_tensor(x) for x in xs]
    return concatenate([expand_dims(x, axis) for x in xs], axis=axis)


def split(x, indices_or_sections, axis=0):
    """Split along ``axis`` into equal sections (an int) or at the given indices."""
    x = as_tensor(x)
    n = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if n % indices_or_sections:
            raise ValueError(
                f"split: axis {axis} of length {n} does not divide into {indices_or_sections} equal sections"
            )
        step = n // indices_or_sections
        bounds = list(range(0, n + 1, step))
    else:
        bounds = [0, *indices_or_sections, n]
    prefix = (slice(None),) * (axis % x.ndim)
    return [getitem(x, prefix + (slice(lo, hi),)) for lo, hi in zip(bounds[:-1], bounds[1:])]


def pad(x, pad_width, mode="constant", constant_values=0):
    """Pad with a constant: ``pad_width`` is ((before, after), ...) per axis."""
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, received mode={mode!r}")
    x = as_tensor(x)
    pad_width = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
    return Pad.apply(x, pad_width=tuple(map(tuple, pad_width.tolist())), constant_values=constant_values)


def take(x, indices, axis=None):
    """Gather: ``x`` taken at integer ``indices`` along ``axis`` (embedding lookup)."""
    x = as_tensor(x)
    idx = indices.data if isinstance(indices, Tensor) else backend.xp.asarray(indices)
    if not np.issubdtype(idx.dtype, np.integer):
        if np.issubdtype(idx.dtype, np.floating) and bool((idx == idx.round()).all()):
            idx = idx.astype(np.int64)
        else:
            raise TypeError(f"take: indices must be integers, received dtype {idx.dtype}")
    size = x.size if axis is None else x.shape[axis]
    if idx.size and (idx.max() >= size or idx.min() < -size):
        where = "the flattened tensor" if axis is None else f"axis {axis}"
        raise IndexError(
            f"take: index {int(idx.max() if idx.max() >= size else idx.min())} is out of range "
            f"for {where} of size {size} (tensor shape {x.shape})"
        )
    return Take.apply(x, indices=idx, axis=None if axis is None else axis % x.ndim)


def getitem(x, index):
    return GetItem.apply(as_tensor(x), index=_plain_index(index))
