"""Segment reductions: out[s] = reduce(data[i] for i with segment_ids[i] == s), over axis 0.

Empty segments hold 0 (sum), 1 (prod), -inf (max) and +inf (min) for floats.
"""

from ... import backend
from ..function import Function


class SegmentSum(Function):
    """out[s] = sum of data[ids == s];  ddata = g[ids]."""

    def forward(self, data, ids, num_segments):
        xp = backend.xp
        self.ids = ids
        out = xp.zeros((num_segments,) + data.shape[1:], dtype=data.dtype)
        xp.add.at(out, ids, data)
        return out

    def backward(self, g):
        return g[self.ids]


class SegmentMax(Function):
    """out[s] = max of data[ids == s];  ddata = g[ids] where data is its segment's maximum
    (split evenly between ties)."""

    reduce, empty = "maximum", -float("inf")

    def forward(self, data, ids, num_segments):
        xp = backend.xp
        out = xp.full((num_segments,) + data.shape[1:], self.empty, dtype=data.dtype)
        getattr(xp, self.reduce).at(out, ids, data)
        if self.requires_grad:
            hit = (data == out[ids]).astype(data.dtype)
            ties = xp.zeros(out.shape, dtype=data.dtype)
            xp.add.at(ties, ids, hit)
            self.ids, self.weights = ids, hit / ties[ids]
        return out

    def backward(self, g):
        return g[self.ids] * self.weights


class SegmentMin(SegmentMax):
    """out[s] = min of data[ids == s];  ddata = g[ids] at the minima (ties split evenly)."""

    reduce, empty = "minimum", float("inf")


class SegmentProd(Function):
    """out[s] = prod of data[ids == s];  ddata[i] = g[ids[i]] * prod of the other members of
    its segment (out / data[i] where data[i] != 0, else the product without it)."""

    def forward(self, data, ids, num_segments):
        xp = backend.xp
        out = xp.ones((num_segments,) + data.shape[1:], dtype=data.dtype)
        xp.multiply.at(out, ids, data)
        if self.requires_grad:
            self.data, self.ids, self.out = data, ids, out
        return out

    def backward(self, g):
        xp = backend.xp
        data, ids = self.data, self.ids
        zero = data == 0
        safe = xp.where(zero, 1, data)
        others = self.out[ids] / safe
        for i in range(data.shape[0]):  # rows holding a zero: multiply the others directly
            if zero[i].any():
                rest = data[(ids == ids[i]) & (xp.arange(data.shape[0]) != i)]
                others[i] = xp.where(zero[i], rest.prod(axis=0), others[i])
        return g[ids] * others
