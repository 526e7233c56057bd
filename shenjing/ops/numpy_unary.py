"""``keras.ops`` elementwise functions of one tensor: exp/log families, roots, trigonometric and
hyperbolic functions, rounding, sign and the complex-number views of real tensors.

Functions defined only on reals (``exp``, ``sin``, ``sqrt``, ``floor``) return ``floatx`` for
integer and boolean inputs, as Keras does; ``abs``, ``square``, ``negative``, ``sign``,
``trunc`` and ``round`` keep integers.
"""

import math

from .. import backend
from ..autograd import Tensor
from ..autograd import ops as P
from .dispatch import keras_op
from .numpy_common import float_tensor, to_tensor

__all__ = ["abs", "absolute", "angle", "arccos", "arccosh", "arcsin", "arcsinh", "arctan",
           "arctanh", "cbrt", "ceil", "conj", "conjugate", "cos", "cosh", "deg2rad", "exp", "exp2",
           "expm1", "fabs", "floor", "i0", "imag", "log", "log10", "log1p", "log2", "nan_to_num",
           "negative", "rad2deg", "real", "reciprocal", "round", "sign", "sin", "sinc", "sinh",
           "sqrt", "square", "tan", "tanh", "trunc"]


def _float_op(name, primitive):
    """keras.ops.<name>(x): ``primitive`` on ``x`` made floating."""
    def op(x):
        return primitive(float_tensor(x))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}``; integer inputs give ``floatx``."
    return keras_op(name)(op)


exp, log, sqrt = _float_op("exp", P.exp), _float_op("log", P.log), _float_op("sqrt", P.sqrt)
exp2, expm1 = _float_op("exp2", P.exp2), _float_op("expm1", P.expm1)
log1p, log2, log10 = _float_op("log1p", P.log1p), _float_op("log2", P.log2), _float_op("log10", P.log10)
cbrt, reciprocal = _float_op("cbrt", P.cbrt), _float_op("reciprocal", P.reciprocal)
sin, cos, tan = _float_op("sin", P.sin), _float_op("cos", P.cos), _float_op("tan", P.tan)
arcsin, arccos = _float_op("arcsin", P.arcsin), _float_op("arccos", P.arccos)
arctan = _float_op("arctan", P.arctan)
sinh, cosh, tanh = _float_op("sinh", P.sinh), _float_op("cosh", P.cosh), _float_op("tanh", P.tanh)
arcsinh, arccosh = _float_op("arcsinh", P.arcsinh), _float_op("arccosh", P.arccosh)
arctanh, sinc = _float_op("arctanh", P.arctanh), _float_op("sinc", P.sinc)
fabs = _float_op("fabs", P.abs)


@keras_op("abs")
def abs(x):  # noqa: A001  (keras.ops.abs)
    """|x|; integers stay integers; the gradient is sign(x)."""
    x = to_tensor(x)
    return P.abs(x) if x.dtype.kind == "f" else Tensor(backend.xp.abs(x.data))


@keras_op("absolute")
def absolute(x):
    return abs.eager(x)


@keras_op("negative")
def negative(x):
    x = to_tensor(x)
    if x.dtype == bool:
        raise TypeError(f"Expected a numeric tensor for `negative`. Received: x.dtype={x.dtype}")
    return P.negative(x)


@keras_op("square")
def square(x):
    x = to_tensor(x)
    if x.dtype == bool:
        x = P.cast(x, "int32")
    return P.square(x)


@keras_op("sign")
def sign(x):
    """-1, 0 or 1 by the sign of ``x`` (no gradient: zero almost everywhere)."""
    return P.sign(to_tensor(x))


def _rounding(name, xp_name, keep_ints):
    def op(x):
        x = to_tensor(x)
        if x.dtype.kind != "f":
            return x if keep_ints else P.cast(x, backend.floatx())
        return Tensor(getattr(backend.xp, xp_name)(x.data))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` (piecewise constant: no gradient)."
    return keras_op(name)(op)


floor, ceil = _rounding("floor", "floor", False), _rounding("ceil", "ceil", False)
trunc = _rounding("trunc", "trunc", True)


@keras_op("round")
def round(x, decimals=0):  # noqa: A001  (keras.ops.round)
    """Round half to even at ``decimals`` places (no gradient)."""
    x = to_tensor(x)
    if x.dtype.kind != "f" and decimals >= 0:
        return x
    return Tensor(backend.xp.round(x.data, int(decimals)))


@keras_op("deg2rad")
def deg2rad(x):
    return P.multiply(float_tensor(x), math.pi / 180)


@keras_op("rad2deg")
def rad2deg(x):
    return P.multiply(float_tensor(x), 180 / math.pi)


@keras_op("i0")
def i0(x):
    """The modified Bessel function of order 0 (no gradient)."""
    return Tensor(backend.xp.i0(float_tensor(x).data))


@keras_op("nan_to_num")
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """NaN -> ``nan``, +inf -> ``posinf`` (the dtype's max), -inf -> ``neginf``; the gradient
    passes where ``x`` is finite."""
    x = to_tensor(x)
    if x.dtype.kind != "f":
        return x
    fixed = backend.xp.nan_to_num(x.data, nan=nan, posinf=posinf, neginf=neginf)
    return P.where(Tensor(backend.xp.isfinite(x.data)), x, Tensor(fixed))


# Real tensors viewed as complex numbers (shenjing's tensors are real).
@keras_op("real")
def real(x):
    return to_tensor(x)


@keras_op("imag")
def imag(x):
    x = to_tensor(x)
    return P.multiply(x, 0) if x.dtype.kind == "f" else Tensor(backend.xp.zeros_like(x.data))


@keras_op("conjugate")
def conjugate(x):
    return to_tensor(x)


@keras_op("conj")
def conj(x):
    return to_tensor(x)


@keras_op("angle")
def angle(x):
    """The argument of a real number: pi where x < 0, else 0 (no gradient)."""
    x = float_tensor(x)
    return Tensor(backend.xp.angle(x.data).astype(x.dtype))
