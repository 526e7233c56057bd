"""``LSTMCell``: one step of a long short-term memory layer (Hochreiter & Schmidhuber, 1997).

z = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias, split into the gates i, f, c, o (that
order, ``units`` columns each);
i = σ(z_i), f = σ(z_f), o = σ(z_o)   (σ = recurrent_activation, sigmoid by default)
c_t = f * c_{t-1} + i * act(z_c),  h_t = o * act(c_t)   (act = activation, tanh by default).
The states are [h, c]; the output is h. ``unit_forget_bias`` starts the f part of the bias at 1.
With recurrent_dropout, each gate gets its own masks (Keras's implementation 1).
"""

from ... import activations
from ...registry import keras_export
from .base_cell import BaseRNNCell
from . import gate_math


@keras_export("keras.layers.LSTMCell")
class LSTMCell(BaseRNNCell):
    """Cell of ``LSTM``: state_size [units, units]; kernel (input_dim, 4 units), recurrent_kernel
    (units, 4 units), bias (4 units,)."""

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
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
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]

    def build(self, input_shape):
        self._add_kernels(input_shape)
        initializer = None
        if self.unit_forget_bias:
            initializer = gate_math.forget_bias_initializer(self.bias_initializer, self.units)
        self._add_bias((4 * self.units,), initializer)

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        z = (gate_math.input_projection(self, inputs, self.bias, training)
             + gate_math.recurrent_projection(self, h_tm1, training))
        return gate_math.lstm_gates(self, z, c_tm1)

    def get_config(self):
        return {**super().get_config(), **self._cell_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias, **self._weights_config(),
                "seed": self.seed}

