"""Transposed convolution layers: ``Conv1DTranspose``, ``Conv2DTranspose``, ``Conv3DTranspose``.

The kernel is (*kernel_size, filters, in_channels), as Keras lays it. Output length per
spatial axis (span = (k - 1)*d + 1): without output_padding 'valid' L*s + max(span - s, 0),
'same' L*s; with it (L - 1)*s + span - 2*pad + output_padding, pad = span // 2 for 'same'.
"""

import numpy as np

from .. import activations, constraints, initializers, ops, regularizers
from ..autograd.ops.conv_transpose import transpose_output_length
from ..ops import nn_conv
from ..registry import keras_export
from .convolutional import standardize_data_format, standardize_padding, standardize_tuple
from .input_spec import InputSpec
from .layer import Layer
from .layer_utils import input_channels, serialize_constraint, serialize_regularizer


class BaseConvTranspose(Layer):
    """The shared machinery of the transposed convolutions over ``rank`` spatial axes."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly positive value. "
                             f"Received filters={filters}.")
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.filters = int(filters)
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding)
        self.output_padding = None if output_padding is None else standardize_tuple(
            output_padding, rank, "output_padding", allow_zero=True)
        if self.output_padding is not None:
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise ValueError("`output_padding` must be strictly less than `strides` for all "
                                     f"dimensions. At dimension {i}, `output_padding` is {op} but `strides` "
                                     f"is {s}. Received: output_padding={self.output_padding}, "
                                     f"strides={self.strides}")
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

    def build(self, input_shape):
        channels = input_channels(self, input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(shape=self.kernel_size + (self.filters, channels),
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
        first = self.data_format == "channels_first"
        outputs = nn_conv.conv_transpose(inputs, self.kernel, strides=self.strides, padding=self.padding,
                                         output_padding=self.output_padding, data_format=self.data_format,
                                         dilation_rate=self.dilation_rate, bias=None if first else self.bias)
        if first and self.bias is not None:
            outputs = outputs + ops.reshape(self.bias, (self.filters,) + (1,) * self.rank)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        first = self.data_format == "channels_first"
        lengths = input_shape[2:] if first else input_shape[1:-1]
        spatial = []
        for i, (length, k, s, d) in enumerate(zip(lengths, self.kernel_size, self.strides, self.dilation_rate)):
            op = None if self.output_padding is None else self.output_padding[i]
            size = None if length is None else transpose_output_length(length, k, s, d, self.padding, op)
            if size is not None and size <= 0:
                raise ValueError(f"Layer '{self.name}': computed output size would be negative or zero. "
                                 f"Received `inputs shape={tuple(input_shape)}`, `kernel_size="
                                 f"{self.kernel_size}`, padding={self.padding!r}.")
            spatial.append(size)
        if first:
            return (input_shape[0], self.filters, *spatial)
        return (input_shape[0], *spatial, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
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


def _transpose_class(rank, name, default_strides, doc):
    def __init__(self, filters, kernel_size, strides=default_strides, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=default_strides, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        BaseConvTranspose.__init__(self, rank, filters, kernel_size, strides, padding, output_padding,
                                   data_format, dilation_rate, activation, use_bias, kernel_initializer,
                                   bias_initializer, kernel_regularizer, bias_regularizer,
                                   activity_regularizer, kernel_constraint, bias_constraint, **kwargs)

    cls = type(name, (BaseConvTranspose,), {"__init__": __init__, "__doc__": doc,
                                             "__module__": __name__, "__qualname__": name})
    return keras_export(f"keras.layers.{name}", f"keras.layers.{name.replace('Conv', 'Convolution')}")(cls)


Conv1DTranspose = _transpose_class(1, "Conv1DTranspose", 1,
                                   "Transposed 1-D convolution: (batch, steps, channels); kernel (k, filters, channels).")
Conv2DTranspose = _transpose_class(2, "Conv2DTranspose", (1, 1),
                                   "Transposed 2-D convolution: (batch, h, w, channels); kernel (kh, kw, filters, channels).")
Conv3DTranspose = _transpose_class(3, "Conv3DTranspose", (1, 1, 1),
                                   "Transposed 3-D convolution; kernel (k1, k2, k3, filters, channels).")
Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose = (
    Conv1DTranspose, Conv2DTranspose, Conv3DTranspose)
