"""Recurrent layers with Keras 3's contracts: ``RNN`` over any cell, ``StackedRNNCells``, and
the cells ``SimpleRNNCell`` / ``LSTMCell`` / ``GRUCell`` with their layers ``SimpleRNN`` /
``LSTM`` / ``GRU`` (weights in Keras's layout, so ``.keras`` files move both ways)."""

from .dropout_rnn_cell import DropoutRNNCell
from .gru import GRU
from .gru_cell import GRUCell
from .lstm import LSTM
from .lstm_cell import LSTMCell
from .rnn import RNN
from .simple_rnn import SimpleRNN
from .simple_rnn_cell import SimpleRNNCell
from .stacked_rnn_cells import StackedRNNCells

__all__ = ["DropoutRNNCell", "GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "SimpleRNN",
           "SimpleRNNCell", "StackedRNNCells"]
