"""``keras.ops`` order statistics and NaN-ignoring reductions: median, quantile, percentile,
corrcoef, and the ``nan*`` family (nansum, nanmean, nanmax, nanquantile, nancumsum, ...).

Quantiles sort along the reduced axes and interpolate between two sorted neighbours
(``method`` "linear", "lower", "higher", "midpoint" or "nearest"), so the gradient goes to
those neighbours. The ``nan*`` forms replace NaN by the reduction's neutral value, which is
also where their gradient is zero.
"""

import numpy as np  # host-side checks on q only

from .. import backend
from ..autograd import Tensor
from ..autograd import ops as P
from .dispatch import keras_op
from .numpy_common import float_tensor, int_tensor, plain, to_tensor
from .numpy_indexing import take_along_axis
from .numpy_reduce import _checked_axes, _extremum, cumprod, cumsum, prod, sum
from .numpy_sorting import sort

__all__ = ["corrcoef", "median", "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax",
           "nanmean", "nanmedian", "nanmin", "nanpercentile", "nanprod", "nanquantile", "nanstd",
           "nansum", "nanvar", "percentile", "quantile"]

_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x, q, axis, method, keepdims, ignore_nan):
    if method not in _METHODS:
        raise ValueError(f"Expected `method` in {_METHODS}. Received: method={method!r}")
    x = float_tensor(x)
    qv = backend.xp.asarray(plain(q), dtype="float64")
    if bool(((qv < 0) | (qv > 1)).any()):
        raise ValueError(f"Expected quantiles in [0, 1] (percentiles in [0, 100]). Received: q={q}")
    axes = _checked_axes(x, axis)
    rest = [a for a in range(x.ndim) if a not in axes]
    moved = P.transpose(x, rest + list(axes))
    rest_shape = tuple(x.shape[a] for a in rest)
    flat = P.reshape(moved, rest_shape + (-1,))
    n = flat.shape[-1]
    xp = backend.xp
    nan = xp.isnan(flat.data)
    count = (n - nan.sum(axis=-1)) if ignore_nan else xp.full(rest_shape, n)
    pos = qv.reshape(qv.shape + (1,) * len(rest_shape)) * (count - 1)
    lo, hi = xp.floor(pos), xp.ceil(pos)
    frac = pos - lo
    if method == "lower":
        hi, frac = lo, 0 * frac
    elif method == "higher":
        lo, frac = hi, 0 * frac
    elif method == "midpoint":
        frac = xp.where(hi > lo, 0.5, 0.0)
    elif method == "nearest":
        lo = hi = xp.round(pos)
        frac = 0 * frac
    ordered = P.reshape(sort.eager(flat, axis=-1), (1,) * qv.ndim + rest_shape + (n,))

    def gather(i):
        i = xp.clip(i, 0, max(n - 1, 0)).astype("int64")[..., None]
        return P.squeeze(take_along_axis.eager(ordered, Tensor(i), axis=-1), -1)

    weight = Tensor(frac.astype(x.dtype))
    out = P.add(P.multiply(gather(lo), P.subtract(1.0, weight)), P.multiply(gather(hi), weight))
    empty = (count == 0) if ignore_nan else nan.any(axis=-1)
    out = P.where(Tensor(xp.broadcast_to(empty, out.shape)), float("nan"), out)
    if keepdims:
        out = P.reshape(out, qv.shape + tuple(1 if a in axes else x.shape[a] for a in range(x.ndim)))
    return out


@keras_op("quantile")
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th quantiles (q in [0, 1]) along ``axis``; q's axes come first."""
    return _quantile(x, q, axis, method, keepdims, False)


@keras_op("percentile")
def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, plain(q) / 100.0, axis, method, keepdims, False)


@keras_op("median")
def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims, False)


@keras_op("nanquantile")
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, True)


@keras_op("nanpercentile")
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, plain(q) / 100.0, axis, method, keepdims, True)


@keras_op("nanmedian")
def nanmedian(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims, True)


def _filled(x, value):
    """``x`` with NaN replaced by ``value`` (no gradient there)."""
    x = to_tensor(x)
    if x.dtype.kind != "f":
        return x
    return P.where(Tensor(backend.xp.isnan(x.data)), value, x)


@keras_op("nansum")
def nansum(x, axis=None, keepdims=False):
    return sum.eager(_filled(x, 0.0), axis=axis, keepdims=keepdims)


@keras_op("nanprod")
def nanprod(x, axis=None, keepdims=False):
    return prod.eager(_filled(x, 1.0), axis=axis, keepdims=keepdims)


@keras_op("nancumsum")
def nancumsum(x, axis=None, dtype=None):
    return cumsum.eager(_filled(x, 0.0), axis=axis, dtype=dtype)


@keras_op("nancumprod")
def nancumprod(x, axis=None, dtype=None):
    return cumprod.eager(_filled(x, 1.0), axis=axis, dtype=dtype)


def _count(x, axis, keepdims):
    valid = ~backend.xp.isnan(x.data)
    return valid.sum(axis=_checked_axes(x, axis), keepdims=keepdims).astype(x.dtype)


@keras_op("nanmean")
def nanmean(x, axis=None, keepdims=False):
    """The mean of the non-NaN values (NaN where there is none)."""
    x = float_tensor(x)
    total = P.sum(_filled(x, 0.0), axis=_checked_axes(x, axis), keepdims=keepdims)
    return P.divide(total, Tensor(_count(x, axis, keepdims)))


@keras_op("nanvar")
def nanvar(x, axis=None, keepdims=False):
    x = float_tensor(x)
    nan = Tensor(backend.xp.isnan(x.data))
    centered = P.where(nan, 0.0, P.subtract(_filled(x, 0.0), nanmean.eager(x, axis=axis, keepdims=True)))
    total = P.sum(P.square(centered), axis=_checked_axes(x, axis), keepdims=keepdims)
    return P.divide(total, Tensor(_count(x, axis, keepdims)))


@keras_op("nanstd")
def nanstd(x, axis=None, keepdims=False):
    return P.sqrt(nanvar.eager(x, axis=axis, keepdims=keepdims))


def _nan_extremum(x, axis, keepdims, name):
    x = to_tensor(x)
    if x.dtype.kind != "f":
        return _extremum(P.max if name == "max" else P.min, name, x, axis, keepdims, None)
    fill = float("-inf") if name == "max" else float("inf")
    out = _extremum(P.max if name == "max" else P.min, name, _filled(x, fill), axis, keepdims, None)
    all_nan = Tensor(_count(x, axis, keepdims) == 0)
    return P.where(all_nan, float("nan"), out)


@keras_op("nanmax")
def nanmax(x, axis=None, keepdims=False):
    return _nan_extremum(x, axis, keepdims, "max")


@keras_op("nanmin")
def nanmin(x, axis=None, keepdims=False):
    return _nan_extremum(x, axis, keepdims, "min")


def _nan_arg(x, axis, keepdims, name):
    data = plain(x)
    if data.dtype.kind == "f":
        fill = -np.inf if name == "argmax" else np.inf
        valid = ~backend.xp.isnan(data)
        data = backend.xp.where(valid, data, fill)
        result = getattr(backend.xp, name)(data, axis=axis, keepdims=keepdims)
        none = ~valid.any(axis=axis, keepdims=keepdims)
        return int_tensor(backend.xp.where(none, -1, result))
    return int_tensor(getattr(backend.xp, name)(data, axis=axis, keepdims=keepdims))


@keras_op("nanargmax")
def nanargmax(x, axis=None, keepdims=False):
    """argmax ignoring NaN (-1 where a slice is all NaN)."""
    return _nan_arg(x, axis, keepdims, "argmax")


@keras_op("nanargmin")
def nanargmin(x, axis=None, keepdims=False):
    return _nan_arg(x, axis, keepdims, "argmin")


@keras_op("corrcoef")
def corrcoef(x):
    """Pearson correlation of the rows (variables) of ``x`` over its columns (observations)."""
    x = float_tensor(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"Expected a 1-D or 2-D tensor for corrcoef. Received: x.shape={x.shape}")
    if x.ndim == 1:
        x = P.reshape(x, (1, -1))
    centered = P.subtract(x, P.mean(x, axis=1, keepdims=True))
    cov = P.matmul(centered, P.transpose(centered))
    d = P.sqrt(Tensor(backend.xp.diagonal(cov.data)) if not cov.requires_grad else
               P.getitem(cov, (backend.xp.arange(cov.shape[0]), backend.xp.arange(cov.shape[0]))))
    out = P.clip(P.divide(cov, P.multiply(P.reshape(d, (-1, 1)), P.reshape(d, (1, -1)))), -1.0, 1.0)
    return P.reshape(out, ()) if out.shape == (1, 1) else out


