"""``keras.ops`` products and integrals: matmul, dot, vdot, inner, outer, tensordot, einsum,
kron, cross, correlate, trapezoid, slogdet.

The contractions are all ``einsum`` (one differentiable primitive); this file turns NumPy's
calling conventions (implicit outputs, ``...``, repeated subscripts) into its explicit form.
"""

import string

import numpy as np  # subscript and shape bookkeeping only

from .. import backend
from ..autograd import Tensor
from ..autograd import ops as P
from .dispatch import keras_op
from .numpy_common import check_axis, promote, to_tensor

__all__ = ["correlate", "cross", "dot", "einsum", "inner", "kron", "matmul", "outer", "slogdet",
           "tensordot", "trapezoid", "vdot"]


def _contract(inputs, output, operands):
    """einsum on tensors promoted to one dtype; integers stay integers."""
    operands = promote(*operands)
    if operands[0].dtype.kind != "f":
        spec = f"{','.join(inputs)}->{output}"
        return Tensor(backend.xp.einsum(spec, *[o.data for o in operands]))
    return P.einsum(inputs, output, *operands)


def _fresh(used):
    for c in string.ascii_letters:
        if c not in used:
            used.add(c)
            return c
    raise ValueError("einsum: more than 52 distinct axes")


@keras_op("einsum")
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation as NumPy's ``einsum`` (``...``, implicit output, repeated subscripts)."""
    if kwargs:
        raise TypeError(f"einsum: unexpected keyword arguments {sorted(kwargs)}")
    spec = subscripts.replace(" ", "")
    lhs, arrow, out = spec.partition("->")
    inputs = lhs.split(",")
    tensors = [to_tensor(o) for o in operands]
    if len(inputs) != len(tensors):
        raise ValueError(f"einsum: the subscripts {subscripts!r} name {len(inputs)} operands. "
                         f"Received: {len(tensors)} operands")
    used = set(spec) - set(",->.")
    ranks = [t.ndim - len(s.replace("...", "")) for s, t in zip(inputs, tensors)]
    ell = "".join(_fresh(used) for _ in range(max([r for s, r in zip(inputs, ranks) if "..." in s] or [0])))
    if any(ranks[i] and "..." not in s for i, s in enumerate(inputs)) or any(r < 0 for r in ranks):
        raise ValueError(f"einsum: the subscripts {subscripts!r} do not match the operands' ranks "
                         f"{[t.ndim for t in tensors]}")
    # ``...`` becomes letters; the operands broadcast over them first.
    ell_shape = np.broadcast_shapes(*[t.shape[s.index("..."):s.index("...") + r] if "..." in s else ()
                                      for s, t, r in zip(inputs, tensors, ranks)])
    for i, (s, t, r) in enumerate(zip(inputs, tensors, ranks)):
        if "..." in s:
            k = s.index("...")
            mine = ell[len(ell) - r:] if r else ""
            target = t.shape[:k] + tuple(ell_shape[len(ell_shape) - r:]) + t.shape[k + r:]
            if target != t.shape:
                tensors[i] = P.broadcast_to(t, target) if t.dtype.kind == "f" else \
                    Tensor(backend.xp.broadcast_to(t.data, target))
            inputs[i] = s.replace("...", mine)
    if not arrow:
        letters = "".join(inputs)
        out = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ell))
    out = out.replace("...", ell)
    # A letter repeated within an operand (a diagonal) becomes a fresh letter tied by an identity.
    extra = []
    for i, s in enumerate(inputs):
        seen = ""
        for c in s:
            if c in seen:
                new = _fresh(used)
                extra.append((c + new, backend.xp.eye(tensors[i].shape[len(seen)], dtype=tensors[i].dtype)))
                c = new
            seen += c
        inputs[i] = seen
    return _contract(inputs + [s for s, _ in extra], out, tensors + [Tensor(a) for _, a in extra])


@keras_op("matmul")
def matmul(x1, x2):
    """Matrix product over the last two axes, batched and broadcast; 1-D operands as in NumPy."""
    a, b = promote(x1, x2)
    return P.matmul(a, b)


@keras_op("tensordot")
def tensordot(x1, x2, axes=2):
    """Sum of products over ``axes`` (an int: the last n of x1 with the first n of x2)."""
    a, b = to_tensor(x1), to_tensor(x2)
    if isinstance(axes, (int, np.integer)):
        axes_a, axes_b = list(range(a.ndim - int(axes), a.ndim)), list(range(int(axes)))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    axes_a = [check_axis(x, a.ndim, "axes") for x in axes_a]
    axes_b = [check_axis(x, b.ndim, "axes") for x in axes_b]
    if [a.shape[i] for i in axes_a] != [b.shape[i] for i in axes_b]:
        raise ValueError(f"tensordot: the contracted axes differ in length: x1.shape={a.shape}, "
                         f"x2.shape={b.shape}, axes={axes}")
    letters = iter(string.ascii_letters)
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(axes_a, axes_b):
        sb[j] = sa[i]
    out = [c for i, c in enumerate(sa) if i not in axes_a] + [c for j, c in enumerate(sb) if j not in axes_b]
    return _contract(["".join(sa), "".join(sb)], "".join(out), [a, b])


@keras_op("dot")
def dot(x1, x2):
    """NumPy's dot: a product for scalars, matmul for matrices, and for N-D a sum over the
    last axis of x1 and the second-to-last of x2."""
    a, b = to_tensor(x1), to_tensor(x2)
    if a.ndim == 0 or b.ndim == 0:
        a, b = promote(a, b)
        return P.multiply(a, b) if a.dtype.kind == "f" else Tensor(a.data * b.data)
    return tensordot.eager(a, b, axes=([a.ndim - 1], [max(b.ndim - 2, 0)]))


@keras_op("inner")
def inner(x1, x2):
    """Sum of products over the last axes."""
    a, b = to_tensor(x1), to_tensor(x2)
    if a.ndim == 0 or b.ndim == 0:
        return dot.eager(a, b)
    return tensordot.eager(a, b, axes=([a.ndim - 1], [b.ndim - 1]))


@keras_op("vdot")
def vdot(x1, x2):
    """Dot product of the flattened tensors."""
    return tensordot.eager(P.reshape(to_tensor(x1), (-1,)), P.reshape(to_tensor(x2), (-1,)), axes=1)


@keras_op("outer")
def outer(x1, x2):
    """out[i, j] = x1.flat[i] * x2.flat[j]."""
    a, b = promote(x1, x2)
    return _contract(["i", "j"], "ij", [P.reshape(a, (-1,)), P.reshape(b, (-1,))])


@keras_op("kron")
def kron(x1, x2):
    """The Kronecker product: blocks x1[i, j] * x2."""
    a, b = promote(x1, x2)
    nd = max(a.ndim, b.ndim)
    a, b = P.reshape(a, (1,) * (nd - a.ndim) + a.shape), P.reshape(b, (1,) * (nd - b.ndim) + b.shape)
    sa, sb = string.ascii_letters[:nd], string.ascii_letters[nd:2 * nd]
    out = _contract([sa, sb], "".join(x + y for x, y in zip(sa, sb)), [a, b])
    return P.reshape(out, [m * n for m, n in zip(a.shape, b.shape)])


@keras_op("cross")
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 3-vectors (or 2-vectors: the z component) along the given axes."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = promote(x1, x2)
    a = P.transpose(a, [i for i in range(a.ndim) if i != check_axis(axisa, a.ndim)] + [check_axis(axisa, a.ndim)])
    b = P.transpose(b, [i for i in range(b.ndim) if i != check_axis(axisb, b.ndim)] + [check_axis(axisb, b.ndim)])
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError(f"cross: Expected vectors of 2 or 3 components. Received: x1.shape={a.shape}, "
                         f"x2.shape={b.shape}")
    comp = [lambda t, i=i: P.getitem(t, (Ellipsis, i)) for i in range(3)]

    def c(t, i):
        return comp[i](t) if i < t.shape[-1] else P.multiply(comp[0](t), 0)

    def mul(u, v):
        return P.multiply(u, v) if u.dtype.kind == "f" else Tensor(u.data * v.data)

    def sub(u, v):
        return P.subtract(u, v)

    z = sub(mul(c(a, 0), c(b, 1)), mul(c(a, 1), c(b, 0)))
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return z
    x = sub(mul(c(a, 1), c(b, 2)), mul(c(a, 2), c(b, 1)))
    y = sub(mul(c(a, 2), c(b, 0)), mul(c(a, 0), c(b, 2)))
    out = P.stack([x, y, z], axis=-1)
    axisc = check_axis(axisc, out.ndim)
    order = list(range(out.ndim - 1))
    order.insert(axisc, out.ndim - 1)
    return P.transpose(out, order)


@keras_op("correlate")
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors: c[k] = sum_n x1[n + k] * x2[n]."""
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"Expected mode in ('valid', 'same', 'full'). Received: mode={mode!r}")
    a, v = promote(x1, x2)
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError(f"correlate: Expected 1-D tensors. Received: x1.shape={a.shape}, x2.shape={v.shape}")
    if a.dtype.kind != "f":
        a, v = P.cast(a, backend.floatx()), P.cast(v, backend.floatx())
    swap = v.shape[0] > a.shape[0]
    if swap:
        a, v = v, a
    n, m = a.shape[0], v.shape[0]
    left = {"valid": 0, "same": m // 2, "full": m - 1}[mode]
    right = {"valid": 0, "same": m - 1 - m // 2, "full": m - 1}[mode]
    padded = P.pad(a, [(left, right)])
    windows = P.getitem(padded, (np.arange(n + left + right - m + 1)[:, None] + np.arange(m)[None, :],))
    out = P.matmul(windows, v)
    return P.getitem(out, (slice(None, None, -1),)) if swap else out


@keras_op("trapezoid")
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The trapezoid rule: sum of (y[i+1] + y[i]) / 2 * (x[i+1] - x[i]) along ``axis``."""
    y = to_tensor(y)
    if y.dtype.kind != "f":
        y = P.cast(y, backend.floatx())
    axis = check_axis(axis, y.ndim)
    head = (slice(None),) * axis
    mid = P.multiply(P.add(P.getitem(y, head + (slice(1, None),)), P.getitem(y, head + (slice(None, -1),))), 0.5)
    if x is None:
        return P.multiply(P.sum(mid, axis=axis), dx)
    x = to_tensor(x)
    x = P.cast(x, y.dtype) if x.dtype != y.dtype else x
    if x.ndim == 1:
        steps = P.subtract(P.getitem(x, (slice(1, None),)), P.getitem(x, (slice(None, -1),)))
        steps = P.reshape(steps, [-1 if i == axis else 1 for i in range(y.ndim)])
    else:
        steps = P.subtract(P.getitem(x, head + (slice(1, None),)), P.getitem(x, head + (slice(None, -1),)))
    return P.sum(P.multiply(mid, steps), axis=axis)


@keras_op("slogdet")
def slogdet(x):
    """(sign, log|det|) of square matrices; log|det| is differentiable (inv(x)^T)."""
    x = to_tensor(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"slogdet: Expected square matrices. Received: x.shape={x.shape}")
    if x.dtype.kind != "f":
        x = P.cast(x, backend.floatx())
    sign, _ = backend.xp.linalg.slogdet(x.data)
    return Tensor(sign.astype(x.dtype)), P.logabsdet(x)
