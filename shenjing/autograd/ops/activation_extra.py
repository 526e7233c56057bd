"""The activations Keras 3 has beyond relu/sigmoid/tanh/softmax/elu/gelu/softplus/silu:
pointwise ones with their closed-form derivative, and sparsemax.

A pointwise primitive defines ``value(xp, x, **options)`` and ``derivative(xp, x, y, **options)``
(dy/dx from the input and the output); ``Pointwise`` runs them as forward and backward.
"""

import math

from ... import backend
from ..function import Function
from ..tensor import as_tensor


class Pointwise(Function):
    """y = value(x);  dx = g * derivative(x, y)."""

    def forward(self, x, **options):
        y = self.value(backend.xp, x, **options)
        if y.dtype != x.dtype and x.dtype.kind == "f":
            y = y.astype(x.dtype)
        if self.requires_grad:
            self.x, self.y, self.options = x, y, options
        return y

    def backward(self, g):
        d = self.derivative(backend.xp, self.x, self.y, **self.options)
        return (g * d).astype(self.x.dtype, copy=False)


class Relu6(Pointwise):
    """y = min(max(x, 0), 6);  dy/dx = 1 on (0, 6), else 0."""
    value = staticmethod(lambda xp, x: xp.clip(x, 0, 6))
    derivative = staticmethod(lambda xp, x, y: ((x > 0) & (x < 6)).astype(x.dtype))


class HardTanh(Pointwise):
    """y = clip(x, -1, 1);  dy/dx = 1 on (-1, 1), else 0."""
    value = staticmethod(lambda xp, x: xp.clip(x, -1, 1))
    derivative = staticmethod(lambda xp, x, y: ((x > -1) & (x < 1)).astype(x.dtype))


class HardSigmoid(Pointwise):
    """y = relu6(x + 3) / 6;  dy/dx = 1/6 on (-3, 3), else 0."""
    value = staticmethod(lambda xp, x: xp.clip(x + 3, 0, 6) / 6)
    derivative = staticmethod(lambda xp, x, y: ((x > -3) & (x < 3)).astype(x.dtype) / 6)


class HardSilu(Pointwise):
    """y = x relu6(x + 3) / 6;  dy/dx = 0 below -3, (2x + 3) / 6 on (-3, 3), 1 above 3."""
    value = staticmethod(lambda xp, x: x * xp.clip(x + 3, 0, 6) / 6)
    derivative = staticmethod(
        lambda xp, x, y: xp.where(x <= -3, 0.0, xp.where(x >= 3, 1.0, (2 * x + 3) / 6)))


class SparseSigmoid(Pointwise):
    """y = 0 for x <= -1, (x + 1) / 2 on (-1, 1), 1 for x >= 1;  dy/dx = 1/2 inside, else 0."""
    value = staticmethod(lambda xp, x: xp.clip(0.5 * (x + 1), 0, 1))
    derivative = staticmethod(lambda xp, x, y: ((x > -1) & (x < 1)).astype(x.dtype) / 2)


class SparsePlus(Pointwise):
    """y = 0 for x <= -1, (x + 1)^2 / 4 on (-1, 1), x for x >= 1;  dy/dx = 0, (x + 1) / 2, 1."""
    value = staticmethod(
        lambda xp, x: xp.where(x <= -1, 0.0, xp.where(x >= 1, x, (x + 1) ** 2 / 4)))
    derivative = staticmethod(
        lambda xp, x, y: xp.where(x <= -1, 0.0, xp.where(x >= 1, 1.0, (x + 1) / 2)))


class Softsign(Pointwise):
    """y = x / (1 + |x|);  dy/dx = 1 / (1 + |x|)^2."""
    value = staticmethod(lambda xp, x: x / (1 + xp.abs(x)))
    derivative = staticmethod(lambda xp, x, y: 1 / (1 + xp.abs(x)) ** 2)


class SoftShrink(Pointwise):
    """y = x - t for x > t, x + t for x < -t, else 0;  dy/dx = 1 outside [-t, t], else 0."""
    value = staticmethod(
        lambda xp, x, threshold: xp.where(x > threshold, x - threshold,
                                          xp.where(x < -threshold, x + threshold, 0.0)))
    derivative = staticmethod(
        lambda xp, x, y, threshold: (xp.abs(x) > threshold).astype(x.dtype))


class HardShrink(Pointwise):
    """y = x where |x| > t, else 0;  dy/dx = 1 where |x| > t, else 0."""
    value = staticmethod(lambda xp, x, threshold: xp.where(xp.abs(x) > threshold, x, 0.0))
    derivative = staticmethod(
        lambda xp, x, y, threshold: (xp.abs(x) > threshold).astype(x.dtype))


class Threshold(Pointwise):
    """y = x where x > threshold, else default_value;  dy/dx = 1 where x > threshold, else 0."""
    value = staticmethod(
        lambda xp, x, threshold, default_value: xp.where(x > threshold, x, default_value))
    derivative = staticmethod(
        lambda xp, x, y, threshold, default_value: (x > threshold).astype(x.dtype))


class Squareplus(Pointwise):
    """y = (x + sqrt(x^2 + b)) / 2;  dy/dx = (1 + x / sqrt(x^2 + b)) / 2."""
    value = staticmethod(lambda xp, x, b: (x + xp.sqrt(x * x + b)) / 2)
    derivative = staticmethod(lambda xp, x, y, b: (1 + x / xp.sqrt(x * x + b)) / 2)


class LogSigmoid(Pointwise):
    """y = -softplus(-x) = min(x, 0) - log1p(exp(-|x|));  dy/dx = sigmoid(-x)."""
    value = staticmethod(lambda xp, x: xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x))))
    derivative = staticmethod(lambda xp, x, y: 0.5 - 0.5 * xp.tanh(0.5 * x))


class TanhShrink(Pointwise):
    """y = x - tanh(x);  dy/dx = tanh(x)^2."""
    value = staticmethod(lambda xp, x: x - xp.tanh(x))
    derivative = staticmethod(lambda xp, x, y: xp.tanh(x) ** 2)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class Selu(Pointwise):
    """y = scale * (x if x > 0 else alpha (exp(x) - 1));  dy/dx = scale or scale alpha exp(x)."""
    value = staticmethod(lambda xp, x: SELU_SCALE * xp.where(
        x > 0, x, SELU_ALPHA * xp.expm1(xp.minimum(x, 0))))
    derivative = staticmethod(lambda xp, x, y: SELU_SCALE * xp.where(
        x > 0, 1.0, SELU_ALPHA * xp.exp(xp.minimum(x, 0))))


class Celu(Pointwise):
    """y = max(x, 0) + min(0, alpha (exp(x / alpha) - 1));  dy/dx = 1 or exp(x / alpha)."""
    value = staticmethod(lambda xp, x, alpha: xp.maximum(x, 0) + xp.minimum(
        0, alpha * xp.expm1(xp.minimum(x, 0) / alpha)))
    derivative = staticmethod(
        lambda xp, x, y, alpha: xp.where(x > 0, 1.0, xp.exp(xp.minimum(x, 0) / alpha)))


class Erf(Pointwise):
    """y = erf(x);  dy/dx = 2 / sqrt(pi) exp(-x^2)."""
    value = staticmethod(lambda xp, x: backend.scipy_special().erf(x))
    derivative = staticmethod(lambda xp, x, y: 2 / math.sqrt(math.pi) * xp.exp(-x * x))


class Erfc(Pointwise):
    """y = erfc(x) = 1 - erf(x);  dy/dx = -2 / sqrt(pi) exp(-x^2)."""
    value = staticmethod(lambda xp, x: backend.scipy_special().erfc(x))
    derivative = staticmethod(lambda xp, x, y: -2 / math.sqrt(math.pi) * xp.exp(-x * x))


class Erfinv(Pointwise):
    """y = erfinv(x);  dy/dx = sqrt(pi) / 2 exp(y^2)."""
    value = staticmethod(lambda xp, x: backend.scipy_special().erfinv(x))
    derivative = staticmethod(lambda xp, x, y: math.sqrt(math.pi) / 2 * xp.exp(y * y))


class Rsqrt(Pointwise):
    """y = 1 / sqrt(x);  dy/dx = -y^3 / 2."""
    value = staticmethod(lambda xp, x: 1 / xp.sqrt(x))
    derivative = staticmethod(lambda xp, x, y: -0.5 * y * y * y)


class Sparsemax(Function):
    """y = max(x - tau, 0), tau such that sum(y) = 1 (Martins & Astudillo 2016);
    dx = s (g - sum(s g) / sum(s)), s = (y > 0)."""

    def forward(self, x, axis):
        xp = backend.xp
        z = xp.moveaxis(x, axis, -1)
        z_sorted = -xp.sort(-z, axis=-1)
        k = xp.arange(1, z.shape[-1] + 1, dtype=x.dtype)
        cumsum = xp.cumsum(z_sorted, axis=-1)
        support = (1 + k * z_sorted) > cumsum
        k_z = support.sum(axis=-1, keepdims=True)
        tau = (xp.take_along_axis(cumsum, k_z - 1, axis=-1) - 1) / k_z.astype(x.dtype)
        y = xp.moveaxis(xp.maximum(z - tau, 0), -1, axis).astype(x.dtype, copy=False)
        self.y, self.axis = y, axis
        return y

    def backward(self, g):
        s = (self.y > 0).astype(g.dtype)
        mean = (s * g).sum(axis=self.axis, keepdims=True) / s.sum(axis=self.axis, keepdims=True)
        return s * (g - mean)


def _pointwise(cls, x, **options):
    x = as_tensor(x)
    if x.dtype.kind != "f":
        x = as_tensor(backend.xp.asarray(x.data, dtype=backend.floatx()))
    return cls.apply(x, **options)


def relu6(x):
    return _pointwise(Relu6, x)


def hard_tanh(x):
    return _pointwise(HardTanh, x)


def hard_sigmoid(x):
    return _pointwise(HardSigmoid, x)


def hard_silu(x):
    return _pointwise(HardSilu, x)


def sparse_sigmoid(x):
    return _pointwise(SparseSigmoid, x)


def sparse_plus(x):
    return _pointwise(SparsePlus, x)


def softsign(x):
    return _pointwise(Softsign, x)


def soft_shrink(x, threshold=0.5):
    return _pointwise(SoftShrink, x, threshold=threshold)


def hard_shrink(x, threshold=0.5):
    return _pointwise(HardShrink, x, threshold=threshold)


def threshold(x, threshold, default_value):
    return _pointwise(Threshold, x, threshold=threshold, default_value=default_value)


def squareplus(x, b=4):
    return _pointwise(Squareplus, x, b=b)


def log_sigmoid(x):
    return _pointwise(LogSigmoid, x)


def tanh_shrink(x):
    return _pointwise(TanhShrink, x)


def selu(x):
    return _pointwise(Selu, x)


def celu(x, alpha=1.0):
    return _pointwise(Celu, x, alpha=alpha)


def erf(x):
    return _pointwise(Erf, x)


def erfc(x):
    return _pointwise(Erfc, x)


def erfinv(x):
    return _pointwise(Erfinv, x)


def rsqrt(x):
    return _pointwise(Rsqrt, x)


def sparsemax(x, axis=-1):
    return _pointwise(Sparsemax, x, axis=axis)
