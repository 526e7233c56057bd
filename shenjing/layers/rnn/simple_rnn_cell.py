"""``SimpleRNNCell``: one step of a fully-connected recurrent layer.

h_t = activation(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel); the output is h_t.
With dropout (training only), x_t and h_{t-1} are multiplied by masks drawn once per sequence.
"""

from ...autograd import ops
from ...backend import tree
from ...registry import keras_export
from .base_cell import BaseRNNCell


@keras_export("keras.layers.SimpleRNNCell")
class SimpleRNNCell(BaseRNNCell):
    """Cell of ``SimpleRNN``: state_size = output_size = units; weights kernel (input_dim,
    units), recurrent_kernel (units, units), bias (units,)."""

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.state_size = self.units

    def build(self, input_shape):
        self._add_kernels(input_shape)
        self._add_bias((self.units,))

    def call(self, sequence, states, training=False):
        prev_output = states[0] if tree.is_nested(states) else states
        dp_mask = self.get_dropout_mask(sequence)
        rec_dp_mask = self.get_recurrent_dropout_mask(prev_output)
        if training and dp_mask is not None:
            sequence = sequence * dp_mask
        h = ops.dense(sequence, self.kernel, self.bias)
        if training and rec_dp_mask is not None:
            prev_output = prev_output * rec_dp_mask
        output = self.activation(h + ops.matmul(prev_output, self.recurrent_kernel))
        return output, ([output] if tree.is_nested(states) else output)

    def get_config(self):
        return {**super().get_config(), **self._cell_config(), **self._weights_config(),
                "seed": self.seed}
