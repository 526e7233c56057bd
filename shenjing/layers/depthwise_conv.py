"""Depthwise convolution layers: ``DepthwiseConv1D``, ``DepthwiseConv2D``.

Each input channel c is convolved with its own ``depth_multiplier`` filters:
y[..., c*m + j] = sum_a x[p*s + a*d, c] K[a, c, j] (+ bias); the kernel is
(*kernel_size, channels, depth_multiplier), as Keras lays it out, and is named "kernel".
"""

import numpy as np

from .. import activations, constraints, initializers, ops, regularizers
from ..autograd.ops.conv import output_length
from ..ops import nn_conv
from ..registry import keras_export
from .convolutional import standardize_data_format, standardize_padding, standardize_tuple
from .input_spec import InputSpec
from .layer import Layer
from .layer_utils import input_channels, serialize_constraint, serialize_regularizer


def check_multiplier(depth_multiplier):
    if isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, (int, np.integer)) \
            or depth_multiplier <= 0:
        raise ValueError("Invalid value for argument `depth_multiplier`. Expected a strictly positive "
                         f"value. Received depth_multiplier={depth_multiplier}.")
    return int(depth_multiplier)


def conv_output_shape(layer, input_shape, channels_out):
    """(batch, *spatial, channels_out) or channels-first, with Keras's error on an empty output."""
    first = layer.data_format == "channels_first"
    lengths = input_shape[2:] if first else input_shape[1:-1]
    spatial = []
    for length, k, s, d in zip(lengths, layer.kernel_size, layer.strides, layer.dilation_rate):
        size = None if length is None else output_length(length, k, s, d, layer.padding)
        if size is not None and size <= 0:
            raise ValueError(f"Layer '{layer.name}': computed output size would be negative or zero. Received "
                             f"`inputs shape={tuple(input_shape)}`, `kernel shape={layer.kernel_size}`, "
                             f"`dilation_rate={layer.dilation_rate}`, padding={layer.padding!r}.")
        spatial.append(size)
    return (input_shape[0], channels_out, *spatial) if first else (input_shape[0], *spatial, channels_out)


def add_bias(layer, outputs, channels):
    if layer.bias is None:
        return outputs
    if layer.data_format == "channels_first":
        return outputs + ops.reshape(layer.bias, (channels,) + (1,) * layer.rank)
    return outputs + layer.bias


class BaseDepthwiseConv(Layer):
    """The shared machinery of DepthwiseConv1D/2D over ``rank`` spatial axes."""

    def __init__(self, rank, depth_multiplier, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.depth_multiplier = check_multiplier(depth_multiplier)
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.input_spec = InputSpec(ndim=rank + 2)

    @property
    def channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def build(self, input_shape):
        channels = input_channels(self, input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(shape=self.kernel_size + (channels, self.depth_multiplier),
                                      initializer=self.depthwise_initializer,
                                      regularizer=self.depthwise_regularizer,
                                      constraint=self.depthwise_constraint, name="kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(channels * self.depth_multiplier,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self.channel_axis: channels})

    def call(self, inputs):
        outputs = nn_conv.depthwise_conv(inputs, self.kernel, strides=self.strides, padding=self.padding,
                                         data_format=self.data_format, dilation_rate=self.dilation_rate)
        channels = self.kernel.shape[-2] * self.depth_multiplier
        return self.activation(add_bias(self, outputs, channels))

    def compute_output_shape(self, input_shape):
        channels = input_shape[self.channel_axis]
        return conv_output_shape(self, input_shape, None if channels is None else channels * self.depth_multiplier)

    def get_config(self):
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": serialize_regularizer(self.depthwise_regularizer),
            "bias_regularizer": serialize_regularizer(self.bias_regularizer),
            "activity_regularizer": serialize_regularizer(self.activity_regularizer),
            "depthwise_constraint": serialize_constraint(self.depthwise_constraint),
            "bias_constraint": serialize_constraint(self.bias_constraint),
        }


@keras_export("keras.layers.DepthwiseConv1D")
class DepthwiseConv1D(BaseDepthwiseConv):
    """Depthwise 1-D convolution: (batch, steps, channels) -> (batch, steps', channels*multiplier)."""

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, depth_multiplier, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer,
                         bias_regularizer, activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)


@keras_export("keras.layers.DepthwiseConv2D")
class DepthwiseConv2D(BaseDepthwiseConv):
    """Depthwise 2-D convolution: (batch, h, w, channels) -> (batch, h', w', channels*multiplier)."""

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, depth_multiplier, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer,
                         bias_regularizer, activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
