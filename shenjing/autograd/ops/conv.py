"""Convolution, channels-last, as im2col: one strided view, one copy, one matrix multiply.

For an input x (N, H, W, C) and a kernel K (kh, kw, C, F):
    cols[n, i, j, a, b, c] = x_pad[n, i*sh + a*dh, j*sw + b*dw, c]
    y[n, i, j, f] = sum_{a, b, c} cols[n, i, j, a, b, c] K[a, b, c, f]
so y = cols @ K (flattened) and dK = cols^T @ g. For dx, each window's
gradient g @ K^T is added back where the window read x (col2im, one of the
loops in ``backend.kernels``). The batch is done in chunks of about
``CHUNK_BYTES`` of im2col matrix where nothing is kept (forward without a
gradient, and col2im's window gradients), so that a large batch (predict) needs
no large temporary. 1-D convolution is the 2-D one with H = 1.
"""

import numpy as np  # dtypes and Python-side argument checks only: arrays go through backend.xp

from ... import backend
from ...backend import kernels
from ..function import Function
from ..tensor import as_tensor
from .linalg import column_sums

CHUNK_BYTES = 8 << 20  # im2col rows made at a time when nothing is kept for backward


def normalize_tuple(value, n, name):
    """An int or a sequence of ``n`` positive ints, as a tuple of ``n`` ints."""
    if isinstance(value, (int, np.integer)):
        value = (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n or any(v < 1 for v in value):
        raise ValueError(f"{name} must be a positive int or a tuple of {n} positive ints, received: {value}")
    return value


def output_length(length, window, stride, dilation, padding):
    """Output size of one spatial axis: 'valid' keeps whole windows, 'same' is ceil(L / s)."""
    span = (window - 1) * dilation + 1
    if padding == "same":
        return -(-length // stride)
    return (length - span) // stride + 1 if length >= span else 0


def same_padding(length, window, stride, dilation):
    """(before, after) so that 'same' gives ceil(L / s) outputs; the odd one goes after."""
    span = (window - 1) * dilation + 1
    total = max((output_length(length, window, stride, dilation, "same") - 1) * stride + span - length, 0)
    return total // 2, total - total // 2


def check_padding(padding):
    padding = padding.lower() if isinstance(padding, str) else padding
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', received: padding={padding!r}")
    return padding


def windows(x, window, strides, dilation, out_hw):
    """A read-only view (N, Ho, Wo, kh, kw, C) of every window of x (N, H, W, C)."""
    n, _, _, c = x.shape
    s0, s1, s2, s3 = x.strides
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = window, strides, dilation, out_hw
    return backend.xp.lib.stride_tricks.as_strided(
        x, shape=(n, ho, wo, kh, kw, c), strides=(s0, s1 * sh, s2 * sw, s1 * dh, s2 * dw, s3),
        writeable=False)


def im2col(xpad, window, strides, dilation, out_hw):
    """The (N*Ho*Wo, kh*kw*C) matrix of window values, columns ordered (a, b, c) like the
    flattened kernel. With one channel the windows' innermost run is a single value,
    which copies slowly; there each kernel offset is copied as one strided slice into a
    row of the transpose, and the transposed view is returned (BLAS takes it as it is)."""
    n, _, _, c = xpad.shape
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = window, strides, dilation, out_hw
    if kh == kw == 1 and strides == (1, 1):
        return xpad.reshape(n * ho * wo, c)  # a 1x1 convolution is a plain matrix product
    if c == 1:
        cols_t = backend.xp.empty((kh * kw, n, ho, wo), dtype=xpad.dtype)
        for k in range(kh * kw):
            a, b = divmod(k, kw)
            cols_t[k] = xpad[:, a * dh: a * dh + sh * (ho - 1) + 1: sh, b * dw: b * dw + sw * (wo - 1) + 1: sw, 0]
        return cols_t.reshape(kh * kw, n * ho * wo).T
    return windows(xpad, window, strides, dilation, out_hw).reshape(n * ho * wo, kh * kw * c)


def pad_spatial(x, pads, value=0):
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0:
        return x
    return backend.xp.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


class Conv(Function):
    """y = act(conv(x, K) + b): channels-last 2-D convolution (1-D inputs take H = 1).

    The bias and a ReLU (``activation="relu"``: y = max(z, 0), dz = g (y > 0)) are
    optional and applied in place on the GEMM's output, saving passes over it.
    """

    def forward(self, x, kernel, bias=None, strides=(1, 1), padding="valid", dilation=(1, 1),
                activation=None):
        self.one_d = x.ndim == 3
        if self.one_d:
            x, kernel = x[:, None], kernel[None]
        n, h, w, c = x.shape
        kh, kw, _, f = kernel.shape
        ho = output_length(h, kh, strides[0], dilation[0], padding)
        wo = output_length(w, kw, strides[1], dilation[1], padding)
        pads = ((0, 0), (0, 0))
        if padding == "same":
            pads = (same_padding(h, kh, strides[0], dilation[0]), same_padding(w, kw, strides[1], dilation[1]))
        xpad = pad_spatial(x, pads)
        kmat = kernel.reshape(kh * kw * c, f)
        self.relu = activation == "relu"
        if self.requires_grad:
            cols = im2col(xpad, (kh, kw), strides, dilation, (ho, wo))
            y = kernels.bias_act(cols @ kmat, bias, self.relu)
            self.y = y if self.relu else None
            self.cols, self.kernel = cols, kernel
            self.padded_shape, self.pads = xpad.shape, pads
            self.strides, self.dilation, self.x_hw, self.out_hw = strides, dilation, (h, w), (ho, wo)
        else:
            y = backend.xp.empty((n * ho * wo, f), dtype=np.result_type(x.dtype, kernel.dtype))
            for s, e in _chunks(n, ho * wo * kh * kw * c * x.itemsize):
                cols = im2col(xpad[s:e], (kh, kw), strides, dilation, (ho, wo))
                kernels.bias_act(backend.xp.matmul(cols, kmat, out=y[s * ho * wo: e * ho * wo]), bias,
                                 self.relu)
        y = y.reshape(n, ho, wo, f)
        return y[:, 0] if self.one_d else y

    def backward(self, g):
        if self.one_d:
            g = g[:, None]
        kernel = self.kernel
        g2 = g.reshape(-1, kernel.shape[-1])
        if self.relu:
            g2 = kernels.relu_grad(g2, self.y)
        need = self.needs_input_grad
        gx = gk = gb = None
        if need[1]:
            gk = (self.cols.T @ g2).reshape(kernel.shape)
            if self.one_d:
                gk = gk[0]
        if len(need) > 2 and need[2]:
            gb = column_sums(g2)
        if need[0]:
            gx = backend.xp.zeros(self.padded_shape, dtype=g.dtype)
            self._col2im(g2, gx)
            (top, _), (left, _) = self.pads
            h, w = self.x_hw
            gx = gx[:, top: top + h, left: left + w, :]
            if self.one_d:
                gx = gx[:, 0]
        return gx, gk, gb

    def _col2im(self, g2, gx):
        """dcols = g @ K^T (each window's gradient, in chunks of samples), added back by col2im."""
        kh, kw, c, f = self.kernel.shape
        n, ho, wo = gx.shape[0], *self.out_hw
        kmat_t = self.kernel.reshape(kh * kw * c, f).T
        for s, e in _chunks(n, ho * wo * kh * kw * c * g2.itemsize):
            dcols = g2[s * ho * wo: e * ho * wo] @ kmat_t
            kernels.col2im(dcols.reshape(e - s, ho, wo, kh, kw, c), self.strides, self.dilation, gx[s:e])


def _chunks(n, bytes_per_sample):
    """(start, end) sample ranges of about CHUNK_BYTES each (at least one sample)."""
    step = max(1, CHUNK_BYTES // max(bytes_per_sample, 1))
    return [(s, min(s + step, n)) for s in range(0, n, step)]


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1, bias=None,
         activation=None):
    """keras.ops.conv for 1-D (N, L, C) and 2-D (N, H, W, C) inputs, channels-last.

    ``kernel`` is (k, C, F) or (kh, kw, C, F), as Keras lays it out. ``bias`` (F,)
    and ``activation`` (None or "relu") are shenjing's additions: applied inside
    the op, they save passes over the output (a Conv2D layer with relu uses them).
    """
    x = as_tensor(inputs)
    k = as_tensor(kernel, like=x)
    if data_format not in (None, "channels_last"):
        raise ValueError(f"conv: only data_format='channels_last' is supported, received {data_format!r}")
    if x.ndim not in (3, 4) or k.ndim != x.ndim:
        raise ValueError(
            f"conv: expected inputs of rank 3 (N, L, C) or 4 (N, H, W, C) with a kernel of the same "
            f"rank, received inputs of shape {x.shape} and kernel of shape {k.shape}"
        )
    if x.shape[-1] != k.shape[-2]:
        raise ValueError(
            f"conv: the input has {x.shape[-1]} channels (shape {x.shape}) but the kernel expects "
            f"{k.shape[-2]} (kernel shape {k.shape})"
        )
    rank = x.ndim - 2
    strides = normalize_tuple(strides, rank, "strides")
    dilation = normalize_tuple(dilation_rate, rank, "dilation_rate")
    padding = check_padding(padding)
    if rank == 1:
        strides, dilation = (1,) + strides, (1,) + dilation
    spatial = x.shape[1:-1] if rank == 2 else (1,) + x.shape[1:-1]
    window = k.shape[:2] if rank == 2 else (1,) + k.shape[:1]
    for length, kk, s, d in zip(spatial, window, strides, dilation):
        if output_length(length, kk, s, d, padding) < 1:
            raise ValueError(
                f"conv: input of shape {x.shape} is smaller than the kernel window "
                f"{tuple(window[-rank:])} (dilation {dilation[-rank:]}) with padding='valid'"
            )
    if activation not in (None, "relu"):
        raise ValueError(f"conv: activation must be None or 'relu', received {activation!r}")
    options = dict(strides=strides, padding=padding, dilation=dilation, activation=activation)
    if bias is None:
        return Conv.apply(x, k, **options)
    b = as_tensor(bias, like=x)
    if b.shape != (k.shape[-1],):
        raise ValueError(f"conv: bias must have shape ({k.shape[-1]},) to match the kernel {k.shape}, received {b.shape}")
    return Conv.apply(x, k, b, **options)
