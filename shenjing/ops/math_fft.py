"""``keras.ops.math`` Fourier transforms on (real, imag) pairs: fft, fft2, ifft2, rfft, irfft,
stft, istft. Values by the array module's ``fft`` (NumPy's); every transform is differentiable
(its adjoint, see ``autograd/ops/signal.py``); stft/istft compose them with framing, windows
and overlap-add the way Keras's backends call SciPy."""

import math

from .. import backend
from ..autograd.ops import arithmetic as _ar
from ..autograd.ops import shape as _shape
from ..autograd.ops import signal as _sig
from ..autograd.tensor import as_tensor
from .dispatch import keras_op

__all__ = ["fft", "fft2", "ifft2", "rfft", "irfft", "stft", "istft"]


def _pair(x, name):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError("Input `x` should be a tuple of two tensors - real and imaginary."
                         f"Received: x={x}")
    re = as_tensor(x[0])
    im = as_tensor(x[1], like=re)
    if re.shape != im.shape:
        raise ValueError("Input `x` should be a tuple of two tensors - real and imaginary."
                         "Both the real and imaginary parts should have the same shape. "
                         f"Received: x[0].shape = {re.shape}, x[1].shape = {im.shape}")
    if re.dtype.kind != "f" or im.dtype.kind != "f":
        raise ValueError(f"At least one tensor in input `x` is not of type float.Received: x={x}.")
    return re, im


def _split(stacked):
    return stacked[0], stacked[1]


def _fftn(x, ndim, inverse, name):
    re, im = _pair(x, name)
    if re.ndim < ndim:
        raise ValueError(f"{name}: expected tensors of rank >= {ndim}. Received: "
                         f"x[0].shape={re.shape}")
    return _split(_sig.FFTN.apply(re, im, ndim=ndim, inverse=inverse))


@keras_op("fft", module="math", class_name="FFT")
def fft(x):
    """The FFT of (real, imag) along the last axis -> (real, imag)."""
    return _fftn(x, 1, False, "fft")


@keras_op("fft2", module="math", class_name="FFT2")
def fft2(x):
    """The 2-D FFT of (real, imag) over the last two axes -> (real, imag)."""
    return _fftn(x, 2, False, "fft2")


@keras_op("ifft2", module="math", class_name="IFFT2")
def ifft2(x):
    """The inverse 2-D FFT of (real, imag) over the last two axes -> (real, imag)."""
    return _fftn(x, 2, True, "ifft2")


@keras_op("rfft", module="math", class_name="RFFT")
def rfft(x, fft_length=None):
    """The FFT of a real signal along the last axis (cut or zero-padded to ``fft_length``):
    (real, imag) of its fft_length // 2 + 1 non-negative frequencies."""
    x = as_tensor(x)
    if x.dtype.kind != "f":
        x = _ar.cast(x, backend.floatx())
    n = x.shape[-1] if fft_length is None else int(fft_length)
    return _split(_sig.RFFT.apply(x, n=n))


@keras_op("irfft", module="math", class_name="IRFFT")
def irfft(x, fft_length=None):
    """The inverse of rfft: (real, imag) half spectrum -> a real signal of ``fft_length``
    points (default 2 (m - 1))."""
    re, im = _pair(x, "irfft")
    n = 2 * (re.shape[-1] - 1) if fft_length is None else int(fft_length)
    return _sig.IRFFT.apply(re, im, n=n)


def _window(window, sequence_length, fft_length, dtype):
    """The window of ``sequence_length`` points centred in ``fft_length`` (ones when None);
    "hann" and "hamming" are SciPy's periodic windows."""
    xp = backend.xp
    if window is None:
        return xp.ones(fft_length, dtype=dtype)
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError('If a string is passed to `window`, it must be one of `"hann"`, '
                             f'`"hamming"`. Received: window={window}')
        a = 0.5 if window == "hann" else 0.54
        k = xp.arange(sequence_length, dtype=dtype)
        win = a - (1 - a) * xp.cos(2 * math.pi * k / sequence_length)
    else:
        win = xp.asarray(getattr(window, "data", window), dtype=dtype)
        if win.ndim != 1 or win.shape[-1] != sequence_length:
            raise ValueError("The shape of `window` must be equal to [sequence_length]."
                             f"Received: window shape={win.shape}")
    left = (fft_length - sequence_length) // 2
    return xp.pad(win.astype(dtype), (left, fft_length - sequence_length - left))


def _check_lengths(sequence_length, sequence_stride, fft_length):
    if fft_length < sequence_length:
        raise ValueError("`fft_length` must equal or larger than `sequence_length`. "
                         f"Received: sequence_length={sequence_length}, "
                         f"fft_length={fft_length}")
    if sequence_length < 1 or sequence_stride < 1:
        raise ValueError("Expected positive `sequence_length` and `sequence_stride`. Received: "
                         f"sequence_length={sequence_length}, sequence_stride={sequence_stride}")


@keras_op("stft", module="math", class_name="STFT")
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform of the last axis: frames of ``fft_length`` points every
    ``sequence_stride``, times the window, through rfft -> (real, imag) of shape
    (..., frames, fft_length // 2 + 1). ``center`` reflect-pads fft_length // 2 on each side."""
    x = as_tensor(x)
    if x.dtype.name not in ("float32", "float64"):
        raise TypeError("Invalid input type. Expected `float32` or `float64`. "
                        f"Received: input type={x.dtype}")
    _check_lengths(sequence_length, sequence_stride, fft_length)
    xp = backend.xp
    if center:
        p, n = fft_length // 2, x.shape[-1]
        if n <= p:
            raise ValueError(f"stft: with center=True the signal (length {n}) must be longer "
                             f"than fft_length // 2 = {p}")
        idx = xp.concatenate([xp.arange(p, 0, -1), xp.arange(n), xp.arange(n - 2, n - 2 - p, -1)])
        x = _shape.take(x, idx, axis=x.ndim - 1)
    count = (x.shape[-1] - fft_length) // sequence_stride + 1
    if count < 1:
        raise ValueError(f"stft: the signal (length {x.shape[-1]}) is shorter than "
                         f"fft_length={fft_length}")
    idx = xp.arange(count)[:, None] * sequence_stride + xp.arange(fft_length)[None, :]
    frames = _shape.take(x, idx, axis=x.ndim - 1)
    win = _window(window, sequence_length, fft_length, x.dtype)
    return rfft(frames * win, fft_length=fft_length)


@keras_op("istft", module="math", class_name="ISTFT")
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
          center=True):
    """Inverse of stft: irfft of each frame, times the window, overlap-added and divided by
    the overlap-added squared window (SciPy's istft, as Keras calls it)."""
    re, im = _pair(x, "istft")
    _check_lengths(sequence_length, sequence_stride, fft_length)
    xp = backend.xp
    count = re.shape[-2]
    frames = _sig.IRFFT.apply(re, im, n=fft_length)
    win = _window(window, sequence_length, fft_length, re.dtype)
    signal = _sig.OverlapAdd.apply(frames * win, stride=sequence_stride)
    norm = xp.zeros(signal.shape[-1], dtype=re.dtype)
    for f in range(count):
        norm[f * sequence_stride:f * sequence_stride + fft_length] += win * win
    norm = xp.where(norm > 1e-10, norm, 1.0).astype(re.dtype)
    if window is None:  # Keras divides SciPy's output by the stride instead of the window sum
        signal = signal * (float(fft_length) / sequence_stride)
    signal = signal / norm
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = signal.shape[-1] - fft_length // 2
    else:
        end = signal.shape[-1]
    index = (Ellipsis, slice(start, end))
    return _shape.getitem(signal, index)
