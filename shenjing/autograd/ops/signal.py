"""Fourier transforms on (real, imag) pairs and the overlap-add of frames, with their adjoints.

A complex spectrum travels as two real tensors; the complex transforms return both parts
stacked on a new leading axis (``out[0]`` real, ``out[1]`` imaginary), which the callers split.
For a complex linear map y = A x, the gradient of a real loss is dx = A^H g (g = g_re + i g_im).
"""

import math

from ... import backend
from ..function import Function


def _stack(z):
    return backend.xp.stack([z.real, z.imag])


class FFTN(Function):
    """y = fftn(x_re + i x_im) over the last ``ndim`` axes (``inverse``: ifftn);
    dx = n ifftn(g) (inverse: fftn(g) / n), n the number of transformed points."""

    def forward(self, re, im, ndim, inverse):
        xp = backend.xp
        axes = tuple(range(-ndim, 0))
        self.axes, self.inverse, self.dtype = axes, inverse, re.dtype
        self.n = math.prod(re.shape[a] for a in axes)
        z = (xp.fft.ifftn if inverse else xp.fft.fftn)(re + 1j * im, axes=axes)
        return _stack(z).astype(re.dtype, copy=False)

    def backward(self, g):
        xp = backend.xp
        gz = g[0] + 1j * g[1]
        if self.inverse:
            dz = xp.fft.fftn(gz, axes=self.axes) / self.n
        else:
            dz = xp.fft.ifftn(gz, axes=self.axes) * self.n
        return dz.real.astype(self.dtype), dz.imag.astype(self.dtype)


def _fit(a, length):
    """``a`` cut or zero-padded along its last axis to ``length``."""
    xp = backend.xp
    if a.shape[-1] >= length:
        return a[..., :length]
    pad = [(0, 0)] * (a.ndim - 1) + [(0, length - a.shape[-1])]
    return xp.pad(a, pad)


class RFFT(Function):
    """Y = rfft(x, n) (x cut or zero-padded to n);
    dx_j = Re(sum_{k <= n/2} G_k exp(2 pi i j k / n)) = Re(n ifft(G padded with zeros))_j."""

    def forward(self, x, n):
        self.length, self.n, self.dtype = x.shape[-1], n, x.dtype
        return _stack(backend.xp.fft.rfft(x, n=n, axis=-1)).astype(x.dtype, copy=False)

    def backward(self, g):
        xp = backend.xp
        gz = _fit(g[0] + 1j * g[1], self.n)
        dx = (xp.fft.ifft(gz, axis=-1) * self.n).real
        return _fit(dx, self.length).astype(self.dtype)


class IRFFT(Function):
    """x = irfft(Y_re + i Y_im, n);  dY = c_k / n rfft(g), c_k = 1 at k = 0 (and k = n/2 for
    even n), else 2 (the Hermitian half counts twice); entries past n/2 + 1 get 0."""

    def forward(self, re, im, n):
        self.m, self.n, self.dtype = re.shape[-1], n, re.dtype
        return backend.xp.fft.irfft(re + 1j * im, n=n, axis=-1).astype(re.dtype, copy=False)

    def backward(self, g):
        xp = backend.xp
        n = self.n
        spectrum = xp.fft.rfft(g, n=n, axis=-1)
        c = xp.full(spectrum.shape[-1], 2.0 / n)
        c[0] = 1.0 / n
        if n % 2 == 0:
            c[-1] = 1.0 / n
        spectrum = _fit(spectrum * c, self.m)
        return spectrum.real.astype(self.dtype), spectrum.imag.astype(self.dtype)


class OverlapAdd(Function):
    """y[t] = sum over frames f of x[..., f, t - f stride] (the adjoint of framing);
    dx[..., f, j] = g[..., f stride + j]."""

    def forward(self, frames, stride):
        xp = backend.xp
        *batch, count, length = frames.shape
        self.count, self.length, self.stride = count, length, stride
        out = xp.zeros((*batch, (count - 1) * stride + length), dtype=frames.dtype)
        for f in range(count):
            out[..., f * stride:f * stride + length] += frames[..., f, :]
        return out

    def backward(self, g):
        xp = backend.xp
        return xp.stack([g[..., f * self.stride:f * self.stride + self.length]
                         for f in range(self.count)], axis=-2)
