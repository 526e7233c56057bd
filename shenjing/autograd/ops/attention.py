"""Scaled dot-product attention as one op: the whole forward and backward of
softmax(scale q kᵀ, masked) v in a handful of array operations, without a graph node for
each step (the layers' and ``keras.ops.dot_product_attention``'s fast path).

Shapes, batched over any leading axes: q (..., T, H), k (..., S, H), v (..., S, Hv);
``keep`` (bool, broadcastable to (..., T, S)): True where query t may attend key s.
"""

from ... import backend
from ..function import Function
from ..tensor import as_tensor

LARGE_NEGATIVE = -1e9  # Keras's Softmax layer's fill for masked logits (float32 and up)


def _row_max(x):
    """x.max(axis=-1, keepdims=True), by halving the last axis with elementwise maxima first
    (NumPy's max over short rows is several times slower than a vectorised maximum)."""
    xp = backend.xp
    while x.shape[-1] > 1 and x.shape[-1] % 2 == 0:
        half = x.shape[-1] // 2
        x = xp.maximum(x[..., :half], x[..., half:])
    return x.max(axis=-1, keepdims=True)


class ScaledDotProductAttention(Function):
    """l = scale q kᵀ, masked to ``fill`` where not ``keep``;  p = softmax(l) (times ``keep``
    when ``zero_masked``: a query with no key left gets zeros, not a uniform average);
    y = (p * drop) v, ``drop`` the dropout's scaled keep mask (or None).
    Backward:  dv = (p drop)ᵀ g;  dp = (g vᵀ) drop (times keep);  dl = p (dp - Σ_s dp p),
    zero where masked;  dq = scale dl k;  dk = dlᵀ (scale q)."""

    def forward(self, q, k, v, keep=None, scale=1.0, zero_masked=False, drop=None,
                fill=LARGE_NEGATIVE):
        xp = backend.xp
        if scale != 1.0:  # scale q (T x H) rather than the logits (T x S)
            q = q * q.dtype.type(scale)
        logits = xp.matmul(q, xp.swapaxes(k, -1, -2))
        # A query row with no key left: its softmax is uniform over the fill values, and the
        # logits' gradient must be masked explicitly (elsewhere exp(fill - max) is exactly 0).
        empty_rows = False
        if keep is not None:
            if logits.dtype.itemsize < 4:  # -1e9 is -inf in float16: a row of it gives NaN
                fill = max(fill, -0.7 * float(xp.finfo(logits.dtype).max))
            xp.copyto(logits, logits.dtype.type(fill), where=~keep)
            empty_rows = not keep.any(axis=-1).all()
        logits -= _row_max(logits)
        p = xp.exp(logits, out=logits)
        p /= p.sum(axis=-1, keepdims=True)
        if empty_rows and zero_masked:
            p *= keep
        weights = p if drop is None else p * drop
        if self.requires_grad:
            self.q, self.k, self.v, self.p, self.weights = q, k, v, p, weights
            self.keep = keep if empty_rows else None
            self.scale, self.zero_masked, self.drop = scale, zero_masked, drop
        return xp.matmul(weights, v)

    def backward(self, g):
        xp = backend.xp
        need_q, need_k, need_v = self.needs_input_grad
        gv = xp.matmul(xp.swapaxes(self.weights, -1, -2), g) if need_v else None
        if not (need_q or need_k):
            return None, None, gv
        dp = xp.matmul(g, xp.swapaxes(self.v, -1, -2))
        if self.drop is not None:
            dp *= self.drop
        if self.keep is not None and self.zero_masked:
            dp *= self.keep
        p = self.p
        dl = dp
        dl -= xp.einsum("...ts,...ts->...t", dp, p)[..., None]
        dl *= p
        if self.keep is not None:
            dl = xp.where(self.keep, dl, dl.dtype.type(0))
        gq = None
        if need_q:
            gq = xp.matmul(dl, self.k)
            if self.scale != 1.0:
                gq *= gq.dtype.type(self.scale)
        gk = xp.matmul(xp.swapaxes(dl, -1, -2), self.q) if need_k else None  # q is scaled
        return gq, gk, gv


def scaled_dot_product_attention(q, k, v, keep=None, scale=1.0, zero_masked=False, drop=None,
                                 fill=LARGE_NEGATIVE):
    """softmax(scale q kᵀ, masked) v (see ``ScaledDotProductAttention``); ``keep`` and
    ``drop`` are arrays (no gradient)."""
    q = as_tensor(q)
    k, v = as_tensor(k, like=q), as_tensor(v, like=q)
    xp = backend.xp
    if keep is not None:
        keep = xp.asarray(getattr(keep, "data", keep)).astype(bool, copy=False)
    if drop is not None:
        drop = xp.asarray(getattr(drop, "data", drop)).astype(q.dtype, copy=False)
    return ScaledDotProductAttention.apply(q, k, v, keep=keep, scale=scale,
                                           zero_masked=zero_masked, drop=drop, fill=fill)
