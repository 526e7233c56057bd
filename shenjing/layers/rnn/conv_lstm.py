"""``ConvLSTM``: the RNN layer over a ``ConvLSTMCell`` (an LSTM whose input and recurrent
transformations are convolutions); ``ConvLSTM1D``/``2D``/``3D`` fix its rank.

Inputs (batch, time, *spatial, channels) (or channels first: (batch, time, channels,
*spatial)); outputs the last h, (batch, *spatial', filters), or every step's with
``return_sequences``; ``return_state`` adds [h, c]. Weights: the cell's kernel,
recurrent_kernel and bias, in Keras's layout.
"""

from ...autograd import ops
from ..input_spec import InputSpec
from ..layer_utils import serialize_regularizer
from .conv_lstm_cell import ConvLSTMCell
from .rnn import RNN
from ...registry import keras_export

_CELL_ARGUMENTS = (
    "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
    "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer",
    "bias_initializer", "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer",
    "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
    "recurrent_dropout")


class ConvLSTM(RNN):
    """``ConvLSTM(rank, filters, kernel_size, ..., return_sequences=False, return_state=False,
    go_backwards=False, stateful=False)``: Keras 3's arguments and defaults."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, **kwargs):
        cell = ConvLSTMCell(
            rank=rank, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, name="conv_lstm_cell",
            dtype=kwargs.get("dtype"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, **kwargs)
        self.input_spec = InputSpec(ndim=rank + 3)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def _check_initial_state(self, initial_state, batch_size):
        """Two states (h, c), each of the input convolution's output shape."""
        expected = tuple(self.cell.get_initial_state(batch_size)[0].shape)
        given = [tuple(s.shape) for s in initial_state]
        if given != [expected, expected]:
            raise ValueError(f"Layer '{self.name}' expects 2 initial states (h, c) of shape "
                             f"{expected}. Received: initial_state shapes {given}")

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """The input convolution of every timestep at once (time folded into the batch), then
        one recurrent convolution per step; with input dropout, the cell step by step."""
        cell = self.cell
        if training and 0.0 < cell.dropout < 1.0:
            return self._run_loop(sequences, initial_state, mask, training)
        batch, steps = sequences.shape[0], sequences.shape[1]
        folded = ops.reshape(sequences, (batch * steps,) + tuple(sequences.shape[2:]))
        z_x = cell.input_projection(folded, training)
        z_x = ops.reshape(z_x, (batch, steps) + tuple(z_x.shape[1:]))
        states, outputs, output = list(initial_state), [], None
        for t in (reversed(range(steps)) if self.go_backwards else range(steps)):
            output, new_states = cell.step(z_x[:, t], states, training)
            if mask is not None:
                output, new_states = self._masked_step(mask[:, t], output, new_states, states)
            states = list(new_states)
            if self.return_sequences:
                outputs.append(output)
        return output, (ops.stack(outputs, axis=1) if self.return_sequences else None), states

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        batch_size, steps = sequences_shape[0], sequences_shape[1]
        state_shape = self.cell.compute_output_shape((batch_size,) + sequences_shape[2:])[0][1:]
        output_shape = ((batch_size, steps) + state_shape if self.return_sequences
                        else (batch_size,) + state_shape)
        if self.return_state:
            return output_shape, (batch_size,) + state_shape, (batch_size,) + state_shape
        return output_shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        return [output_mask, None, None] if self.return_state else output_mask

    def get_config(self):
        cell_config = self.cell.get_config()  # Keras writes the cell's arguments flat
        config = {key: cell_config[key] for key in _CELL_ARGUMENTS + ("seed",)}
        config["activity_regularizer"] = serialize_regularizer(self.activity_regularizer)
        base_config = super().get_config()
        base_config.pop("cell", None)
        return {**base_config, **config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _cell_property(name):
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's ``{name}``.")


for _name in _CELL_ARGUMENTS:
    setattr(ConvLSTM, _name, _cell_property(_name))
del _name


@keras_export("keras.layers.ConvLSTM1D")
class ConvLSTM1D(ConvLSTM):
    """1-D convolutional LSTM: inputs (batch, time, steps, channels); kernel (k, channels, 4 * filters)."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, **kwargs):
        super().__init__(1, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)


@keras_export("keras.layers.ConvLSTM2D")
class ConvLSTM2D(ConvLSTM):
    """2-D convolutional LSTM: inputs (batch, time, rows, cols, channels); kernel (kh, kw, channels, 4 * filters)."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, **kwargs):
        super().__init__(2, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)


@keras_export("keras.layers.ConvLSTM3D")
class ConvLSTM3D(ConvLSTM):
    """3-D convolutional LSTM: inputs (batch, time, d1, d2, d3, channels); kernel (k1, k2, k3, channels, 4 * filters)."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, **kwargs):
        super().__init__(3, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
