"""``keras.ops`` reductions: sum, mean, max, min, prod, all, any, var, std, average,
argmax/argmin, count_nonzero, ptp, trace, and the running cumsum/cumprod.

Keras's dtypes: ``mean``/``var``/``std``/``average`` give ``floatx`` for integers; ``sum``,
``prod``, ``cumsum`` and ``trace`` widen booleans and narrow integers to int32 (uint32);
``max``/``min`` keep the dtype; index results are int32.
"""

import numpy as np  # dtypes only

from .. import backend
from ..autograd import Tensor
from ..autograd import ops as P
from ..autograd.ops.reduce import _axes
from .dispatch import keras_op
from .numpy_common import check_axis, float_tensor, int_tensor, promote, to_tensor

__all__ = ["all", "amax", "amin", "any", "argmax", "argmin", "average", "count_nonzero",
           "cumprod", "cumsum", "max", "mean", "min", "prod", "ptp", "std", "sum", "trace", "var"]


def _widened(x, dtype=None):
    """``x`` for a sum or product: bool and small ints widen to int32/uint32, as Keras."""
    if dtype is not None:
        return P.cast(x, np.dtype(dtype))
    if x.dtype == bool or (x.dtype.kind == "i" and x.dtype.itemsize < 4):
        return P.cast(x, "int32")
    if x.dtype.kind == "u" and x.dtype.itemsize < 4:
        return P.cast(x, "uint32")
    return x


def _checked_axes(x, axis):
    try:
        return _axes(axis, x.ndim)
    except ValueError as error:
        raise ValueError(f"Expected `axis` in [-{x.ndim}, {x.ndim}): {error}. Received: axis={axis}") from None
    except TypeError:
        raise TypeError(f"Expected `axis` to be None, an int or a tuple of ints. Received: axis={axis!r}") from None


def _reduce(primitive, xp_name, x, axis, keepdims):
    axes = _checked_axes(x, axis)
    if x.dtype.kind == "f":
        return primitive(x, axis=axes, keepdims=keepdims)
    out = getattr(backend.xp, xp_name)(x.data, axis=axes, keepdims=keepdims)
    return Tensor(backend.xp.asarray(out).astype(x.dtype))


@keras_op("sum")
def sum(x, axis=None, keepdims=False):  # noqa: A001  (keras.ops.sum)
    return _reduce(P.sum, "sum", _widened(to_tensor(x)), axis, keepdims)


@keras_op("mean")
def mean(x, axis=None, keepdims=False):
    x = float_tensor(x)
    return P.mean(x, axis=_checked_axes(x, axis), keepdims=keepdims)


@keras_op("prod")
def prod(x, axis=None, keepdims=False, dtype=None):
    return _reduce(P.prod, "prod", _widened(to_tensor(x), dtype), axis, keepdims)


def _extremum(primitive, xp_name, x, axis, keepdims, initial):
    x = to_tensor(x)
    if x.size == 0 and initial is None:
        raise ValueError(f"Cannot compute the {xp_name} of an empty tensor (shape {x.shape}) "
                         f"without `initial`.")
    out = _reduce(primitive, xp_name, x, axis, keepdims)
    if initial is not None:
        bound = (P.maximum if xp_name == "max" else P.minimum)
        out = bound(out, Tensor(backend.xp.asarray(initial, dtype=x.dtype))) if x.dtype.kind == "f" \
            else Tensor(getattr(backend.xp, xp_name + "imum")(out.data, initial).astype(x.dtype))
    return out


@keras_op("max")
def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001  (keras.ops.max)
    """The largest value; the gradient goes to the maxima (split evenly on ties)."""
    return _extremum(P.max, "max", x, axis, keepdims, initial)


@keras_op("min")
def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001  (keras.ops.min)
    return _extremum(P.min, "min", x, axis, keepdims, initial)


@keras_op("amax")
def amax(x, axis=None, keepdims=False):
    return _extremum(P.max, "max", x, axis, keepdims, None)


@keras_op("amin")
def amin(x, axis=None, keepdims=False):
    return _extremum(P.min, "min", x, axis, keepdims, None)


@keras_op("all")
def all(x, axis=None, keepdims=False):  # noqa: A001  (keras.ops.all)
    x = to_tensor(x)
    return Tensor(backend.xp.all(x.data.astype(bool), axis=_checked_axes(x, axis), keepdims=keepdims))


@keras_op("any")
def any(x, axis=None, keepdims=False):  # noqa: A001  (keras.ops.any)
    x = to_tensor(x)
    return Tensor(backend.xp.any(x.data.astype(bool), axis=_checked_axes(x, axis), keepdims=keepdims))


@keras_op("var")
def var(x, axis=None, keepdims=False):
    """Population variance mean((x - mean(x))**2)."""
    x = float_tensor(x)
    return P.var(x, axis=_checked_axes(x, axis), keepdims=keepdims)


@keras_op("std")
def std(x, axis=None, keepdims=False):
    x = float_tensor(x)
    return P.std(x, axis=_checked_axes(x, axis), keepdims=keepdims)


@keras_op("average")
def average(x, axis=None, weights=None):
    """sum(x * w) / sum(w) along ``axis`` (1-D ``weights`` follow that axis)."""
    if weights is None:
        return mean.eager(x, axis=axis)
    x, w = promote(x, weights)
    x, w = float_tensor(x), float_tensor(w)
    if w.ndim == 1 and x.ndim > 1:
        if axis is None or not isinstance(axis, (int, np.integer)):
            raise ValueError(f"Expected `axis` to be an int when `weights` is 1-D. Received: axis={axis}")
        a = check_axis(axis, x.ndim)
        if w.shape[0] != x.shape[a]:
            raise ValueError(f"Expected 1-D `weights` of length {x.shape[a]} (x.shape[{axis}]). "
                             f"Received: weights.shape={w.shape}")
        w = P.reshape(w, [-1 if i == a else 1 for i in range(x.ndim)])
    elif w.shape != x.shape:
        raise ValueError(f"Expected `weights` of shape {x.shape} or 1-D. Received: weights.shape={w.shape}")
    w = P.broadcast_to(w, x.shape)
    axes = _checked_axes(x, axis)
    return P.divide(P.sum(P.multiply(x, w), axis=axes), P.sum(w, axis=axes))


@keras_op("argmax")
def argmax(x, axis=None, keepdims=False):
    x = to_tensor(x)
    return int_tensor(backend.xp.argmax(x.data, axis=axis, keepdims=keepdims))


@keras_op("argmin")
def argmin(x, axis=None, keepdims=False):
    x = to_tensor(x)
    return int_tensor(backend.xp.argmin(x.data, axis=axis, keepdims=keepdims))


@keras_op("count_nonzero")
def count_nonzero(x, axis=None):
    x = to_tensor(x)
    return int_tensor(backend.xp.count_nonzero(x.data, axis=_checked_axes(x, axis)))


@keras_op("ptp")
def ptp(x, axis=None, keepdims=False):
    """max - min along ``axis``."""
    x = to_tensor(x)
    if x.dtype == bool:
        raise TypeError("Expected a numeric tensor for `ptp`. Received a tensor of dtype bool.")
    hi = _extremum(P.max, "max", x, axis, keepdims, None)
    lo = _extremum(P.min, "min", x, axis, keepdims, None)
    return P.subtract(hi, lo)


@keras_op("trace")
def trace(x, offset=0, axis1=0, axis2=1):
    """The sum of the ``offset`` diagonal of the (axis1, axis2) planes."""
    from .numpy_shape import diagonal
    return sum.eager(diagonal.eager(x, offset=offset, axis1=axis1, axis2=axis2), axis=-1)


def _running(primitive, xp_name, x, axis, dtype):
    x = _widened(to_tensor(x), dtype) if dtype is not None or to_tensor(x).dtype == bool else to_tensor(x)
    if axis is not None:
        check_axis(axis, x.ndim)
    if x.dtype.kind == "f":
        return primitive(x, axis=axis)
    data = x.data.reshape(-1) if axis is None else x.data
    return Tensor(getattr(backend.xp, xp_name)(data, axis=0 if axis is None else axis).astype(x.dtype))


@keras_op("cumsum")
def cumsum(x, axis=None, dtype=None):
    """Running sums along ``axis`` (of the flattened tensor when None)."""
    return _running(P.cumsum, "cumsum", x, axis, dtype)


@keras_op("cumprod")
def cumprod(x, axis=None, dtype=None):
    """Running products along ``axis`` (of the flattened tensor when None)."""
    return _running(P.cumprod, "cumprod", x, axis, dtype)
