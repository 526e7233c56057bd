"""``ConvLSTMCell``: one step of a convolutional LSTM (Keras 3's cell, gate order i, f, c, o).

    z = conv(x_t, W, padding) + b + conv(h_{t-1}, U, "same")      (4 * filters channels)
    i = σ(z_i)   f = σ(z_f)   o = σ(z_o)   c_t = f * c_{t-1} + i * tanh(z_c)   h_t = o * tanh(c_t)

W is (*kernel_size, in_channels, 4 * filters), U is (*kernel_size, filters, 4 * filters),
b is (4 * filters,): Keras's layout, so weights move between shenjing and Keras unchanged.
The recurrent convolution always uses stride 1 and "same" padding, so the state keeps the
shape of the input convolution's output. Without dropout both convolutions run once for
all four gates; with dropout each gate sees its own mask (Keras's ``dropout_mask_count=4``).
"""

import numpy as np  # argument checks

from ... import activations, constraints, initializers, ops, regularizers
from ...autograd.ops.conv import output_length
from ...ops import nn_conv
from ..convolutional import standardize_data_format, standardize_padding, standardize_tuple
from ..input_spec import InputSpec
from ..layer import Layer
from . import gate_math
from .base_cell import weights_config
from .dropout_rnn_cell import DropoutRNNCell


def _rate(value):
    return min(1.0, max(0.0, float(value)))


class ConvLSTMCell(Layer, DropoutRNNCell):
    """``ConvLSTMCell(rank, filters, kernel_size, ...)``: ``call(inputs, states, training)``
    returns ``(h, [h, c])``; inputs are one timestep, (batch, *spatial, channels)."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        if rank > 3:
            raise ValueError(f"Rank {rank} convolutions are not currently implemented. Received: rank={rank}")
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly positive value. "
                             f"Received filters={filters}.")
        self.rank = rank
        self.filters = int(filters)
        self.seed = seed
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("Specifying `strides > 1` is not compatible with `dilation_rate > 1`. "
                             "Please provide `strides=1` or `dilation_rate=1`. Received: "
                             f"strides={self.strides} and dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = _rate(dropout)
        self.recurrent_dropout = _rate(recurrent_dropout)
        self.dropout_mask_count = 4
        self.input_spec = InputSpec(ndim=rank + 2)
        # Two states (h, c) whose shapes follow the input's: see get_initial_state (Keras: -1).
        self.state_size = [-1, -1]

    @property
    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def build(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        self.spatial_dims = tuple(inputs_shape[2:] if self.data_format == "channels_first"
                                  else inputs_shape[1:-1])
        if None in self.spatial_dims:
            raise ValueError("ConvLSTM layers only support static input shapes for the spatial "
                             f"dimension. Received invalid input shape: input_shape={inputs_shape}")
        input_dim = inputs_shape[self._channel_axis]
        if input_dim is None:
            raise ValueError("The channel dimension of the inputs (last axis) should be defined. "
                             f"Found None. Full input shape received: input_shape={inputs_shape}")
        self.input_dim = input_dim
        self.compute_output_shape(inputs_shape)  # a window larger than the input fails here
        self.kernel_shape = self.kernel_size + (input_dim, self.filters * 4)
        self.kernel = self.add_weight(shape=self.kernel_shape, initializer=self.kernel_initializer,
                                      name="kernel", regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, self.filters * 4),
            initializer=self.recurrent_initializer, name="recurrent_kernel",
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            bias_initializer = self.bias_initializer
            if self.unit_forget_bias:
                bias_initializer = gate_math.forget_bias_initializer(self.bias_initializer,
                                                                     self.filters)
            self.bias = self.add_weight(shape=(self.filters * 4,), name="bias",
                                        initializer=bias_initializer, regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    # -- the step -------------------------------------------------------------------------
    def input_conv(self, x, w, b=None, padding="valid"):
        out = nn_conv.conv(x, w, strides=self.strides, padding=padding, data_format=self.data_format,
                           dilation_rate=self.dilation_rate)
        if b is not None:
            shape = ((1,) * (self.rank + 1) + (w.shape[-1],) if self.data_format == "channels_last"
                     else (1, w.shape[-1]) + (1,) * self.rank)
            out = out + ops.reshape(b, shape)
        return out

    def recurrent_conv(self, x, w):
        return nn_conv.conv(x, w, strides=1, padding="same", data_format=self.data_format)

    def _per_gate(self, x, masks, weights, conv):
        """conv of x (times each gate's mask) with each gate's slice of ``weights``, joined on
        the channel axis: Keras's four convolutions when each gate has its own mask."""
        parts = ops.split(weights, 4, axis=self.rank + 1)
        return ops.concatenate([conv(x * mask, w) for mask, w in zip(masks, parts)],
                               axis=self._channel_axis)

    def input_projection(self, inputs, training=False):
        """conv(x, W, padding) + b for the four gates (4 * filters channels)."""
        if training and 0.0 < self.dropout < 1.0:
            z = self._per_gate(inputs, self.get_dropout_mask(inputs), self.kernel,
                               lambda x, w: self.input_conv(x, w, padding=self.padding))
            return z if self.bias is None else self.input_conv_bias(z)
        return self.input_conv(inputs, self.kernel, self.bias, padding=self.padding)

    def input_conv_bias(self, z):
        shape = ((1,) * (z.ndim - 1) + (-1,) if self.data_format == "channels_last"
                 else (1, -1) + (1,) * (z.ndim - 2))
        return z + ops.reshape(self.bias, shape)

    def step(self, z_x, states, training=False):
        """One step from the input projection z_x: adds conv(h, U, "same"), applies the gates."""
        h_tm1, c_tm1 = states[0], states[1]
        if training and 0.0 < self.recurrent_dropout < 1.0:
            z_h = self._per_gate(h_tm1, self.get_recurrent_dropout_mask(h_tm1),
                                 self.recurrent_kernel, self.recurrent_conv)
        else:
            z_h = self.recurrent_conv(h_tm1, self.recurrent_kernel)
        return gate_math.lstm_gates(self, z_x + z_h, c_tm1, axis=self._channel_axis)

    def call(self, inputs, states, training=False):
        return self.step(self.input_projection(inputs, training), states, training)

    def compute_output_shape(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        first = self.data_format == "channels_first"
        spatial = inputs_shape[2:] if first else inputs_shape[1:-1]
        sizes = []
        for length, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate):
            size = None if length is None else output_length(length, k, s, d, self.padding)
            if size is not None and size <= 0:
                raise ValueError(
                    f"Layer '{self.name}': computed output size would be negative or zero. Received "
                    f"`inputs shape={inputs_shape}`, `kernel shape={self.kernel_size}`, "
                    f"`dilation_rate={self.dilation_rate}`, padding={self.padding!r}.")
            sizes.append(size)
        shape = ((inputs_shape[0], self.filters, *sizes) if first
                 else (inputs_shape[0], *sizes, self.filters))
        return shape, [shape, shape]

    def get_initial_state(self, batch_size=None):
        """[h0, c0]: zeros of the input convolution's output shape."""
        if self.data_format == "channels_last":
            input_shape = (batch_size,) + self.spatial_dims + (self.input_dim,)
        else:
            input_shape = (batch_size, self.input_dim) + self.spatial_dims
        shape = self.compute_output_shape(input_shape)[0]
        return [ops.zeros(shape, dtype=self.compute_dtype), ops.zeros(shape, dtype=self.compute_dtype)]

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
            **weights_config(self),
            "seed": self.seed,
        }
