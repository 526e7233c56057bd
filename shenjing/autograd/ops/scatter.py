"""Writes into a copy of a tensor: scatter-add into zeros, scatter-set/add at indices, slice update.

``index`` is a tuple of integer arrays (one per leading axis, as ``tuple(indices.T)``
for Keras's ``indices`` of shape (N, k)) or a tuple of slices (a slice update). The
input is never changed: each op writes into a copy.
"""

from ... import backend
from ..function import Function


class ScatterAdd(Function):
    """y = zeros(shape) with values added at index (repeats add);  dvalues = g[index]."""

    def forward(self, values, index, shape):
        self.index = index
        out = backend.xp.zeros(shape, dtype=values.dtype)
        backend.xp.add.at(out, index, values)
        return out

    def backward(self, g):
        return g[self.index]


class IndexAdd(Function):
    """y = x with u added at index (repeats add);  dx = g, du = g[index]."""

    def forward(self, x, u, index):
        self.index = index
        out = x.copy()
        backend.xp.add.at(out, index, u)
        return out

    def backward(self, g):
        return g, g[self.index]


class IndexSet(Function):
    """y = x with y[index] = u (of repeated places, the last write wins);
    dx = g with the written places zeroed, du = g[index] where that write won, else 0."""

    def forward(self, x, u, index, winners):
        self.index, self.winners = index, winners
        out = x.copy()
        out[index] = u
        return out

    def backward(self, g):
        gx = g.copy()
        gx[self.index] = 0
        gu = g[self.index]
        if self.winners is not None:  # repeated places: the overwritten updates get nothing
            gu = gu * self.winners.reshape(self.winners.shape + (1,) * (gu.ndim - 1)).astype(g.dtype)
        return gx, gu


class SliceSet(Function):
    """y = x with the box ``region`` (a tuple of slices) replaced by u;
    dx = g with the box zeroed, du = g[region]."""

    def forward(self, x, u, region):
        self.region = region
        out = x.copy()
        out[region] = u
        return out

    def backward(self, g):
        gx = g.copy()
        gx[self.region] = 0
        return gx, g[self.region]
