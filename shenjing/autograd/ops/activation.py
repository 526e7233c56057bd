"""Activation functions, each with its closed-form derivative."""

import math
import numbers
from collections import namedtuple

from ... import backend
from ...backend import kernels
from ..function import Function
from ..tensor import Tensor, as_tensor

# What a softmax or sigmoid output remembers of its input (Keras's TensorFlow backend
# sets ``output._keras_logits = logits``), so that a probability cross-entropy can be
# computed as the fused, stable logits one. Only the op's direct output carries it.
LogitsMark = namedtuple("LogitsMark", ["logits", "activation", "axis"])


class ReLU(Function):
    """y = max(x, 0);  dx = g * (x > 0)."""

    def forward(self, x):
        y = kernels.relu(x)
        self.y = y
        return y

    def backward(self, g):
        return kernels.relu_grad(g, self.y)


class Sigmoid(Function):
    """y = 1 / (1 + exp(-x)), computed as (1 + tanh(x/2)) / 2 to never overflow;  dx = g y (1 - y)."""

    def forward(self, x):
        y = backend.xp.tanh(x * 0.5)
        y *= 0.5
        y += 0.5
        self.y = y
        return y

    def backward(self, g):
        return g * self.y * (1 - self.y)


class Tanh(Function):
    """y = tanh(x);  dx = g (1 - y^2)."""

    def forward(self, x):
        self.y = backend.xp.tanh(x)
        return self.y

    def backward(self, g):
        return g * (1 - self.y * self.y)


class Softmax(Function):
    """y = exp(x - max) / sum(exp(x - max));  dx = y (g - sum(g y))."""

    def forward(self, x, axis):
        e = backend.xp.exp(x - x.max(axis=axis, keepdims=True))
        e /= e.sum(axis=axis, keepdims=True)
        self.y, self.axis = e, axis
        return e

    def backward(self, g):
        y = self.y
        return y * (g - (g * y).sum(axis=self.axis, keepdims=True))


class LogSoftmax(Function):
    """y = x - logsumexp(x);  dx = g - softmax(x) sum(g)."""

    def forward(self, x, axis):
        shifted = x - x.max(axis=axis, keepdims=True)
        y = shifted - backend.xp.log(backend.xp.exp(shifted).sum(axis=axis, keepdims=True))
        self.y, self.axis = y, axis
        return y

    def backward(self, g):
        return g - backend.xp.exp(self.y) * g.sum(axis=self.axis, keepdims=True)


class LeakyReLU(Function):
    """y = x if x > 0 else slope x;  dx = g or slope g."""

    def forward(self, x, negative_slope):
        self.x, self.slope = x, negative_slope
        return backend.xp.where(x > 0, x, x * negative_slope)

    def backward(self, g):
        return backend.xp.where(self.x > 0, g, g * self.slope)


class ELU(Function):
    """y = x if x > 0 else alpha (exp(x) - 1);  dx = g or g (y + alpha)."""

    def forward(self, x, alpha):
        self.x, self.alpha = x, alpha
        self.y = backend.xp.where(x > 0, x, alpha * backend.xp.expm1(backend.xp.minimum(x, 0)))
        return self.y

    def backward(self, g):
        return backend.xp.where(self.x > 0, g, g * (self.y + self.alpha))


class GELU(Function):
    """Exact: y = x Phi(x);  tanh approximation: y = x/2 (1 + tanh(c (x + 0.044715 x^3)))."""

    C = math.sqrt(2 / math.pi)

    def forward(self, x, approximate):
        self.x, self.approximate = x, approximate
        if approximate:
            self.t = backend.xp.tanh(self.C * (x + 0.044715 * x**3))
            return 0.5 * x * (1 + self.t)
        self.cdf = 0.5 * (1 + backend.scipy_special().erf(x / math.sqrt(2)))
        return x * self.cdf

    def backward(self, g):
        x = self.x
        if self.approximate:
            t = self.t
            dt = (1 - t * t) * self.C * (1 + 3 * 0.044715 * x * x)
            return g * (0.5 * (1 + t) + 0.5 * x * dt)
        pdf = backend.xp.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return g * (self.cdf + x * pdf)


class Softplus(Function):
    """y = log(1 + exp(x)) (as logaddexp(0, x), stable);  dx = g sigmoid(x)."""

    def forward(self, x):
        self.x = x
        return backend.xp.logaddexp(0, x).astype(x.dtype, copy=False)

    def backward(self, g):
        return g * (0.5 * backend.xp.tanh(0.5 * self.x) + 0.5)


class SiLU(Function):
    """y = x sigmoid(x) (swish);  dx = g s (1 + x (1 - s))."""

    def forward(self, x):
        self.x = x
        self.s = 0.5 * backend.xp.tanh(0.5 * x) + 0.5
        return x * self.s

    def backward(self, g):
        s = self.s
        return g * s * (1 + self.x * (1 - s))


def relu(x):
    return ReLU.apply(as_tensor(x))


def _mark(out, logits, activation, axis):
    if logits._ctx is not None and not out.requires_grad:
        # No graph joins them: keep the logits' array, not the graph that made it.
        logits = Tensor(logits.data)
    out._keras_logits = LogitsMark(logits, activation, axis)
    return out


def logits_of(y_pred, activation, axis=-1):
    """The logits that ``y_pred`` came from, if it is the direct output of ``activation``
    ("softmax" over ``axis``, or "sigmoid"); else None."""
    mark = getattr(y_pred, "_keras_logits", None)
    if mark is None or mark.activation != activation:
        return None
    if activation == "softmax" and (not y_pred.ndim or mark.axis != axis % y_pred.ndim):
        return None
    return mark.logits


def sigmoid(x):
    x = as_tensor(x)
    return _mark(Sigmoid.apply(x), x, "sigmoid", None)


def tanh(x):
    return Tanh.apply(as_tensor(x))


def softmax(x, axis=-1):
    x = as_tensor(x)
    out = Softmax.apply(x, axis=axis)
    if isinstance(axis, numbers.Integral) and x.ndim:
        _mark(out, x, "softmax", int(axis) % x.ndim)
    return out


def log_softmax(x, axis=-1):
    return LogSoftmax.apply(as_tensor(x), axis=axis)


def leaky_relu(x, negative_slope=0.2):
    return LeakyReLU.apply(as_tensor(x), negative_slope=negative_slope)


def elu(x, alpha=1.0):
    return ELU.apply(as_tensor(x), alpha=alpha)


def gelu(x, approximate=True):
    return GELU.apply(as_tensor(x), approximate=approximate)


def softplus(x):
    return Softplus.apply(as_tensor(x))


def silu(x):
    return SiLU.apply(as_tensor(x))


swish = silu
