"""The fast path of SimpleRNN, LSTM and GRU: the whole sequence in one op
(``autograd.ops.recurrent``) instead of one cell call per step.

``run(layer, ...)`` gives ``inner_loop``'s ``(last_output, outputs or None, states)``, or None
when the fused op does not apply and the generic loop must run: a cell of another class
(a subclass may override ``call``), an activation the op lacks, recurrent dropout active,
per-gate input dropout masks, inputs not of rank 3, weights and inputs of different dtypes,
or ``enabled`` switched off. Input dropout is applied before the op: Keras draws one input
mask per sequence and uses it at every step (``DropoutRNNCell``), so (x_t * m) for all t is
x * m[:, None, :]. The same masks are drawn as the loop draws them (the generator's stream
stays the same whichever path runs).
"""

import numpy as np

from ... import activations
from ...autograd import ops
from ...autograd.ops.recurrent import activation_code, gru_sequence, lstm_sequence, \
    simple_rnn_sequence
from .gate_math import _active
from .gru_cell import GRUCell
from .lstm_cell import LSTMCell
from .simple_rnn_cell import SimpleRNNCell

_state = {"enabled": True}


def set_enabled(flag):
    """Turn the fused path on or off (off: every recurrent layer runs the generic loop);
    returns the previous setting."""
    previous, _state["enabled"] = _state["enabled"], bool(flag)
    return previous


def activation_name(fn):
    """The name of a built-in activation the fused ops support, else None."""
    if fn is None:
        return "linear"
    try:
        name = activations.serialize(fn)
    except ValueError:
        return None
    if not isinstance(name, str) or activation_code(name) is None or activations.get(name) is not fn:
        return None
    return name


def run(layer, sequences, initial_state, mask, training):
    cell = layer.cell
    kind = type(cell)
    if not _state["enabled"] or kind not in (LSTMCell, GRUCell, SimpleRNNCell) or sequences.ndim != 3:
        return None
    if _active(cell.recurrent_dropout, training):
        return None
    act = activation_name(cell.activation)
    ract = activation_name(getattr(cell, "recurrent_activation", None))
    dtype = np.dtype(sequences.dtype)
    weights = [cell.kernel, cell.recurrent_kernel] + ([cell.bias] if cell.use_bias else [])
    if act is None or ract is None or any(np.dtype(w.dtype) != dtype for w in weights) \
            or any(np.dtype(s.dtype) != dtype for s in initial_state):
        return None
    x = sequences
    if kind is SimpleRNNCell:  # its call asks for both masks at every step, training or not
        dp = cell.get_dropout_mask(sequences[:, 0])
        rec = cell.get_recurrent_dropout_mask(initial_state[0])
        if training and rec is not None:
            return None  # recurrent_dropout=1.0: its cell applies the mask (the loop reuses it)
        dp = dp if training else None
    else:
        dp = cell.get_dropout_mask(sequences[:, 0]) if _active(cell.dropout, training) else None
    if isinstance(dp, list):
        return None
    if dp is not None:
        x = x * ops.expand_dims(dp, 1)
    options = dict(mask=mask, go_backwards=layer.go_backwards,
                   zero_output_for_mask=layer.zero_output_for_mask, activation=act)
    bias = cell.bias if cell.use_bias else None
    if kind is LSTMCell:
        outputs, h, c = lstm_sequence(x, cell.kernel, cell.recurrent_kernel, bias, initial_state,
                                      recurrent_activation=ract, **options)
        states = [h, c]
    elif kind is GRUCell:
        outputs, h = gru_sequence(x, cell.kernel, cell.recurrent_kernel, bias, initial_state[0],
                                  recurrent_activation=ract, reset_after=cell.reset_after, **options)
        states = [h]
    else:
        outputs, h = simple_rnn_sequence(x, cell.kernel, cell.recurrent_kernel, bias,
                                         initial_state[0], **options)
        states = [h]
    last_output = outputs[:, -1]
    return last_output, (outputs if layer.return_sequences else None), states
