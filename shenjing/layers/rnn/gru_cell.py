"""``GRUCell``: one step of a gated recurrent unit (Cho et al., 2014).

x_t @ kernel + input_bias is split into the gates z, r, h (that order, ``units`` columns each);
z = σ(x_z + h_{t-1} @ R_z (+ b_z)),  r = σ(x_r + h_{t-1} @ R_r (+ b_r))
reset_after=True  (default, cuDNN/PyTorch): hh = act(x_h + r * (h_{t-1} @ R_h + b_h))
reset_after=False (original):               hh = act(x_h + (r * h_{t-1}) @ R_h)
h_t = z * h_{t-1} + (1 - z) * hh.
With reset_after the bias is (2, 3 units): row 0 for the input, row 1 for the recurrent
products; without it, (3 units,) on the input only.
"""

from ... import activations
from ...autograd import ops
from ...backend import tree
from ...registry import keras_export
from .base_cell import BaseRNNCell
from . import gate_math


@keras_export("keras.layers.GRUCell")
class GRUCell(BaseRNNCell):
    """Cell of ``GRU``: state_size = units; kernel (input_dim, 3 units), recurrent_kernel
    (units, 3 units), bias (2, 3 units) or (3 units,)."""

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self._set_gate_options(recurrent_activation, implementation)
        self.reset_after = bool(reset_after)
        self.state_size = self.units

    def build(self, input_shape):
        self._add_kernels(input_shape)
        self._add_bias((2, 3 * self.units) if self.reset_after else (3 * self.units,))

    def call(self, inputs, states, training=False):
        h_tm1 = states[0] if tree.is_nested(states) else states
        input_bias = recurrent_bias = None
        if self.use_bias:
            if self.reset_after:
                input_bias, recurrent_bias = self.bias[0], self.bias[1]
            else:
                input_bias = self.bias
        x_z, x_r, x_h = ops.split(
            gate_math.input_projection(self, inputs, input_bias, training), 3, axis=-1)
        if self.reset_after:
            inner = gate_math.recurrent_projection(self, h_tm1, training)
            if recurrent_bias is not None:
                inner = inner + recurrent_bias
            rec_z, rec_r, rec_h = ops.split(inner, 3, axis=-1)
        else:
            rec_z, rec_r = ops.split(
                gate_math.recurrent_projection(self, h_tm1, training, gates=2), 2, axis=-1)
        z = self.recurrent_activation(x_z + rec_z)
        r = self.recurrent_activation(x_r + rec_r)
        if self.reset_after:
            rec_h = r * rec_h
        else:
            h_h = gate_math.masked_state(self, h_tm1, training)[2]
            rec_h = ops.matmul(r * h_h, gate_math.gate_columns(self.recurrent_kernel, 2, self.units))
        hh = self.activation(x_h + rec_h)
        h = z * h_tm1 + (1.0 - z) * hh
        return h, ([h] if tree.is_nested(states) else h)

    def get_config(self):
        return {**super().get_config(), **self._cell_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                **self._weights_config(), "reset_after": self.reset_after, "seed": self.seed}
