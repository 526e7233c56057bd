"""Transposed convolution (1-3 spatial axes), channels-last: the adjoint of convolution in x.

For x (N, *S, Cin) and a kernel K (*k, Cout, Cin), as Keras lays it out, every input
position scatters its projection onto a window of the full output:
    full[n, p*s + a*d, o] += sum_c x[n, p, c] K[a, o, c]      (length (S-1)*s + (k-1)*d + 1)
    y = full[start : start + out] (zeros beyond the full length)
with ``start`` and ``out`` per axis from Keras's padding rule (``transpose_geometry``).
The forward is one matmul (x @ K^T) and col2im; the backward reads windows of the
zero-extended g with im2col: dx = cols(g) @ K,  dK = cols(g)^T @ x.
"""

from ... import backend
from ..function import Function
from .conv_nd import col2im_nd, im2col_nd
from .linalg import column_sums


def transpose_output_length(length, kernel, stride, dilation, padding, output_padding=None):
    """Keras's output length of a transposed convolution along one axis."""
    span = (kernel - 1) * dilation + 1
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(span - stride, 0)
        return length * stride
    pad = span // 2 if padding == "same" else 0
    return (length - 1) * stride + span - 2 * pad + output_padding


def transpose_geometry(length, kernel, stride, dilation, padding, output_padding=None):
    """(start, out): where Keras's output begins inside the full scatter, and its length.

    Keras (via JAX) dilates the input by the stride, pads it by (left, right) and
    correlates with the flipped kernel; the full scatter is left = right = span - 1,
    so the output starts at span - 1 - left."""
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        left = span - 1
    else:
        pad_len = stride + span - 2 if output_padding is None else span + span % 2 - 2 + output_padding
        left = min(pad_len // 2 + pad_len % 2, span - 1)
    return span - 1 - left, transpose_output_length(length, kernel, stride, dilation, padding, output_padding)


class ConvTranspose(Function):
    """y = crop(scatter(x K^T)) + b; see the module docstring."""

    def forward(self, x, kernel, bias=None, strides=(1,), dilation=(1,), starts=(0,), out=(1,)):
        rank = len(strides)
        window, (cout, cin) = kernel.shape[:rank], kernel.shape[rank:]
        n, spatial = x.shape[0], x.shape[1:-1]
        full = tuple((s - 1) * st + (k - 1) * d + 1 for s, st, k, d in zip(spatial, strides, window, dilation))
        buffer = tuple(max(f, b + o) for f, b, o in zip(full, starts, out))
        x2 = x.reshape(-1, cin)
        kmat = kernel.reshape(-1, cin)  # (kp*cout, cin)
        z = (x2 @ kmat.T).reshape(n, *spatial, *window, cout)
        y = backend.xp.zeros((n, *buffer, cout), dtype=z.dtype)
        col2im_nd(z, strides, dilation, y)
        y = y[(slice(None),) + tuple(slice(b, b + o) for b, o in zip(starts, out))]
        y = y + bias if bias is not None else backend.xp.ascontiguousarray(y)
        if self.requires_grad:
            self.x2, self.kernel, self.strides, self.dilation = x2, kernel, strides, dilation
            self.starts, self.buffer, self.spatial = starts, buffer, spatial
        return y

    def backward(self, g):
        kernel, rank = self.kernel, len(self.strides)
        window, (cout, cin) = kernel.shape[:rank], kernel.shape[rank:]
        n = g.shape[0]
        gbuf = backend.xp.zeros((n, *self.buffer, cout), dtype=g.dtype)
        gbuf[(slice(None),) + tuple(slice(b, b + o) for b, o in zip(self.starts, g.shape[1:-1]))] = g
        cols = im2col_nd(gbuf, window, self.strides, self.dilation, self.spatial)  # (M, kp*cout)
        need = self.needs_input_grad
        gx = gk = gb = None
        if need[0]:
            gx = (cols @ kernel.reshape(-1, cin)).reshape(n, *self.spatial, cin)
        if need[1]:
            gk = (cols.T @ self.x2).reshape(kernel.shape)
        if len(need) > 2 and need[2]:
            gb = column_sums(g.reshape(-1, cout))
        return gx, gk, gb
