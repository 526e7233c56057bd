"""``keras.ops`` creation functions: zeros, ones, full, eye, arange, linspace, tri, the
window functions (hamming, ...), and their ``*_like`` forms. None has a gradient; ``floatx``
is the default dtype where Keras defaults to it."""

import numpy as np  # dtypes only

from .. import backend
from ..autograd import Tensor
from ..autograd.ops import cast, multiply, power
from .dispatch import keras_op
from .numpy_common import plain, to_tensor

__all__ = ["arange", "array", "bartlett", "blackman", "copy", "empty", "empty_like", "eye",
           "full", "full_like", "geomspace", "hamming", "hanning", "identity", "kaiser",
           "linspace", "logspace", "ones", "ones_like", "tri", "vander", "zeros", "zeros_like"]


def _dtype(dtype, default=None):
    if dtype is None:
        return np.dtype(default or backend.floatx())
    try:
        return np.dtype(getattr(dtype, "name", dtype))
    except TypeError:
        raise TypeError(f"Expected a dtype such as 'float32' or 'int32'. Received: dtype={dtype!r}") from None


def _shape(shape):
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    if isinstance(shape, Tensor):
        shape = shape.tolist()
    try:
        shape = tuple(int(n) for n in shape)
    except (TypeError, ValueError):
        raise TypeError(f"Expected `shape` to be an int or a tuple of ints. Received: shape={shape!r}") from None
    if any(n < 0 for n in shape):
        raise ValueError(f"Expected non-negative dimensions. Received: shape={shape}")
    return shape


@keras_op("zeros")
def zeros(shape, dtype=None):
    return Tensor(backend.xp.zeros(_shape(shape), dtype=_dtype(dtype)))


@keras_op("ones")
def ones(shape, dtype=None):
    return Tensor(backend.xp.ones(_shape(shape), dtype=_dtype(dtype)))


@keras_op("empty")
def empty(shape, dtype=None):
    """Keras's ``empty`` is filled with zeros (every backend but NumPy does so)."""
    return zeros(shape, dtype)


@keras_op("full")
def full(shape, fill_value, dtype=None):
    fill = plain(fill_value)
    return Tensor(backend.xp.broadcast_to(fill.astype(_dtype(dtype)), _shape(shape)).copy())


def _like(x, dtype):
    x = to_tensor(x)
    return x.shape, _dtype(dtype, x.dtype)


@keras_op("zeros_like")
def zeros_like(x, dtype=None):
    return zeros(*_like(x, dtype))


@keras_op("ones_like")
def ones_like(x, dtype=None):
    return ones(*_like(x, dtype))


@keras_op("empty_like")
def empty_like(x, dtype=None):
    return zeros(*_like(x, dtype))


@keras_op("full_like")
def full_like(x, fill_value, dtype=None):
    return full(*_like(x, dtype)[:1], fill_value, _like(x, dtype)[1])


@keras_op("eye")
def eye(N, M=None, k=0, dtype=None):
    return Tensor(backend.xp.eye(int(N), None if M is None else int(M), k=int(k), dtype=_dtype(dtype)))


@keras_op("identity")
def identity(n, dtype=None):
    return eye(n, dtype=dtype)


@keras_op("tri")
def tri(N, M=None, k=0, dtype=None):
    return Tensor(backend.xp.tri(int(N), None if M is None else int(M), k=int(k), dtype=_dtype(dtype)))


@keras_op("arange")
def arange(start, stop=None, step=None, dtype=None):
    """Values from ``start`` to ``stop`` (excluded) by ``step``; int32 for integer arguments."""
    if step == 0:
        raise ValueError("Expected a non-zero `step`. Received: step=0")
    args = [a for a in (start, stop, step) if a is not None]
    numbers = [float(plain(a)) if isinstance(a, Tensor) else a for a in args]
    if dtype is None:
        dtype = "int32" if all(float(a).is_integer() and not isinstance(a, float) for a in numbers) \
            else backend.floatx()
    if stop is None:
        start, stop = 0, numbers[0]
        step = 1 if step is None else numbers[-1]
    else:
        start, stop = numbers[0], numbers[1]
        step = 1 if step is None else numbers[2]
    return Tensor(backend.xp.arange(start, stop, step).astype(_dtype(dtype)))


@keras_op("linspace")
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    start, stop = plain(start).astype("float64"), plain(stop).astype("float64")
    values = backend.xp.linspace(start, stop, int(num), endpoint=endpoint, retstep=retstep, axis=axis)
    if retstep:
        values, step = values
    out = Tensor(values.astype(_dtype(dtype)))
    return (out, Tensor(backend.xp.asarray(step).astype(_dtype(dtype)))) if retstep else out


@keras_op("logspace")
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    values = backend.xp.logspace(plain(start).astype("float64"), plain(stop).astype("float64"),
                                 int(num), endpoint=endpoint, base=base, axis=axis)
    return Tensor(values.astype(_dtype(dtype)))


@keras_op("geomspace")
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    if float(plain(start)) == 0 or float(plain(stop)) == 0:
        raise ValueError(f"Expected non-zero `start` and `stop`. Received: start={start}, stop={stop}")
    values = backend.xp.geomspace(plain(start).astype("float64"), plain(stop).astype("float64"),
                                  int(num), endpoint=endpoint, axis=axis)
    return Tensor(values.astype(_dtype(dtype)))


@keras_op("array")
def array(x, dtype=None):
    """``x`` as a tensor; Python ints become int32 and Python floats floatx, as in Keras."""
    out = to_tensor(x)
    if dtype is not None:
        return cast(out, _dtype(dtype))
    if not isinstance(x, (Tensor, np.ndarray, backend.xp.ndarray)) and out.dtype == np.int64:
        return cast(out, "int32")
    return out


@keras_op("copy")
def copy(x):
    """A copy of ``x``; the gradient passes through."""
    x = to_tensor(x)
    return multiply(x, 1) if x.dtype.kind == "f" else Tensor(x.data.copy())


def _window(name, M, *args):
    return Tensor(getattr(backend.xp, name)(int(M), *args).astype(backend.floatx()))


@keras_op("bartlett")
def bartlett(x):
    return _window("bartlett", x)


@keras_op("blackman")
def blackman(x):
    return _window("blackman", x)


@keras_op("hamming")
def hamming(x):
    return _window("hamming", x)


@keras_op("hanning")
def hanning(x):
    return _window("hanning", x)


@keras_op("kaiser")
def kaiser(x, beta):
    return _window("kaiser", x, float(beta))


@keras_op("vander")
def vander(x, N=None, increasing=False):
    """Columns x**(N-1), ..., x**0 (reversed with ``increasing``); differentiable in ``x``."""
    x = to_tensor(x)
    if x.ndim != 1:
        raise ValueError(f"Expected a 1-D `x`. Received: x.shape={x.shape}")
    n = x.shape[0] if N is None else int(N)
    exponents = backend.xp.arange(n)
    if not increasing:
        exponents = exponents[::-1]
    if x.dtype.kind != "f":
        return Tensor(x.data[:, None] ** exponents[None, :])
    return power(x.reshape((-1, 1)), Tensor(exponents.astype(x.dtype)[None, :]))

