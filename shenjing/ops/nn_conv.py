"""``keras.ops.nn`` convolutions and pooling: conv, conv_transpose, depthwise_conv,
separable_conv, max_pool, average_pool, for 1 to 3 spatial axes and either data format.

channels_last is (N, *spatial, C); channels_first (N, C, *spatial) is transposed to it and
back. Kernels are laid out as Keras lays them: conv (*k, C/groups, F) (groups = C / the
kernel's in-channels), conv_transpose (*k, F, C), depthwise (*k, C, multiplier),
separable's pointwise (1, ..., C*multiplier, F).
"""

from ..autograd.ops.conv import conv as conv_last_2d
from ..autograd.ops.pool import average_pool as average_pool_2d
from ..autograd.ops.pool import max_pool as max_pool_2d
from ..autograd.ops.activation import relu
from ..autograd.ops.conv import check_padding, normalize_tuple, output_length, same_padding
from ..autograd.ops.conv_nd import ConvND
from ..autograd.ops.conv_transpose import ConvTranspose, transpose_geometry
from ..autograd.ops.pool_nd import PoolND
from ..autograd.ops.shape import reshape, transpose
from ..autograd.tensor import as_tensor
from .dispatch import keras_op

__all__ = ["average_pool", "conv", "conv_transpose", "depthwise_conv", "max_pool", "separable_conv"]


def _data_format(data_format, name):
    if data_format in (None, "channels_last"):
        return "channels_last"
    if data_format == "channels_first":
        return data_format
    raise ValueError('The `data_format` argument must be one of {"channels_first", "channels_last"}. '
                     f"Received: data_format={data_format!r} (in {name})")


def _inputs(inputs, data_format, name, what="inputs"):
    """The input as a channels-last tensor of rank 3 to 5, and its data format."""
    x = as_tensor(inputs)
    data_format = _data_format(data_format, name)
    if x.ndim not in (3, 4, 5):
        raise ValueError(f"{name}: expected {what} of rank 3, 4 or 5 (batch, 1 to 3 spatial axes and "
                         f"channels), received shape {x.shape}")
    if data_format == "channels_first":
        x = transpose(x, (0, *range(2, x.ndim), 1))
    return x, data_format


def _restore(y, data_format):
    if data_format == "channels_first":
        return transpose(y, (0, y.ndim - 1, *range(1, y.ndim - 1)))
    return y


def _check_kernel(x, k, name):
    if k.ndim != x.ndim:
        raise ValueError(f"{name}: expected a kernel of rank {x.ndim} for inputs of rank {x.ndim}, "
                         f"received kernel of shape {k.shape}")


def _check_size(x, window, strides, dilation, padding, name):
    for length, kk, s, d in zip(x.shape[1:-1], window, strides, dilation):
        if output_length(length, kk, s, d, padding) < 1:
            raise ValueError(f"{name}: the input (channels-last shape {x.shape}) is smaller than the window "
                             f"{tuple(window)} (dilation {tuple(dilation)}) with padding='valid'")


def _conv_last(x, k, strides, padding, dilation_rate, bias, activation, name):
    """Channels-last convolution; the number of groups is C / the kernel's in-channels."""
    _check_kernel(x, k, name)
    rank = x.ndim - 2
    channels, cg, filters = x.shape[-1], k.shape[-2], k.shape[-1]
    if cg < 1 or channels % cg:
        raise ValueError(f"{name}: the number of input channels must be evenly divisible by the kernel's "
                         f"in_channels. Received input channels {channels} and kernel in_channels {cg} "
                         f"(inputs shape {x.shape}, kernel shape {k.shape})")
    groups = channels // cg
    if filters % groups:
        raise ValueError(f"{name}: the kernel's {filters} output channels must be divisible by the "
                         f"{groups} groups (inputs shape {x.shape}, kernel shape {k.shape})")
    strides = normalize_tuple(strides, rank, "strides")
    dilation = normalize_tuple(dilation_rate, rank, "dilation_rate")
    padding = check_padding(padding)
    _check_size(x, k.shape[:rank], strides, dilation, padding, name)
    if activation not in (None, "relu"):
        raise ValueError(f"{name}: activation must be None or 'relu', received {activation!r}")
    if groups == 1 and rank in (1, 2):
        return conv_last_2d(x, k, strides=strides, padding=padding, dilation_rate=dilation, bias=bias,
                                activation=activation)
    out = tuple(output_length(n, kk, s, d, padding) for n, kk, s, d in zip(x.shape[1:-1], k.shape, strides, dilation))
    pads = tuple(same_padding(n, kk, s, d) if padding == "same" else (0, 0)
                 for n, kk, s, d in zip(x.shape[1:-1], k.shape, strides, dilation))
    options = dict(strides=strides, pads=pads, dilation=dilation, groups=groups, out=out)
    if bias is None:
        y = ConvND.apply(x, k, **options)
    else:
        b = as_tensor(bias, like=x)
        if b.shape != (filters,):
            raise ValueError(f"{name}: bias must have shape ({filters},), received {b.shape}")
        y = ConvND.apply(x, k, b, **options)
    return relu(y) if activation == "relu" else y


@keras_op("conv", module="nn")
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1, bias=None,
         activation=None):
    """keras.ops.conv: y[n, p, f] = sum_{a, c} x[n, p*s + a*d, c] K[a, c, f] over 1-3 spatial axes.

    A kernel with fewer in-channels than the input makes a grouped convolution
    (groups = C / kernel.shape[-2]). ``bias`` (F,) and ``activation`` (None or "relu")
    are shenjing's additions, applied inside the op (the conv layers use them).
    """
    x, data_format = _inputs(inputs, data_format, "conv")
    k = as_tensor(kernel, like=x)
    y = _conv_last(x, k, strides, padding, dilation_rate, bias, activation, "conv")
    return _restore(y, data_format)


def _depthwise_last(x, kernel, strides, padding, dilation_rate, name):
    k = as_tensor(kernel, like=x)
    _check_kernel(x, k, name)
    if k.shape[-2] != x.shape[-1]:
        raise ValueError(f"{name}: the kernel's in_channels ({k.shape[-2]}, kernel shape {k.shape}) must "
                         f"equal the input channels ({x.shape[-1]}, inputs shape {x.shape})")
    grouped = reshape(k, (*k.shape[:-2], 1, k.shape[-2] * k.shape[-1]))
    return _conv_last(x, grouped, strides, padding, dilation_rate, None, None, name)


@keras_op("depthwise_conv", module="nn")
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """keras.ops.depthwise_conv: each input channel c convolved with its own K[..., c, m];
    output channel c*multiplier + m (a grouped convolution with groups = C)."""
    x, data_format = _inputs(inputs, data_format, "depthwise_conv")
    return _restore(_depthwise_last(x, kernel, strides, padding, dilation_rate, "depthwise_conv"), data_format)


@keras_op("separable_conv", module="nn")
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """keras.ops.separable_conv: depthwise_conv, then a 1x1 conv with ``pointwise_kernel``."""
    x, data_format = _inputs(inputs, data_format, "separable_conv")
    y = _depthwise_last(x, depthwise_kernel, strides, padding, dilation_rate, "separable_conv")
    p = as_tensor(pointwise_kernel, like=x)
    y = _conv_last(y, p, 1, "valid", 1, None, None, "separable_conv")
    return _restore(y, data_format)


@keras_op("conv_transpose", module="nn")
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1, bias=None):
    """keras.ops.conv_transpose: the adjoint of conv in its input; kernel (*k, F, C).

    Output length per axis (Keras): without output_padding, 'valid' L*s + max(span - s, 0)
    and 'same' L*s; with it, (L - 1)*s + span - 2*pad + output_padding, pad = span // 2
    for 'same' (span = (k - 1)*d + 1). ``bias`` (F,) is shenjing's addition."""
    x, data_format = _inputs(inputs, data_format, "conv_transpose")
    k = as_tensor(kernel, like=x)
    _check_kernel(x, k, "conv_transpose")
    rank = x.ndim - 2
    if k.shape[-1] != x.shape[-1]:
        raise ValueError(f"conv_transpose: the kernel's last axis ({k.shape[-1]}, kernel shape {k.shape}) must "
                         f"equal the input channels ({x.shape[-1]}, inputs shape {x.shape})")
    strides = normalize_tuple(strides, rank, "strides")
    dilation = normalize_tuple(dilation_rate, rank, "dilation_rate")
    padding = check_padding(padding)
    if output_padding is not None:
        output_padding = (output_padding,) * rank if isinstance(output_padding, int) else tuple(output_padding)
        if len(output_padding) != rank or any(p < 0 for p in output_padding):
            raise ValueError(f"conv_transpose: output_padding must be a non-negative int or {rank} of them, "
                             f"received output_padding={output_padding}")
    geometry = [transpose_geometry(n, kk, s, d, padding, None if output_padding is None else output_padding[i])
                for i, (n, kk, s, d) in enumerate(zip(x.shape[1:-1], k.shape, strides, dilation))]
    starts, out = tuple(g[0] for g in geometry), tuple(g[1] for g in geometry)
    if any(o < 1 for o in out):
        raise ValueError(f"conv_transpose: the output would be empty (shape {out}) for inputs of shape "
                         f"{x.shape} and kernel {k.shape}")
    options = dict(strides=strides, dilation=dilation, starts=starts, out=out)
    if bias is None:
        y = ConvTranspose.apply(x, k, **options)
    else:
        b = as_tensor(bias, like=x)
        if b.shape != (k.shape[-2],):
            raise ValueError(f"conv_transpose: bias must have shape ({k.shape[-2]},), received {b.shape}")
        y = ConvTranspose.apply(x, k, b, **options)
    return _restore(y, data_format)


def _pool(mode, name, inputs, pool_size, strides, padding, data_format):
    x, data_format = _inputs(inputs, data_format, name)
    rank = x.ndim - 2
    if rank in (1, 2):
        fn = max_pool_2d if mode == "max" else average_pool_2d
        return _restore(fn(x, pool_size, strides=strides, padding=padding), data_format)
    pool = normalize_tuple(pool_size, rank, "pool_size")
    strides = pool if strides is None else normalize_tuple(strides, rank, "strides")
    padding = check_padding(padding)
    _check_size(x, pool, strides, (1,) * rank, padding, name)
    return _restore(PoolND.apply(x, pool=pool, strides=strides, padding=padding, mode=mode), data_format)


@keras_op("max_pool", module="nn")
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """keras.ops.max_pool over 1-3 spatial axes; strides default to pool_size."""
    return _pool("max", "max_pool", inputs, pool_size, strides, padding, data_format)


@keras_op("average_pool", module="nn")
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """keras.ops.average_pool over 1-3 spatial axes ('same' divides by the real values)."""
    return _pool("average", "average_pool", inputs, pool_size, strides, padding, data_format)
