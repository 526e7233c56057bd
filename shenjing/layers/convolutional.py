"""Convolution layers: ``Conv1D``, ``Conv2D``, ``Conv3D`` (channels-last or channels-first).

The kernel is laid out as Keras lays it, (*kernel_size, C / groups, filters), whatever the
data format, so weights move between shenjing and Keras unchanged.
"""

import numpy as np

from .. import activations, constraints, initializers, ops, regularizers
from ..autograd.ops.conv import output_length
from ..ops import nn_conv
from .input_spec import InputSpec
from .layer import Layer
from .layer_utils import (input_channels, reject_unsupported, serialize_constraint,
                          serialize_regularizer)
from ..registry import keras_export


def standardize_tuple(value, n, name, allow_zero=False):
    """An int or ``n`` ints as a tuple of ``n`` positive (or non-negative) ints, else Keras's error."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (int(value),) * n
    try:
        value = tuple(value)
    except TypeError:
        value = None
    if value is None or len(value) != n or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}")
    bad = [v for v in value if v < 0 or (v == 0 and not allow_zero)]
    if bad:
        requirement = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received {name}="
                         f"{value} including values {set(bad)} that do not satisfy `value {requirement}`")
    return tuple(int(v) for v in value)


def standardize_padding(padding, allow_causal=False):
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    value = padding.lower() if isinstance(padding, str) else padding
    if value not in allowed:
        raise ValueError(f"The `padding` argument must be one of {set(allowed)}. Received: padding={padding}")
    return value


def standardize_data_format(data_format, layer, allow_channels_first=False):
    """"channels_last" (the default) or, where the layer supports it, "channels_first"."""
    if data_format in (None, "channels_last"):
        return "channels_last"
    if data_format == "channels_first" and allow_channels_first:
        return data_format
    if data_format == "channels_first":
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': data_format='channels_first' is not supported; "
            "shenjing is channels-last (N, H, W, C). Received: data_format=channels_first")
    raise ValueError('The `data_format` argument must be one of {"channels_first", "channels_last"}. '
                     f"Received: data_format={data_format}")


@keras_export("keras.layers.BaseConv")
class BaseConv(Layer):
    """The shared machinery of Conv1D and Conv2D (``rank`` spatial axes)."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        reject_unsupported(self.name, lora_rank=lora_rank, lora_alpha=lora_alpha)
        self.rank = rank
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly positive value. "
                             f"Received filters={filters}.")
        if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups <= 0:
            raise ValueError(f"The number of groups must be a positive integer. Received: groups={groups}.")
        if filters % groups:
            raise ValueError("The number of filters must be evenly divisible by the number of groups. "
                             f"Received: groups={groups}, filters={filters}.")
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.filters = int(filters)
        self.groups = int(groups)
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding, allow_causal=rank == 1)
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.input_spec = InputSpec(ndim=rank + 2)

    @property
    def channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def spatial_shape(self, input_shape):
        return tuple(input_shape[2:] if self.data_format == "channels_first" else input_shape[1:-1])

    def build(self, input_shape):
        channels = input_channels(self, input_shape)
        if channels % self.groups:
            raise ValueError("The number of input channels must be evenly divisible by the number of "
                             f"groups. Received groups={self.groups}, but the input has {channels} "
                             f"channels (full input shape is {tuple(input_shape)}).")
        self.compute_output_shape(input_shape)  # a window larger than the input fails here
        self.kernel = self.add_weight(shape=self.kernel_size + (channels // self.groups, self.filters),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self.channel_axis: channels})

    def call(self, inputs):
        padding = self.padding
        if padding == "causal":  # pad the past only, so no output sees the future
            left = (self.kernel_size[0] - 1) * self.dilation_rate[0]
            widths = ((0, 0), (0, 0), (left, 0)) if self.data_format == "channels_first" else ((0, 0), (left, 0), (0, 0))
            inputs = ops.pad(inputs, widths)
            padding = "valid"
        if self.data_format == "channels_first":
            outputs = nn_conv.conv(inputs, self.kernel, strides=self.strides, padding=padding,
                                   data_format=self.data_format, dilation_rate=self.dilation_rate)
            if self.bias is not None:
                outputs = outputs + ops.reshape(self.bias, (self.filters,) + (1,) * self.rank)
            return self.activation(outputs)
        # The bias (and a plain ReLU) are applied inside the conv op: fewer passes over the output.
        fused_relu = self.activation is activations.relu
        outputs = nn_conv.conv(inputs, self.kernel, strides=self.strides, padding=padding,
                               dilation_rate=self.dilation_rate, bias=self.bias,
                               activation="relu" if fused_relu else None)
        return outputs if fused_relu else self.activation(outputs)

    def compute_output_shape(self, input_shape):
        spatial = []
        padding = "same" if self.padding == "causal" else self.padding
        for length, k, s, d in zip(self.spatial_shape(input_shape), self.kernel_size, self.strides,
                                   self.dilation_rate):
            size = None if length is None else output_length(length, k, s, d, padding)
            if size is not None and size <= 0:
                raise ValueError(
                    f"Layer '{self.name}': computed output size would be negative or zero. Received "
                    f"`inputs shape={tuple(input_shape)}`, `kernel shape={self.kernel_size}`, "
                    f"`dilation_rate={self.dilation_rate}`, padding={self.padding!r}.")
            spatial.append(size)
        if self.data_format == "channels_first":
            return (input_shape[0], self.filters, *spatial)
        return (input_shape[0], *spatial, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": serialize_regularizer(self.kernel_regularizer),
            "bias_regularizer": serialize_regularizer(self.bias_regularizer),
            "activity_regularizer": serialize_regularizer(self.activity_regularizer),
            "kernel_constraint": serialize_constraint(self.kernel_constraint),
            "bias_constraint": serialize_constraint(self.bias_constraint),
        }


@keras_export("keras.layers.Conv1D", "keras.layers.Convolution1D")
class Conv1D(BaseConv):
    """1-D convolution over (batch, steps, channels); kernel (kernel_size, channels, filters).

    ``padding`` may also be "causal" (output t sees inputs up to t only).
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate, groups,
                         activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint,
                         **kwargs)


@keras_export("keras.layers.Conv2D", "keras.layers.Convolution2D")
class Conv2D(BaseConv):
    """2-D convolution over (batch, height, width, channels); kernel (kh, kw, channels, filters)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate, groups,
                         activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint,
                         **kwargs)


@keras_export("keras.layers.Conv3D", "keras.layers.Convolution3D")
class Conv3D(BaseConv):
    """3-D convolution over (batch, d1, d2, d3, channels); kernel (k1, k2, k3, channels/groups, filters)."""

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, data_format, dilation_rate, groups,
                         activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint,
                         **kwargs)


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
