"""``keras.ops`` functions that join and split tensors: concatenate, stack, hstack, vstack,
dstack, append, split, array_split, hsplit, vsplit, dsplit, and meshgrid.

Joined tensors promote to their common Keras dtype; every piece stays differentiable.
"""

import numpy as np  # section bookkeeping only

from ..autograd import Tensor
from ..autograd import ops as P
from .dispatch import keras_op
from .numpy_common import check_axis, promote, to_tensor

__all__ = ["append", "array_split", "concatenate", "dsplit", "dstack", "hsplit", "hstack",
           "meshgrid", "split", "stack", "vsplit", "vstack"]


def _tensors(xs, name):
    if isinstance(xs, Tensor) or not isinstance(xs, (list, tuple)):
        xs = list(to_tensor(xs)) if to_tensor(xs).ndim else [xs]
    if len(xs) == 0:
        raise ValueError(f"Expected a non-empty list of tensors for `{name}`. Received: xs={xs!r}")
    return promote(*xs)


@keras_op("concatenate")
def concatenate(xs, axis=0):
    xs = _tensors(xs, "concatenate")
    if axis is None:
        return P.concatenate([P.reshape(x, (-1,)) for x in xs], axis=0)
    return P.concatenate(xs, axis=check_axis(axis, xs[0].ndim))


@keras_op("stack")
def stack(x, axis=0):
    xs = _tensors(x, "stack")
    for i, t in enumerate(xs):
        if t.shape != xs[0].shape:
            raise ValueError(f"Expected tensors of one shape for `stack`; tensor 0 has shape "
                             f"{xs[0].shape} and tensor {i} has shape {t.shape}")
    return P.stack(xs, axis=check_axis(axis, xs[0].ndim + 1))


def _at_least(x, rank):
    shape = x.shape
    if rank == 2 and x.ndim < 2:
        shape = (1,) * (2 - x.ndim) + shape
    if rank == 3 and x.ndim < 3:
        shape = {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}[x.ndim]
    return P.reshape(x, shape) if shape != x.shape else x


@keras_op("hstack")
def hstack(xs):
    xs = _tensors(xs, "hstack")
    return P.concatenate(xs, axis=0 if xs[0].ndim == 1 else 1) if xs[0].ndim else \
        P.concatenate([P.reshape(x, (1,)) for x in xs], axis=0)


@keras_op("vstack")
def vstack(xs):
    return P.concatenate([_at_least(x, 2) for x in _tensors(xs, "vstack")], axis=0)


@keras_op("dstack")
def dstack(xs):
    return P.concatenate([_at_least(x, 3) for x in _tensors(xs, "dstack")], axis=2)


@keras_op("append")
def append(x1, x2, axis=None):
    return concatenate.eager([x1, x2], axis=axis)


def _bounds(n, indices_or_sections, equal, name):
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"Expected a positive number of sections. Received: "
                             f"indices_or_sections={indices_or_sections}")
        if equal and n % sections:
            raise ValueError(f"`{name}`: an axis of length {n} does not divide into {sections} equal "
                             f"sections; use array_split. Received: indices_or_sections={sections}")
        size, extra = divmod(n, sections)
        sizes = [size + 1] * extra + [size] * (sections - extra)
        return [0, *np.cumsum(sizes).tolist()]
    cuts = [min(max(int(i) if i >= 0 else n + int(i), 0), n) for i in indices_or_sections]
    return [0, *cuts, n]


def _split(x, indices_or_sections, axis, equal, name):
    x = to_tensor(x)
    axis = check_axis(axis, x.ndim)
    bounds = _bounds(x.shape[axis], indices_or_sections, equal, name)
    head = (slice(None),) * axis
    return [P.getitem(x, head + (slice(lo, max(lo, hi)),)) for lo, hi in zip(bounds[:-1], bounds[1:])]


@keras_op("split")
def split(x, indices_or_sections, axis=0):
    """Equal sections (an int) or pieces cut at the given indices."""
    return _split(x, indices_or_sections, axis, True, "split")


@keras_op("array_split")
def array_split(x, indices_or_sections, axis=0):
    """Like split, but the first ``n % sections`` pieces take one more element."""
    return _split(x, indices_or_sections, axis, False, "array_split")


@keras_op("hsplit")
def hsplit(x, indices_or_sections):
    x = to_tensor(x)
    return _split(x, indices_or_sections, 0 if x.ndim == 1 else 1, True, "hsplit")


@keras_op("vsplit")
def vsplit(x, indices_or_sections):
    return _split(x, indices_or_sections, 0, True, "vsplit")


@keras_op("dsplit")
def dsplit(x, indices_or_sections):
    x = to_tensor(x)
    if x.ndim < 3:
        raise ValueError(f"Expected a tensor of rank >= 3 for dsplit. Received: x.shape={x.shape}")
    return _split(x, indices_or_sections, 2, True, "dsplit")


@keras_op("meshgrid")
def meshgrid(*x, indexing="xy"):
    """Coordinate grids of 1-D tensors; ``indexing="xy"`` swaps the first two axes."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Expected indexing='xy' or 'ij'. Received: indexing={indexing!r}")
    xs = [P.reshape(to_tensor(v), (-1,)) for v in x]
    shape = [v.shape[0] for v in xs]
    if indexing == "xy" and len(xs) > 1:
        shape[0], shape[1] = shape[1], shape[0]
    grids = []
    for i, v in enumerate(xs):
        where = i if indexing == "ij" or len(xs) < 2 or i > 1 else 1 - i
        view = [1] * len(xs)
        view[where] = -1
        grids.append(P.broadcast_to(P.reshape(v, view), shape))
    return grids
