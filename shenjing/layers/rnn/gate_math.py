"""Pieces the gated cells share: the forget-gate bias initializer and the input/recurrent
projections with dropout, in Keras's two forms.

Implementation 2 (no recurrent dropout): one mask on x_t, then one product per kernel:
z = (x_t * m) @ kernel + bias + h_{t-1} @ recurrent_kernel.
Implementation 1 (recurrent dropout): gate g gets its own masks m_g, r_g:
z_g = (x_t * m_g) @ kernel_g + bias_g + (h_{t-1} * r_g) @ recurrent_kernel_g.
"""

from ... import backend, initializers
from ...autograd import ops


def forget_bias_initializer(bias_initializer, units):
    """[bias_initializer(units), ones(units), bias_initializer(2 units)]: LSTM's unit_forget_bias."""
    ones = initializers.get("ones")

    def initializer(shape, dtype=None):
        parts = [bias_initializer((units,), dtype=dtype), ones((units,), dtype=dtype),
                 bias_initializer((2 * units,), dtype=dtype)]
        return backend.xp.concatenate([backend.xp.asarray(getattr(p, "data", p)) for p in parts])

    return initializer


def lstm_gates(cell, z, c_tm1, axis=-1):
    """LSTM's gates from the pre-activations z = [z_i, z_f, z_c, z_o] (along ``axis``):
    c = f * c_{t-1} + i * act(z_c), h = o * act(c). Returns (h, [h, c])."""
    z_i, z_f, z_c, z_o = ops.split(z, 4, axis=axis)
    i = cell.recurrent_activation(z_i)
    f = cell.recurrent_activation(z_f)
    c = f * c_tm1 + i * cell.activation(z_c)
    o = cell.recurrent_activation(z_o)
    h = o * cell.activation(c)
    return h, [h, c]


def _active(rate, training):
    return bool(training) and 0.0 < rate < 1.0


def masked_inputs(cell, inputs, training):
    """x_t times the input dropout mask(s) when training: a list of one tensor per gate
    (implementation 1) or a single tensor."""
    if not _active(cell.dropout, training):
        return inputs
    mask = cell.get_dropout_mask(inputs)
    return [inputs * m for m in mask] if isinstance(mask, list) else inputs * mask


def masked_state(cell, h_tm1, training):
    """h_{t-1} times the recurrent dropout masks, one per gate (implementation 1 only)."""
    if _active(cell.recurrent_dropout, training):
        return [h_tm1 * m for m in cell.get_recurrent_dropout_mask(h_tm1)]
    return [h_tm1] * cell.gates


def gate_columns(weight, gate, units):
    """The columns of ``gate`` in a kernel (..., gates * units) laid side by side."""
    return ops.getitem(weight, (Ellipsis, slice(gate * units, (gate + 1) * units)))


def input_projection(cell, inputs, bias, training):
    """x_t @ kernel + bias (bias may be None), with the input dropout of either implementation."""
    x = masked_inputs(cell, inputs, training)
    if not isinstance(x, list):
        return ops.dense(x, cell.kernel, bias)
    units = cell.units
    return ops.concatenate([
        ops.dense(x_g, gate_columns(cell.kernel, g, units),
                  None if bias is None else gate_columns(bias, g, units))
        for g, x_g in enumerate(x)], axis=-1)


def recurrent_projection(cell, h_tm1, training, gates=None):
    """h_{t-1} @ recurrent_kernel over the first ``gates`` gates (all by default), with the
    recurrent dropout of implementation 1."""
    gates = cell.gates if gates is None else gates
    if getattr(cell, "implementation", 2) != 1 or not _active(cell.recurrent_dropout, training):
        kernel = cell.recurrent_kernel
        if gates != cell.gates:
            kernel = ops.getitem(kernel, (Ellipsis, slice(0, gates * cell.units)))
        return ops.matmul(h_tm1, kernel)
    h = masked_state(cell, h_tm1, training)
    return ops.concatenate([ops.matmul(h[g], gate_columns(cell.recurrent_kernel, g, cell.units))
                            for g in range(gates)], axis=-1)
