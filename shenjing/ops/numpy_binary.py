"""``keras.ops`` elementwise functions of two tensors: arithmetic, division and remainders,
maximum/minimum, arctan2, hypot, logaddexp, and ``clip``.

Operands broadcast and promote as in Keras (see ``numpy_common.result_dtype``); true
division and the transcendental ones give ``floatx`` for integers.
"""

import math

from .. import backend
from ..autograd import Tensor
from ..autograd import ops as P
from .dispatch import keras_op
from .numpy_common import float_tensor, plain, promote, result_dtype, to_tensor

__all__ = ["add", "arctan2", "clip", "divide", "divide_no_nan", "floor_divide", "fmax", "fmin",
           "fmod", "gcd", "heaviside", "hypot", "lcm", "ldexp", "logaddexp", "logaddexp2",
           "maximum", "minimum", "mod", "multiply", "nextafter", "power", "subtract",
           "true_divide"]


def _check_numeric(name, *tensors):
    for t in tensors:
        if t.dtype == bool:
            raise TypeError(f"Expected numeric tensors for `{name}`. Received a tensor of dtype bool.")


@keras_op("add")
def add(x1, x2):
    a, b = promote(x1, x2)
    if a.dtype == bool:
        return Tensor(a.data | b.data)
    return P.add(a, b)


@keras_op("subtract")
def subtract(x1, x2):
    a, b = promote(x1, x2)
    _check_numeric("subtract", a)
    return P.subtract(a, b)


@keras_op("multiply")
def multiply(x1, x2):
    a, b = promote(x1, x2)
    if a.dtype == bool:
        return Tensor(a.data & b.data)
    return P.multiply(a, b)


def _float_pair(x1, x2):
    a, b = promote(x1, x2)
    if a.dtype.kind != "f":
        a, b = P.cast(a, backend.floatx()), P.cast(b, backend.floatx())
    return a, b


@keras_op("divide")
def divide(x1, x2):
    """x1 / x2; integers divide into ``floatx``."""
    return P.divide(*_float_pair(x1, x2))


@keras_op("true_divide")
def true_divide(x1, x2):
    return divide.eager(x1, x2)


@keras_op("divide_no_nan")
def divide_no_nan(x1, x2):
    """x1 / x2, and 0 where x2 == 0 (the gradient is 0 there too)."""
    a, b = _float_pair(x1, x2)
    zero = Tensor(backend.xp.equal(b.data, 0))
    safe = P.where(zero, 1.0, b)
    return P.where(zero, 0.0, P.divide(a, safe))


@keras_op("power")
def power(x1, x2):
    a, b = promote(x1, x2)
    if a.dtype.kind != "f":
        return Tensor(backend.xp.power(a.data, b.data))
    return P.power(a, b)


@keras_op("maximum")
def maximum(x1, x2):
    a, b = promote(x1, x2)
    return P.maximum(a, b) if a.dtype.kind == "f" else Tensor(backend.xp.maximum(a.data, b.data))


@keras_op("minimum")
def minimum(x1, x2):
    a, b = promote(x1, x2)
    return P.minimum(a, b) if a.dtype.kind == "f" else Tensor(backend.xp.minimum(a.data, b.data))


@keras_op("fmax")
def fmax(x1, x2):
    """maximum that ignores NaN (returns the other operand)."""
    a, b = promote(x1, x2)
    if a.dtype.kind != "f":
        return maximum.eager(a, b)
    xp = backend.xp
    best = P.maximum(a, b)
    best = P.where(Tensor(xp.isnan(a.data)), b, best)
    return P.where(Tensor(xp.isnan(b.data) & ~xp.isnan(a.data)), a, best)


@keras_op("fmin")
def fmin(x1, x2):
    """minimum that ignores NaN (returns the other operand)."""
    a, b = promote(x1, x2)
    if a.dtype.kind != "f":
        return minimum.eager(a, b)
    xp = backend.xp
    best = P.minimum(a, b)
    best = P.where(Tensor(xp.isnan(a.data)), b, best)
    return P.where(Tensor(xp.isnan(b.data) & ~xp.isnan(a.data)), a, best)


@keras_op("floor_divide")
def floor_divide(x1, x2):
    """floor(x1 / x2) (no gradient)."""
    a, b = promote(x1, x2)
    if a.dtype == bool:
        a, b = P.cast(a, "int32"), P.cast(b, "int32")
    return Tensor(backend.xp.floor_divide(a.data, b.data))


def _remainder(name, rounding, x1, x2):
    a, b = promote(x1, x2)
    if a.dtype == bool:
        a, b = P.cast(a, "int32"), P.cast(b, "int32")
    xp = backend.xp
    if a.dtype.kind != "f":
        return Tensor(getattr(xp, name)(a.data, b.data))
    # x1 - q * x2 with q = rounding(x1 / x2) held constant: da = g, db = -g q.
    q = getattr(xp, rounding)(a.data / b.data)
    return P.subtract(a, P.multiply(b, Tensor(q)))


@keras_op("mod")
def mod(x1, x2):
    """x1 - floor(x1 / x2) * x2 (the sign of x2)."""
    return _remainder("mod", "floor", x1, x2)


@keras_op("fmod")
def fmod(x1, x2):
    """x1 - trunc(x1 / x2) * x2 (the sign of x1)."""
    return _remainder("fmod", "trunc", x1, x2)


@keras_op("arctan2")
def arctan2(x1, x2):
    return P.arctan2(*_float_pair(x1, x2))


@keras_op("hypot")
def hypot(x1, x2):
    """sqrt(x1**2 + x2**2)."""
    a, b = _float_pair(x1, x2)
    return P.sqrt(P.add(P.square(a), P.square(b)))


def _logaddexp(a, b, base_log):
    m = Tensor(backend.xp.maximum(a.data, b.data))
    m = P.where(Tensor(backend.xp.isfinite(m.data)), m, 0.0)
    if base_log == 1.0:
        return P.add(m, P.log(P.add(P.exp(P.subtract(a, m)), P.exp(P.subtract(b, m)))))
    two_a = P.exp2(P.subtract(a, m))
    return P.add(m, P.log2(P.add(two_a, P.exp2(P.subtract(b, m)))))


@keras_op("logaddexp")
def logaddexp(x1, x2):
    """log(exp(x1) + exp(x2)), computed without overflow."""
    return _logaddexp(*_float_pair(x1, x2), 1.0)


@keras_op("logaddexp2")
def logaddexp2(x1, x2):
    """log2(2**x1 + 2**x2), computed without overflow."""
    return _logaddexp(*_float_pair(x1, x2), math.log(2.0))


@keras_op("ldexp")
def ldexp(x1, x2):
    """x1 * 2**x2 with integer ``x2``; differentiable in ``x1``."""
    e = to_tensor(x2)
    if e.dtype.kind not in "iu":
        raise TypeError(f"ldexp exponent must be an integer type. Received: x2 dtype={e.dtype}")
    x = float_tensor(x1)
    return P.multiply(x, Tensor(backend.xp.ldexp(backend.xp.ones((), dtype=x.dtype), e.data)))


@keras_op("nextafter")
def nextafter(x1, x2):
    """The next float after x1 towards x2 (no gradient)."""
    a, b = _float_pair(x1, x2)
    return Tensor(backend.xp.nextafter(a.data, b.data))


@keras_op("heaviside")
def heaviside(x1, x2):
    """0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0 (no gradient)."""
    a, b = _float_pair(x1, x2)
    return Tensor(backend.xp.heaviside(a.data, b.data))


def _integer_pair(name, x1, x2):
    a, b = promote(x1, x2)
    if a.dtype.kind not in "iu":
        raise TypeError(f"Arguments to `{name}` must be integers. Received: x1.dtype={to_tensor(x1).dtype}, "
                        f"x2.dtype={to_tensor(x2).dtype}")
    return a.data, b.data


@keras_op("gcd")
def gcd(x1, x2):
    return Tensor(backend.xp.gcd(*_integer_pair("gcd", x1, x2)))


@keras_op("lcm")
def lcm(x1, x2):
    return Tensor(backend.xp.lcm(*_integer_pair("lcm", x1, x2)))


@keras_op("clip")
def clip(x, x_min, x_max):
    """min(max(x, x_min), x_max); the gradient passes where x is inside the bounds."""
    x = to_tensor(x)
    if x.dtype == bool:
        x = P.cast(x, "int32")
    dtype = result_dtype(x, x_min, x_max)
    x = P.cast(x, dtype)
    lo, hi = plain(x_min).astype(dtype), plain(x_max).astype(dtype)
    if x.dtype.kind != "f":
        return Tensor(backend.xp.clip(x.data, lo, hi))
    return P.clip(x, lo, hi)
