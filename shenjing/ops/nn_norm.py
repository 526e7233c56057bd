"""``keras.ops.nn`` statistics and normalizations: moments, batch_normalization, normalize,
rms_normalization, layer_normalization; all composed of differentiable primitives."""

from .. import backend
from ..autograd.ops import arithmetic as _ar
from ..autograd.ops import reduce as _red
from ..autograd.ops import shape as _shape
from ..autograd.ops.activation_extra import rsqrt as _rsqrt
from ..autograd.tensor import as_tensor
from .dispatch import keras_op

__all__ = ["moments", "batch_normalization", "normalize", "rms_normalization",
           "layer_normalization"]

EPSILON = 1e-7


def _float(x):
    x = as_tensor(x)
    if x.dtype.kind != "f":
        x = _ar.cast(x, backend.floatx())
    return x


def _axes(axis, ndim, name):
    axes = list(axis) if isinstance(axis, (tuple, list)) else [axis]
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"{name}: expected every axis in [-{ndim}, {ndim}). "
                             f"Received: axis={axis}")
    return sorted(a % ndim for a in axes)


@keras_op("moments", module="nn")
def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, variance) of ``x`` over ``axes``; variance is the population variance."""
    if synchronized:
        raise NotImplementedError("Argument synchronized=True is not supported: shenjing "
                                  "runs on one device.")
    x = _float(x)
    axes = tuple(_axes(axes, x.ndim, "moments"))
    return (_red.mean(x, axis=axes, keepdims=keepdims),
            _red.var(x, axis=axes, keepdims=keepdims))


@keras_op("batch_normalization", module="nn", class_name="BatchNorm")
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset; the 1-D statistics lie
    along ``axis`` of ``x``."""
    x = _float(x)
    ax = _axes(axis, x.ndim, "batch_normalization")[0]
    shape = [1] * x.ndim
    shape[ax] = x.shape[ax]

    def along(v, name):
        v = as_tensor(v, like=x)
        if v.shape != (x.shape[ax],):
            raise ValueError(f"batch_normalization: expected `{name}` of shape "
                             f"({x.shape[ax]},). Received: {name}.shape={v.shape}")
        return _shape.reshape(v, tuple(shape))

    inv = _rsqrt(along(variance, "variance") + epsilon)
    if scale is not None:
        inv = inv * along(scale, "scale")
    out = (x - along(mean, "mean")) * inv
    if offset is not None:
        out = out + along(offset, "offset")
    return out


@keras_op("normalize", module="nn")
def normalize(x, axis=-1, order=2, epsilon=None):
    """x / max(||x||_order, epsilon) along ``axis`` (order 2: x * rsqrt(max(sum(x^2), epsilon^2)),
    which equals Keras's x * min(1/||x||, 1/epsilon) and keeps a zero vector's gradient finite)."""
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = _float(x)
    if x.ndim == 0:
        x = _shape.expand_dims(x, 0)
    epsilon = EPSILON if epsilon is None else epsilon
    if order == 2:
        return x * _rsqrt(_ar.maximum(_red.sum(_ar.square(x), axis=axis, keepdims=True),
                                      epsilon * epsilon))
    if order == 1:
        norm = _red.sum(_ar.abs(x), axis=axis, keepdims=True)
    else:
        norm = _ar.power(_red.sum(_ar.power(_ar.abs(x), float(order)), axis=axis, keepdims=True),
                         1.0 / order)
    return x / _ar.maximum(norm, epsilon)


@keras_op("rms_normalization", module="nn", class_name="RMSNorm")
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x / sqrt(mean(x^2, axis) + epsilon) * scale."""
    x = _float(x)
    if x.ndim == 0:
        x = _shape.expand_dims(x, 0)
    axes = tuple(_axes(axis, x.ndim, "rms_normalization"))
    epsilon = EPSILON if epsilon is None else epsilon
    out = x * _rsqrt(_red.mean(_ar.square(x), axis=axes, keepdims=True) + epsilon)
    if scale is not None:
        out = out * as_tensor(scale, like=x)
    return out


@keras_op("layer_normalization", module="nn", class_name="LayerNorm")
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta, statistics over ``axis``."""
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise ValueError(f"layer_normalization: unexpected arguments {sorted(kwargs)}.")
    x = _float(x)
    axes = _axes(axis, x.ndim, "layer_normalization")
    epsilon = EPSILON if epsilon is None else epsilon
    shape = [1] * x.ndim
    for a in axes:
        shape[a] = x.shape[a]

    def broadcast(v):
        if v is None:
            return None
        v = as_tensor(v, like=x)
        if v.ndim != x.ndim and axes != [x.ndim - 1]:
            v = _shape.reshape(v, tuple(shape))
        return v

    gamma, beta = broadcast(gamma), broadcast(beta)
    if rms_scaling:  # Keras's deprecated mode: scales by the variance, no centring
        out = x * _rsqrt(_red.var(x, axis=tuple(axes), keepdims=True) + epsilon)
        return out if gamma is None else out * gamma
    mean, variance = moments(x, axes=axes, keepdims=True)
    out = (x - mean) * _rsqrt(variance + epsilon)
    if gamma is not None:
        out = out * gamma
    if beta is not None:
        out = out + beta
    return out
