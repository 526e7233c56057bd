"""``GRU``: ``RNN(GRUCell(...))`` with the cell's arguments on the layer (Cho et al. 2014)."""

from ...registry import keras_export
from .cell_layer import CellLayer, add_cell_properties, check_use_cudnn
from .gru_cell import GRUCell


@keras_export("keras.layers.GRU")
@add_cell_properties
class GRU(CellLayer):
    """Gated recurrent unit layer; ``reset_after=True`` (default) is PyTorch's/cuDNN's variant."""

    cell_arguments = ("units", "activation", "recurrent_activation", "use_bias",
                      "kernel_initializer", "recurrent_initializer", "bias_initializer",
                      "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                      "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
                      "recurrent_dropout", "reset_after")

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
                 use_cudnn="auto", **kwargs):
        cell = GRUCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after,
            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True), name="gru_cell",
            seed=seed, implementation=kwargs.pop("implementation", 2))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.use_cudnn = check_use_cudnn(use_cudnn)  # no cuDNN here: "auto" and False run the loop
