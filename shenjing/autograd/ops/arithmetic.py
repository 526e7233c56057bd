"""Elementwise arithmetic: + - * / **, exp, log, sqrt, abs, clip, maximum, where, ...

Binary ops broadcast as NumPy does; their gradients keep the broadcast shape
and the engine sums them back to each input's shape.
"""

import numpy as np  # dtypes and errstate only: every array function goes through backend.xp

from ... import backend
from ..function import Function
from ..tensor import Tensor, as_tensor


def _pair(a, b):
    """Both operands as Tensors; a plain number takes the other side's float dtype."""
    if isinstance(a, Tensor):
        return a, as_tensor(b, like=a)
    b = as_tensor(b)
    return as_tensor(a, like=b), b


class Add(Function):
    """y = a + b;  da = g, db = g."""

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        return g, g


class Subtract(Function):
    """y = a - b;  da = g, db = -g."""

    def forward(self, a, b):
        return a - b

    def backward(self, g):
        return g, -g


class Multiply(Function):
    """y = a * b;  da = g * b, db = g * a."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        need_a, need_b = self.needs_input_grad
        return (g * self.b if need_a else None), (g * self.a if need_b else None)


class Divide(Function):
    """y = a / b;  da = g / b, db = -g * a / b**2."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, g):
        need_a, need_b = self.needs_input_grad
        ga = g / self.b if need_a else None
        gb = -g * self.a / (self.b * self.b) if need_b else None
        return ga, gb


class Negative(Function):
    """y = -x;  dx = -g."""

    def forward(self, x):
        return -x

    def backward(self, g):
        return -g


class Power(Function):
    """y = a ** b;  da = g * b * a**(b-1), db = g * y * log(a)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        self.y = backend.xp.power(a, b)
        return self.y

    def backward(self, g):
        need_a, need_b = self.needs_input_grad
        ga = g * self.b * backend.xp.power(self.a, self.b - 1) if need_a else None
        gb = None
        if need_b:
            with np.errstate(divide="ignore", invalid="ignore"):  # NumPy's warnings switch (CuPy warns not)
                log_a = backend.xp.where(self.a > 0, backend.xp.log(backend.xp.where(self.a > 0, self.a, 1)), 0)
            gb = g * self.y * log_a
        return ga, gb


class Exp(Function):
    """y = exp(x);  dx = g * y."""

    def forward(self, x):
        self.y = backend.xp.exp(x)
        return self.y

    def backward(self, g):
        return g * self.y


class Log(Function):
    """y = log(x);  dx = g / x."""

    def forward(self, x):
        self.x = x
        return backend.xp.log(x)

    def backward(self, g):
        return g / self.x


class Sqrt(Function):
    """y = sqrt(x);  dx = g / (2 y)."""

    def forward(self, x):
        self.y = backend.xp.sqrt(x)
        return self.y

    def backward(self, g):
        return g / (2 * self.y)


class Square(Function):
    """y = x**2;  dx = 2 x g."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, g):
        return 2 * self.x * g


class Abs(Function):
    """y = |x|;  dx = g * sign(x) (0 at x = 0)."""

    def forward(self, x):
        self.x = x
        return backend.xp.abs(x)

    def backward(self, g):
        return g * backend.xp.sign(self.x)


class Clip(Function):
    """y = min(max(x, lo), hi);  dx = g where lo <= x <= hi, else 0."""

    def forward(self, x, lo, hi):
        self.mask = (x >= lo) & (x <= hi)
        return backend.xp.clip(x, lo, hi)

    def backward(self, g):
        return g * self.mask


class Maximum(Function):
    """y = max(a, b);  the gradient goes to the larger input (split evenly on ties)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return backend.xp.maximum(a, b)

    def backward(self, g):
        a_wins = (self.a > self.b) + 0.5 * (self.a == self.b)
        return g * a_wins, g * (1 - a_wins)


class Minimum(Function):
    """y = min(a, b);  the gradient goes to the smaller input (split evenly on ties)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return backend.xp.minimum(a, b)

    def backward(self, g):
        a_wins = (self.a < self.b) + 0.5 * (self.a == self.b)
        return g * a_wins, g * (1 - a_wins)


class Where(Function):
    """y = a where cond else b;  da = g * cond, db = g * (1 - cond)."""

    def forward(self, cond, a, b):
        self.cond = cond
        return backend.xp.where(cond, a, b)

    def backward(self, g):
        zero = backend.xp.zeros((), dtype=g.dtype)
        return None, backend.xp.where(self.cond, g, zero), backend.xp.where(self.cond, zero, g)


class Cast(Function):
    """y = x as dtype;  dx = g cast back (the engine casts to the input's dtype)."""

    def forward(self, x, dtype):
        return x.astype(dtype)

    def backward(self, g):
        return g


def add(x1, x2):
    return Add.apply(*_pair(x1, x2))


def subtract(x1, x2):
    return Subtract.apply(*_pair(x1, x2))


def multiply(x1, x2):
    return Multiply.apply(*_pair(x1, x2))


def divide(x1, x2):
    return Divide.apply(*_pair(x1, x2))


true_divide = divide


def negative(x):
    return Negative.apply(as_tensor(x))


def power(x1, x2):
    return Power.apply(*_pair(x1, x2))


def exp(x):
    return Exp.apply(as_tensor(x))


def log(x):
    return Log.apply(as_tensor(x))


def sqrt(x):
    return Sqrt.apply(as_tensor(x))


def square(x):
    return Square.apply(as_tensor(x))


def abs(x):  # noqa: A001  (keras.ops.abs)
    return Abs.apply(as_tensor(x))


absolute = abs


def clip(x, x_min, x_max):
    """Clip values to ``[x_min, x_max]`` (scalars)."""
    return Clip.apply(as_tensor(x), lo=x_min, hi=x_max)


def maximum(x1, x2):
    return Maximum.apply(*_pair(x1, x2))


def minimum(x1, x2):
    return Minimum.apply(*_pair(x1, x2))


def where(condition, x1, x2):
    """Pick ``x1`` where ``condition`` holds, else ``x2`` (all three broadcast)."""
    x1, x2 = _pair(x1, x2)
    cond = condition.data if isinstance(condition, Tensor) else backend.xp.asarray(condition)
    return Where.apply(Tensor(cond.astype(bool, copy=False)), x1, x2)


def cast(x, dtype):
    x = as_tensor(x)
    if x.dtype == np.dtype(dtype):
        return x
    if not np.issubdtype(np.dtype(dtype), np.floating):
        return Tensor(x.data.astype(dtype))
    return Cast.apply(x, dtype=np.dtype(dtype))


def sign(x):
    """sign(x), with no gradient (it is zero almost everywhere)."""
    return Tensor(backend.xp.sign(as_tensor(x).data))


def _compare(name):
    def compare(x1, x2):
        a, b = _pair(x1, x2)
        return Tensor(getattr(backend.xp, name)(a.data, b.data))

    compare.__name__ = name
    compare.__doc__ = f"Elementwise ``{name}``; a boolean tensor with no gradient."
    return compare


equal = _compare("equal")
not_equal = _compare("not_equal")
less = _compare("less")
less_equal = _compare("less_equal")
greater = _compare("greater")
greater_equal = _compare("greater_equal")
