"""N-d convolution (1-3 spatial axes), channels-last, with ``groups``: im2col and one batched matmul.

For x (N, *S, C), a kernel K (*k, C/G, F) and G groups of C/G input and F/G output channels:
    cols[n, p, a, g, c] = x_pad[n, p*s + a*d, g*C/G + c]          (p, a: spatial multi-indices)
    y[n, p, g*F/G + f] = sum_{a, c} cols[n, p, a, g, c] K[a, c, g*F/G + f]
so per group y_g = cols_g @ K_g, dK_g = cols_g^T @ g_g and the window gradients
dcols_g = g_g @ K_g^T are added back where each window read x (col2im, a loop over
the few kernel offsets, each a whole-batch strided add). Depthwise convolution is
G = C with the (*k, C, multiplier) kernel read as (*k, 1, C*multiplier).

The transposed convolution is this op's adjoint in x; it lives in conv_transpose.py and
shares ``im2col_nd``/``col2im_nd``.
"""

import itertools

from ... import backend
from ...backend import kernels
from ..function import Function
from .linalg import column_sums


def windows_nd(x, window, strides, dilation, out):
    """A read-only view (N, *out, *window, C) of every window of x (N, *S, C)."""
    n, c = x.shape[0], x.shape[-1]
    st = x.strides
    spatial = st[1:-1]
    shape = (n, *out, *window, c)
    strides_ = (st[0], *(sp * s for sp, s in zip(spatial, strides)),
                *(sp * d for sp, d in zip(spatial, dilation)), st[-1])
    return backend.xp.lib.stride_tricks.as_strided(x, shape=shape, strides=strides_, writeable=False)


def im2col_nd(xpad, window, strides, dilation, out):
    """The (N*prod(out), prod(window)*C) matrix of window values, columns ordered (a..., c)."""
    n, c = xpad.shape[0], xpad.shape[-1]
    rows = n
    for o in out:
        rows *= o
    cols = 1
    for k in window:
        cols *= k
    return windows_nd(xpad, window, strides, dilation, out).reshape(rows, cols * c)


def _offset_slices(offset, strides, dilation, out):
    return tuple(slice(a * d, a * d + s * (o - 1) + 1, s) for a, s, d, o in zip(offset, strides, dilation, out))


def col2im_nd(dcols, strides, dilation, gx):
    """gx[n, p*s + a*d, :] += dcols[n, p, a, :] for every window offset a (in place on gx).
    dcols is (N, *out, *window, C); 2-D goes through the compiled col2im of backend.kernels."""
    rank = gx.ndim - 2
    if rank == 2:
        return kernels.col2im(dcols, tuple(strides), tuple(dilation), gx)
    out, window = dcols.shape[1:1 + rank], dcols.shape[1 + rank:1 + 2 * rank]
    for offset in itertools.product(*(range(k) for k in window)):
        index = (slice(None),) * (1 + rank) + offset
        gx[(slice(None),) + _offset_slices(offset, strides, dilation, out)] += dcols[index]
    return gx


def pad_nd(x, pads):
    if all(p == (0, 0) for p in pads):
        return x
    return backend.xp.pad(x, ((0, 0), *pads, (0, 0)))


def crop_nd(gx, pads, spatial):
    return gx[(slice(None),) + tuple(slice(b, b + s) for (b, _), s in zip(pads, spatial))]


class ConvND(Function):
    """y = conv(x, K) + b over ``len(strides)`` spatial axes with ``groups`` channel groups."""

    def forward(self, x, kernel, bias=None, strides=(1,), pads=((0, 0),), dilation=(1,), groups=1, out=(1,)):
        rank = len(strides)
        window, (cg, f) = kernel.shape[:rank], kernel.shape[rank:]
        xpad = pad_nd(x, pads)
        cols = im2col_nd(xpad, window, strides, dilation, out)  # (M, kp*C)
        kp, m = cols.shape[1] // x.shape[-1], cols.shape[0]
        if groups == 1:
            y = cols @ kernel.reshape(kp * cg, f)
        else:
            cols_g = cols.reshape(m, kp, groups, cg).transpose(2, 0, 1, 3).reshape(groups, m, kp * cg)
            k_g = kernel.reshape(kp, cg, groups, f // groups).transpose(2, 0, 1, 3).reshape(groups, kp * cg, f // groups)
            y = backend.xp.matmul(cols_g, k_g).transpose(1, 0, 2).reshape(m, f)
            cols = cols_g
        if bias is not None:
            y += bias
        if self.requires_grad:
            self.cols, self.kernel, self.groups = cols, kernel, groups
            self.padded_shape, self.pads, self.spatial = xpad.shape, pads, x.shape[1:-1]
            self.strides, self.dilation, self.out, self.kp = strides, dilation, out, kp
        return y.reshape(x.shape[0], *out, f)

    def backward(self, g):
        kernel, groups, kp = self.kernel, self.groups, self.kp
        rank = len(self.strides)
        cg, f = kernel.shape[rank:]
        g2 = g.reshape(-1, f)
        m = g2.shape[0]
        need = self.needs_input_grad
        gx = gk = gb = None
        if groups == 1:
            if need[1]:
                gk = (self.cols.T @ g2).reshape(kernel.shape)
            if need[0]:
                dcols = g2 @ kernel.reshape(kp * cg, f).T
        else:
            fg = f // groups
            g_g = g2.reshape(m, groups, fg).transpose(1, 0, 2)  # (G, M, F/G)
            if need[1]:
                gk_g = backend.xp.matmul(self.cols.transpose(0, 2, 1), g_g)  # (G, kp*cg, fg)
                gk = gk_g.reshape(groups, kp, cg, fg).transpose(1, 2, 0, 3).reshape(kernel.shape)
            if need[0]:
                k_g = kernel.reshape(kp, cg, groups, fg).transpose(2, 0, 1, 3).reshape(groups, kp * cg, fg)
                dcols_g = backend.xp.matmul(g_g, k_g.transpose(0, 2, 1))  # (G, M, kp*cg)
                dcols = dcols_g.reshape(groups, m, kp, cg).transpose(1, 2, 0, 3)
        if len(need) > 2 and need[2]:
            gb = column_sums(g2)
        if need[0]:
            n = self.padded_shape[0]
            window = kernel.shape[:rank]
            dcols = backend.xp.ascontiguousarray(dcols).reshape(n, *self.out, *window, cg * groups)
            gpad = backend.xp.zeros(self.padded_shape, dtype=g.dtype)
            col2im_nd(dcols, self.strides, self.dilation, gpad)
            gx = crop_nd(gpad, self.pads, self.spatial)
        return gx, gk, gb
