"""TensorFlow-style ``tf.nn`` convolutions and pooling, with TensorFlow's argument names:
conv1d, conv2d, conv2d_transpose, max_pool2d, avg_pool2d (and max_pool1d, avg_pool1d,
conv3d, max_pool3d, avg_pool3d, depthwise_conv2d, separable_conv2d).

Each is ``shenjing.ops.nn_conv``'s op with TF's names: ``input``/``filters``, padding
"SAME"/"VALID", data_format "NWC"/"NHWC"/"NDHWC" or channels-first "NCW"/"NCHW"/"NCDHW",
strides and dilations as an int, one per spatial axis, or one per axis including batch
and channels (whose entries must be 1). ``conv2d_transpose`` takes TF's explicit
``output_shape``: the output is the gradient of ``conv2d`` at an input of that shape.
"""

from ..autograd.ops.conv import check_padding
from ..autograd.ops.conv_transpose import ConvTranspose
from ..autograd.ops.shape import transpose
from ..autograd.tensor import as_tensor
from ..ops import nn_conv

__all__ = ["avg_pool1d", "avg_pool2d", "avg_pool3d", "conv1d", "conv2d", "conv2d_transpose", "conv3d",
           "depthwise_conv2d", "max_pool1d", "max_pool2d", "max_pool3d", "separable_conv2d"]

_FORMATS = {"NWC": "channels_last", "NHWC": "channels_last", "NDHWC": "channels_last",
            "NCW": "channels_first", "NCHW": "channels_first", "NCDHW": "channels_first"}


def _format(data_format, name):
    if data_format is None:
        return "channels_last"
    if data_format not in _FORMATS:
        raise ValueError(f"{name}: data_format must be one of {sorted(_FORMATS)}. Received: data_format={data_format!r}")
    return _FORMATS[data_format]


def _per_axis(value, rank, data_format, argument, name):
    """TF's strides/dilations/ksize: an int, ``rank`` ints, or ``rank + 2`` ints with 1 at batch and channels."""
    if value is None:
        return (1,) * rank
    if isinstance(value, int):
        return (value,) * rank
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * rank
    if len(value) == rank:
        return value
    if len(value) == rank + 2:
        first = data_format == "channels_first"
        outer = (value[0], value[1]) if first else (value[0], value[-1])
        if outer != (1, 1):
            raise ValueError(f"{name}: `{argument}` must be 1 along the batch and channel axes. "
                             f"Received: {argument}={value}")
        return value[2:] if first else value[1:-1]
    raise ValueError(f"{name}: `{argument}` must be an int or a list of 1, {rank} or {rank + 2} ints. "
                     f"Received: {argument}={value}")


def _padding(padding, name):
    if not isinstance(padding, str):
        raise ValueError(f"{name}: only padding='SAME' or 'VALID' is supported (explicit paddings are not). "
                         f"Received: padding={padding!r}")
    return check_padding(padding)


def _conv(name, rank, input, filters, strides, padding, data_format, dilations):
    fmt = _format(data_format, name)
    return nn_conv.conv(input, filters, strides=_per_axis(strides, rank, fmt, "strides", name),
                        padding=_padding(padding, name), data_format=fmt,
                        dilation_rate=_per_axis(dilations, rank, fmt, "dilations", name))


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):
    """tf.nn.conv1d: filters (k, in_channels, out_channels)."""
    return _conv("conv1d", 1, input, filters, stride, padding, data_format, dilations)


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):
    """tf.nn.conv2d: filters (kh, kw, in_channels, out_channels)."""
    return _conv("conv2d", 2, input, filters, strides, padding, data_format, dilations)


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None, name=None):
    """tf.nn.conv3d: filters (k1, k2, k3, in_channels, out_channels)."""
    return _conv("conv3d", 3, input, filters, strides, padding, data_format, dilations)


def depthwise_conv2d(input, filter, strides, padding, data_format="NHWC", dilations=None, name=None):
    """tf.nn.depthwise_conv2d: filter (kh, kw, in_channels, channel_multiplier)."""
    fmt = _format(data_format, "depthwise_conv2d")
    return nn_conv.depthwise_conv(input, filter, strides=_per_axis(strides, 2, fmt, "strides", "depthwise_conv2d"),
                                  padding=_padding(padding, "depthwise_conv2d"), data_format=fmt,
                                  dilation_rate=_per_axis(dilations, 2, fmt, "dilations", "depthwise_conv2d"))


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, data_format="NHWC",
                     dilations=None, name=None):
    """tf.nn.separable_conv2d: depthwise_conv2d, then a 1x1 conv2d with pointwise_filter."""
    fmt = _format(data_format, "separable_conv2d")
    return nn_conv.separable_conv(input, depthwise_filter, pointwise_filter,
                                  strides=_per_axis(strides, 2, fmt, "strides", "separable_conv2d"),
                                  padding=_padding(padding, "separable_conv2d"), data_format=fmt,
                                  dilation_rate=_per_axis(dilations, 2, fmt, "dilations", "separable_conv2d"))


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC", dilations=None,
                     name=None):
    """tf.nn.conv2d_transpose: filters (kh, kw, out_channels, in_channels); the output has
    ``output_shape`` (batch, h, w, out_channels in ``data_format``): the gradient of conv2d at an
    input of that shape, i.e. the full scatter of x cropped where conv2d's padding put the input."""
    fmt = _format(data_format, "conv2d_transpose")
    padding = _padding(padding, "conv2d_transpose")
    strides = _per_axis(strides, 2, fmt, "strides", "conv2d_transpose")
    dilation = _per_axis(dilations, 2, fmt, "dilations", "conv2d_transpose")
    x, k = as_tensor(input), as_tensor(filters)
    if fmt == "channels_first":
        x = transpose(x, (0, 2, 3, 1))
    output_shape = tuple(int(v) for v in (output_shape.numpy() if hasattr(output_shape, "numpy") else output_shape))
    out = output_shape[2:] if fmt == "channels_first" else output_shape[1:3]
    channels = output_shape[1] if fmt == "channels_first" else output_shape[-1]
    if x.ndim != 4 or k.ndim != 4 or k.shape[-1] != x.shape[-1] or k.shape[-2] != channels:
        raise ValueError(f"conv2d_transpose: expected filters (kh, kw, {channels}, {x.shape[-1]}) for inputs of "
                         f"shape {tuple(as_tensor(input).shape)} and output_shape={output_shape}; received "
                         f"filters of shape {k.shape}")
    starts = []
    for length, o, kk, s, d in zip(x.shape[1:3], out, k.shape, strides, dilation):
        span = (kk - 1) * d + 1
        expected = -(-o // s) if padding == "same" else -(-(o - span + 1) // s)
        if expected != length:
            raise ValueError(f"conv2d_transpose: output_shape={output_shape} does not match the inputs of shape "
                             f"{tuple(as_tensor(input).shape)} (conv2d of that shape with strides {strides} and "
                             f"padding={padding!r} gives spatial size {expected}, not {length})")
        starts.append(max((length - 1) * s + span - o, 0) // 2 if padding == "same" else 0)
    y = ConvTranspose.apply(x, k, strides=strides, dilation=dilation, starts=tuple(starts), out=tuple(out))
    return transpose(y, (0, 3, 1, 2)) if fmt == "channels_first" else y


def _pool(op, name, rank, input, ksize, strides, padding, data_format):
    fmt = _format(data_format, name)
    return op(input, _per_axis(ksize, rank, fmt, "ksize", name),
              strides=_per_axis(strides, rank, fmt, "strides", name), padding=_padding(padding, name),
              data_format=fmt)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    return _pool(nn_conv.max_pool, "max_pool1d", 1, input, ksize, strides, padding, data_format)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """tf.nn.max_pool2d: the max over each ksize window."""
    return _pool(nn_conv.max_pool, "max_pool2d", 2, input, ksize, strides, padding, data_format)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    return _pool(nn_conv.max_pool, "max_pool3d", 3, input, ksize, strides, padding, data_format)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    return _pool(nn_conv.average_pool, "avg_pool1d", 1, input, ksize, strides, padding, data_format)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """tf.nn.avg_pool2d: the mean over each window's real values ('SAME' excludes the padding)."""
    return _pool(nn_conv.average_pool, "avg_pool2d", 2, input, ksize, strides, padding, data_format)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    return _pool(nn_conv.average_pool, "avg_pool3d", 3, input, ksize, strides, padding, data_format)
