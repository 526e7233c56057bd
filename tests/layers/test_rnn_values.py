"""Recurrent layers against hand-written formulas, and their call semantics: masks, go_backwards,
initial_state, dropout masks per sequence, gradients, user cells."""

import numpy as np
import pytest

import shenjing
from shenjing import layers


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _numpy_step(kind, x, states, kernel, recurrent, bias, reset_after=True):
    """One step written out in NumPy (float64), the formulas of the docstrings."""
    h = states[0]
    if kind == "simple":
        out = np.tanh(x @ kernel + bias + h @ recurrent)
        return out, [out]
    if kind == "lstm":
        z = x @ kernel + h @ recurrent + bias
        i, f, g, o = np.split(z, 4, axis=-1)
        c = _sigmoid(f) * states[1] + _sigmoid(i) * np.tanh(g)
        out = _sigmoid(o) * np.tanh(c)
        return out, [out, c]
    units = h.shape[-1]
    in_bias, rec_bias = (bias[0], bias[1]) if reset_after else (bias, np.zeros(3 * units))
    x_z, x_r, x_h = np.split(x @ kernel + in_bias, 3, axis=-1)
    r_z, r_r, r_h = np.split(h @ recurrent + rec_bias, 3, axis=-1)
    z, r = _sigmoid(x_z + r_z), _sigmoid(x_r + r_r)
    if reset_after:
        hh = np.tanh(x_h + r * r_h)
    else:
        hh = np.tanh(x_h + (r * h) @ recurrent[:, 2 * units:])
    out = z * h + (1 - z) * hh
    return out, [out]


def _numpy_rnn(kind, x, init, weights, reset_after=True, mask=None, backwards=False):
    states, outputs = [s.astype(np.float64) for s in init], []
    steps = range(x.shape[1])
    for t in (reversed(steps) if backwards else steps):
        out, new = _numpy_step(kind, x[:, t], states, *weights, reset_after=reset_after)
        if mask is not None:
            keep = mask[:, t:t + 1]
            out = np.where(keep, out, states[0])
            new = [np.where(keep, n, s) for n, s in zip(new, states)]
        states = new
        outputs.append(out)
    return np.stack(outputs, axis=1), states


CONFIGS = [
    ("simple", layers.SimpleRNN, {}),
    ("lstm", layers.LSTM, {}),
    ("gru", layers.GRU, {}),
    ("gru", layers.GRU, {"reset_after": False}),
]


@pytest.mark.parametrize("kind,cls,kwargs", CONFIGS, ids=["simple", "lstm", "gru", "gru_before"])
@pytest.mark.parametrize("backwards", [False, True], ids=["forward", "backwards"])
def test_values_against_numpy_formulas(kind, cls, kwargs, backwards):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 5, 4))
    mask = np.ones((3, 5), bool)
    mask[0, 3:] = False   # right padding
    mask[1, :2] = False   # left padding: the initial state is carried, then the output
    layer = cls(3, return_sequences=True, return_state=True, go_backwards=backwards,
                dtype="float64", bias_initializer="random_normal", **kwargs)
    n_states = 2 if kind == "lstm" else 1
    init = [rng.standard_normal((3, 3)) for _ in range(n_states)]
    got = layer(x, initial_state=init, mask=mask)
    weights = layer.get_weights()
    want_seq, want_states = _numpy_rnn(kind, x, init, weights, mask=mask, backwards=backwards,
                                       reset_after=kwargs.get("reset_after", True))
    np.testing.assert_allclose(got[0].numpy(), want_seq, rtol=1e-10, atol=1e-12)
    for g, w in zip(got[1:], want_states):
        np.testing.assert_allclose(g.numpy(), w, rtol=1e-10, atol=1e-12)


def test_tiny_lstm_step_by_hand():
    """units=1, input_dim=1, every weight 0.5, zero bias except unit_forget_bias's 1:
    z = 0.5 x + 0.5 h + (0, 1, 0, 0); x=1, h=c=0 -> i=o=σ(.5), f=σ(1.5), g=tanh(.5)."""
    cell = layers.LSTMCell(1, kernel_initializer="ones", recurrent_initializer="ones")
    cell.build((1, 1))
    cell.kernel.assign(np.full((1, 4), 0.5, "float32"))
    cell.recurrent_kernel.assign(np.full((1, 4), 0.5, "float32"))
    np.testing.assert_array_equal(cell.bias.numpy(), [0, 1, 0, 0])
    h, (h2, c) = cell(np.ones((1, 1), "float32"), [np.zeros((1, 1), "float32")] * 2)
    c_want = _sigmoid(0.5) * np.tanh(0.5)
    np.testing.assert_allclose(c.numpy(), [[c_want]], rtol=1e-6)
    np.testing.assert_allclose(h.numpy(), [[_sigmoid(0.5) * np.tanh(c_want)]], rtol=1e-6)


def test_tiny_gru_and_simple_rnn_steps_by_hand():
    # GRU reset_after, units=1, weights 1, bias rows [0.1]*3 and [0.2]*3, x=1, h=0.5:
    # z = r = σ(1 + .1 + .5 + .2) = σ(1.8); hh = tanh(1 + .1 + r (.5 + .2)); h' = z .5 + (1-z) hh
    cell = layers.GRUCell(1, kernel_initializer="ones", recurrent_initializer="ones")
    cell.build((1, 1))
    cell.bias.assign(np.array([[0.1] * 3, [0.2] * 3], "float32"))
    h, _ = cell(np.ones((1, 1), "float32"), [np.full((1, 1), 0.5, "float32")])
    z = _sigmoid(1.8)
    want = z * 0.5 + (1 - z) * np.tanh(1.1 + z * 0.7)
    np.testing.assert_allclose(h.numpy(), [[want]], rtol=1e-6)
    # SimpleRNN: tanh(2 x + 3 h + 1) with x = 1, h = -0.5
    cell = layers.SimpleRNNCell(1, kernel_initializer="ones", bias_initializer="ones",
                                recurrent_initializer="ones")
    cell.build((1, 1))
    cell.kernel.assign(np.full((1, 1), 2.0, "float32"))
    cell.recurrent_kernel.assign(np.full((1, 1), 3.0, "float32"))
    out, [state] = cell(np.ones((1, 1), "float32"), [np.full((1, 1), -0.5, "float32")])
    np.testing.assert_allclose(out.numpy(), [[np.tanh(1.5)]], rtol=1e-6)
    assert out is state


def test_masked_steps_equal_the_truncated_sequence_and_zero_output_for_mask():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 6, 3)).astype("float32")
    mask = np.ones((2, 6), bool)
    mask[:, 4:] = False
    layer = layers.GRU(4, return_sequences=True)
    full = layer(x, mask=mask).numpy()
    short = layer(x[:, :4]).numpy()
    np.testing.assert_allclose(full[:, :4], short, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(full[:, 4], short[:, 3], rtol=1e-6, atol=1e-6)  # carried
    zero = layers.GRU(4, return_sequences=True, zero_output_for_mask=True)
    zero(x)
    zero.set_weights(layer.get_weights())
    out = zero(x, mask=mask).numpy()
    np.testing.assert_array_equal(out[:, 4:], 0.0)
    np.testing.assert_allclose(out[:, :4], short, rtol=1e-6, atol=1e-6)


def test_compute_mask():
    mask = np.ones((2, 5), bool)
    assert layers.LSTM(2).compute_mask(None, mask) is None
    assert layers.LSTM(2, return_sequences=True).compute_mask(None, mask) is mask
    got = layers.LSTM(2, return_sequences=True, return_state=True).compute_mask(None, mask)
    assert got[0] is mask and got[1:] == [None, None]
    assert layers.GRU(2, return_state=True).compute_mask(None, mask) == [None, None]


def test_unroll_gives_the_same_results():
    x = np.random.default_rng(3).standard_normal((2, 4, 3)).astype("float32")
    a, b = layers.LSTM(3), layers.LSTM(3, unroll=True)
    a(x)
    b(x)
    b.set_weights(a.get_weights())
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_gradcheck_wrt_inputs_and_initial_state(cls):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 3, 2))
    mask = np.array([[True, True, False], [False, True, True]])
    layer = cls(2, return_sequences=True, dtype="float64")
    layer(x)
    n = 2 if cls is layers.LSTM else 1
    init = [rng.standard_normal((2, 2)) for _ in range(n)]
    assert shenjing.gradcheck(lambda t, *s: layer(t, initial_state=list(s), mask=mask),
                              [x, *init])


def test_dropout_masks_are_drawn_once_per_sequence():
    cell = layers.SimpleRNNCell(3, dropout=0.5, recurrent_dropout=0.5, seed=1)
    layer = layers.RNN(cell, return_sequences=True)
    x = np.ones((2, 5, 4), "float32")
    layer(x)
    drawn = []
    original = cell._create_dropout_mask
    cell._create_dropout_mask = lambda *a: drawn.append(a) or original(*a)
    layer(x, training=True)
    assert len(drawn) == 2   # one input mask and one recurrent mask for 5 steps
    assert cell.get_dropout_mask(x[:, 0]) is not None  # a fresh one after the call ...
    assert len(drawn) == 3   # ... since the call forgot its masks
    np.testing.assert_array_equal(layer(x).numpy(), layer(x).numpy())  # inference: no dropout


def test_lstm_recurrent_dropout_uses_one_mask_per_gate():
    cell = layers.LSTMCell(3, dropout=0.5, recurrent_dropout=0.5, seed=0)
    cell.build((2, 4))
    masks = cell.get_dropout_mask(np.ones((2, 4), "float32"))
    assert cell.implementation == 1 and isinstance(masks, list) and len(masks) == 4
    assert any(not np.array_equal(masks[0].numpy(), m.numpy()) for m in masks[1:])
    assert set(np.unique(masks[0].numpy())) <= {0.0, 2.0}
    out, _ = cell(np.ones((2, 4), "float32"), cell.get_initial_state(2), training=True)
    assert out.shape == (2, 3)


def test_bias_shapes_and_weight_order():
    x = np.zeros((1, 2, 5), "float32")
    for layer, shapes in [(layers.LSTM(3), [(5, 12), (3, 12), (12,)]),
                          (layers.GRU(3), [(5, 9), (3, 9), (2, 9)]),
                          (layers.GRU(3, reset_after=False), [(5, 9), (3, 9), (9,)]),
                          (layers.SimpleRNN(3), [(5, 3), (3, 3), (3,)])]:
        layer(x)
        assert [w.shape for w in layer.weights] == shapes
        assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    lstm = layers.LSTM(2, bias_initializer="ones")
    lstm(x)
    np.testing.assert_array_equal(lstm.cell.bias.numpy(), [1, 1, 1, 1, 1, 1, 1, 1])
    lstm = layers.LSTM(2, unit_forget_bias=False, bias_initializer="zeros")
    lstm(x)
    assert not lstm.cell.bias.numpy().any()
    recurrent = lstm.cell.recurrent_kernel.numpy()   # orthogonal by default
    assert recurrent.shape == (2, 8)
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(2), atol=1e-5)


def test_layer_properties_mirror_the_cell():
    layer = layers.GRU(4, reset_after=False, dropout=0.25, recurrent_activation="hard_sigmoid")
    assert layer.units == 4 and layer.reset_after is False and layer.dropout == 0.25
    assert layer.recurrent_activation is layer.cell.recurrent_activation
    assert layers.LSTM(2).unit_forget_bias is True
    assert layers.LSTM(2, dropout=2.0).dropout == 1.0  # clipped into [0, 1] as Keras does


def test_errors_name_the_layer():
    with pytest.raises(ValueError, match="units"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match="use_cudnn"):
        layers.GRU(2, use_cudnn="yes")
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(2))
    layer = layers.LSTM(2, name="enc")
    with pytest.raises(ValueError, match="'enc' expects 2 initial state"):
        layer(np.zeros((1, 3, 2), "float32"), initial_state=[np.zeros((1, 2), "float32")])
    with pytest.raises(ValueError, match="expects 2 initial state"):   # symbolic too
        layers.LSTM(3)(layers.Input((5, 4)), initial_state=[layers.Input((3,))])
    with pytest.raises(ValueError, match="sizes \\[2\\]"):
        layers.GRU(2)(layers.Input((5, 4)), initial_state=layers.Input((3,)))
    with pytest.raises(ValueError, match="rank"):
        layers.RNN(layers.SimpleRNNCell(2))(np.zeros((2, 3), "float32"))


class MinimalRNNCell(layers.Layer):
    """Keras's docstring example: a user cell with one state and no get_initial_state."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        output = shenjing.ops.matmul(inputs, self.kernel) + shenjing.ops.matmul(
            states[0], self.recurrent_kernel)
        return output, [output]


def test_user_cell_and_stack_of_cells():
    x = np.random.default_rng(7).standard_normal((2, 4, 3)).astype("float32")
    layer = layers.RNN(MinimalRNNCell(5), return_state=True)
    out, state = layer(x)
    assert out.shape == (2, 5)
    np.testing.assert_array_equal(out.numpy(), state.numpy())
    k, r = layer.cell.kernel.numpy(), layer.cell.recurrent_kernel.numpy()
    h = np.zeros((2, 5), "float32")
    for t in range(4):
        h = x[:, t] @ k + h @ r
    np.testing.assert_allclose(out.numpy(), h, rtol=1e-5, atol=1e-5)
    stacked = layers.RNN([MinimalRNNCell(4), layers.LSTMCell(2)], return_state=True)
    out, first, (h, c) = stacked(x)
    assert out.shape == (2, 2) and first.shape == (2, 4) and c.shape == (2, 2)
    np.testing.assert_array_equal(out.numpy(), h.numpy())


def test_the_same_dropout_mask_at_every_step():
    """kernel = I, recurrent_kernel = 0, linear: output_t = x_t * mask, so with x all ones every
    step shows the mask; the mask is 0 or 1 / (1 - rate) and a new call draws a new one."""
    layer = layers.SimpleRNN(6, activation=None, use_bias=False, dropout=0.5, seed=5,
                             kernel_initializer="identity", recurrent_initializer="zeros",
                             return_sequences=True)
    x = np.ones((3, 4, 6), "float32")
    out = layer(x, training=True).numpy()
    for t in range(1, 4):
        np.testing.assert_array_equal(out[:, t], out[:, 0])
    assert set(np.unique(out)) == {0.0, 2.0}
    assert not np.array_equal(layer(x, training=True).numpy(), out)
    np.testing.assert_array_equal(layer(x).numpy(), x)
