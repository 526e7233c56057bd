"""``BaseRNNCell``: what SimpleRNNCell, LSTMCell and GRUCell share.

Their arguments (units, activation, the initializers, regularizers and constraints of
``kernel`` / ``recurrent_kernel`` / ``bias``, dropout rates, seed), the two kernels
``kernel`` (input_dim, gates * units) and ``recurrent_kernel`` (units, gates * units) in
Keras's order, zero initial states, and the common part of ``get_config``.
"""

import numpy as np  # argument type checks only

from ... import activations, backend, constraints, initializers, regularizers
from ...autograd import Tensor
from ..layer import Layer
from ..layer_utils import serialize_constraint, serialize_regularizer
from .dropout_rnn_cell import DropoutRNNCell


def check_units(units, who):
    if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
        raise ValueError(f"{who}: received an invalid value for argument `units`, expected a "
                         f"positive integer, got {units!r}.")
    return int(units)


def _rate(value, name, who):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ValueError(f"{who}: `{name}` must be a float between 0 and 1. Received: {name}={value!r}")
    return min(1.0, max(0.0, float(value)))  # Keras clips the rate into [0, 1]


def weights_config(cell):
    """The config entries of a cell's weights and dropout rates (every Keras cell writes them)."""
    return {
        "use_bias": cell.use_bias,
        "kernel_initializer": initializers.serialize(cell.kernel_initializer),
        "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
        "bias_initializer": initializers.serialize(cell.bias_initializer),
        "kernel_regularizer": serialize_regularizer(cell.kernel_regularizer),
        "recurrent_regularizer": serialize_regularizer(cell.recurrent_regularizer),
        "bias_regularizer": serialize_regularizer(cell.bias_regularizer),
        "kernel_constraint": serialize_constraint(cell.kernel_constraint),
        "recurrent_constraint": serialize_constraint(cell.recurrent_constraint),
        "bias_constraint": serialize_constraint(cell.bias_constraint),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
    }


class BaseRNNCell(Layer, DropoutRNNCell):
    """A cell: ``call(inputs, states, training)`` -> ``(output, new_states)``; ``gates`` kernels
    side by side."""

    gates = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        who = type(self).__name__
        units = check_units(units, who)
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = _rate(dropout, "dropout", who)
        self.recurrent_dropout = _rate(recurrent_dropout, "recurrent_dropout", who)
        self.seed = seed
        self.output_size = self.units

    def _add_kernels(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Layer '{self.name}': the last axis of the input must be defined; "
                             f"received input_shape={input_shape}")
        width = self.gates * self.units
        self.kernel = self.add_weight(shape=(input_dim, width), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, width), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)

    def _add_bias(self, shape, initializer=None):
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=shape, name="bias",
                                        initializer=initializer or self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def get_initial_state(self, batch_size=None):
        """Zeros of shape (batch_size, size) for each state."""
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [Tensor(backend.xp.zeros((batch_size, size), self.compute_dtype)) for size in sizes]

    def compute_output_shape(self, inputs_shape, states_shape=None):
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        batch = inputs_shape[0]
        return (batch, self.units), [(batch, size) for size in sizes]

    def _cell_config(self):
        """The keys every cell writes, in Keras's order (before the cell's own)."""
        return {
            "units": self.units,
            "activation": activations.serialize(self.activation),
        }

    def _set_gate_options(self, recurrent_activation, implementation):
        """LSTM's and GRU's: the gate activation, and Keras's implementation 1 (one dropout
        mask per gate) whenever recurrent dropout is on."""
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
        if self.implementation == 1:
            self.dropout_mask_count = self.gates

    def _weights_config(self):
        return weights_config(self)
