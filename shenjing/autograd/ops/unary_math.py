"""Elementwise transcendental functions and their derivatives, one ``Function`` each.

Every class computes ``y = f(x)`` with the array module's function of the same name and
returns ``dx = g * f'(x)``; ``f'`` is written in the class's docstring and ``derivative``.
``arctan2`` is the one binary function here.
"""

import math

from ... import backend
from ..function import Function
from ..tensor import as_tensor
from .arithmetic import _pair


class _Unary(Function):
    """y = xp.<name>(x);  dx = g * derivative(x, y)."""

    name = None

    def forward(self, x):
        self.x = x
        self.y = getattr(backend.xp, self.name)(x)
        return self.y

    def backward(self, g):
        return g * self.derivative(backend.xp, self.x, self.y)

    def derivative(self, xp, x, y):
        raise NotImplementedError


class Sin(_Unary):
    """y = sin(x);  dy/dx = cos(x)."""
    name = "sin"

    def derivative(self, xp, x, y):
        return xp.cos(x)


class Cos(_Unary):
    """y = cos(x);  dy/dx = -sin(x)."""
    name = "cos"

    def derivative(self, xp, x, y):
        return -xp.sin(x)


class Tan(_Unary):
    """y = tan(x);  dy/dx = 1 + y**2."""
    name = "tan"

    def derivative(self, xp, x, y):
        return 1 + y * y


class Arcsin(_Unary):
    """y = arcsin(x);  dy/dx = 1 / sqrt(1 - x**2)."""
    name = "arcsin"

    def derivative(self, xp, x, y):
        return 1 / xp.sqrt(1 - x * x)


class Arccos(_Unary):
    """y = arccos(x);  dy/dx = -1 / sqrt(1 - x**2)."""
    name = "arccos"

    def derivative(self, xp, x, y):
        return -1 / xp.sqrt(1 - x * x)


class Arctan(_Unary):
    """y = arctan(x);  dy/dx = 1 / (1 + x**2)."""
    name = "arctan"

    def derivative(self, xp, x, y):
        return 1 / (1 + x * x)


class Sinh(_Unary):
    """y = sinh(x);  dy/dx = cosh(x)."""
    name = "sinh"

    def derivative(self, xp, x, y):
        return xp.cosh(x)


class Cosh(_Unary):
    """y = cosh(x);  dy/dx = sinh(x)."""
    name = "cosh"

    def derivative(self, xp, x, y):
        return xp.sinh(x)


class Arcsinh(_Unary):
    """y = arcsinh(x);  dy/dx = 1 / sqrt(x**2 + 1)."""
    name = "arcsinh"

    def derivative(self, xp, x, y):
        return 1 / xp.sqrt(x * x + 1)


class Arccosh(_Unary):
    """y = arccosh(x);  dy/dx = 1 / sqrt(x**2 - 1)."""
    name = "arccosh"

    def derivative(self, xp, x, y):
        return 1 / xp.sqrt(x * x - 1)


class Arctanh(_Unary):
    """y = arctanh(x);  dy/dx = 1 / (1 - x**2)."""
    name = "arctanh"

    def derivative(self, xp, x, y):
        return 1 / (1 - x * x)


class Log1p(_Unary):
    """y = log(1 + x);  dy/dx = 1 / (1 + x)."""
    name = "log1p"

    def derivative(self, xp, x, y):
        return 1 / (1 + x)


class Expm1(_Unary):
    """y = exp(x) - 1;  dy/dx = y + 1."""
    name = "expm1"

    def derivative(self, xp, x, y):
        return y + 1


class Log2(_Unary):
    """y = log2(x);  dy/dx = 1 / (x ln 2)."""
    name = "log2"

    def derivative(self, xp, x, y):
        return 1 / (x * math.log(2.0))


class Log10(_Unary):
    """y = log10(x);  dy/dx = 1 / (x ln 10)."""
    name = "log10"

    def derivative(self, xp, x, y):
        return 1 / (x * math.log(10.0))


class Exp2(_Unary):
    """y = 2**x;  dy/dx = y ln 2."""
    name = "exp2"

    def derivative(self, xp, x, y):
        return y * math.log(2.0)


class Cbrt(_Unary):
    """y = x**(1/3) (real, odd);  dy/dx = 1 / (3 y**2)."""
    name = "cbrt"

    def derivative(self, xp, x, y):
        return 1 / (3 * y * y)


class Reciprocal(_Unary):
    """y = 1 / x;  dy/dx = -y**2."""
    name = "reciprocal"

    def derivative(self, xp, x, y):
        return -(y * y)


class Sinc(_Unary):
    """y = sin(pi x) / (pi x) (1 at 0);  dy/dx = (cos(pi x) - y) / x (0 at x = 0)."""
    name = "sinc"

    def derivative(self, xp, x, y):
        safe = xp.where(x == 0, 1, x)
        return xp.where(x == 0, 0, (xp.cos(math.pi * x) - y) / safe)


class Arctan2(Function):
    """y = arctan2(a, b);  da = g b / (a**2 + b**2), db = -g a / (a**2 + b**2)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return backend.xp.arctan2(a, b)

    def backward(self, g):
        r = self.a * self.a + self.b * self.b
        return g * self.b / r, -g * self.a / r


def _apply(cls):
    def op(x):
        return cls.apply(as_tensor(x))

    op.__name__ = cls.name
    op.__doc__ = cls.__doc__
    return op


sin, cos, tan = _apply(Sin), _apply(Cos), _apply(Tan)
arcsin, arccos, arctan = _apply(Arcsin), _apply(Arccos), _apply(Arctan)
sinh, cosh = _apply(Sinh), _apply(Cosh)
arcsinh, arccosh, arctanh = _apply(Arcsinh), _apply(Arccosh), _apply(Arctanh)
log1p, expm1, log2, log10, exp2 = _apply(Log1p), _apply(Expm1), _apply(Log2), _apply(Log10), _apply(Exp2)
cbrt, reciprocal, sinc = _apply(Cbrt), _apply(Reciprocal), _apply(Sinc)


def arctan2(x1, x2):
    return Arctan2.apply(*_pair(x1, x2))
