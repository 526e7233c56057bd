"""TimeDistributed, Bidirectional and ConvLSTM1D/2D/3D: the layer harness, hand values, masks."""

import numpy as np
import pytest

import shenjing
from layer_harness import run_layer_test
from shenjing import layers


# -- TimeDistributed ------------------------------------------------------------------------
@pytest.mark.parametrize("inner, in_shape, out_shape, n_train, n_non_train", [
    (lambda: layers.Dense(3), (2, 4, 5), (2, 4, 3), 2, 0),
    (lambda: layers.Conv2D(2, 3), (2, 3, 6, 5, 1), (2, 3, 4, 3, 2), 2, 0),
    (lambda: layers.BatchNormalization(), (4, 3, 5), (4, 3, 5), 2, 2),
])
def test_time_distributed_contract(inner, in_shape, out_shape, n_train, n_non_train):
    run_layer_test(layers.TimeDistributed, {"layer": inner()}, input_shape=in_shape,
                   expected_output_shape=out_shape, expected_num_trainable_weights=n_train,
                   expected_num_non_trainable_weights=n_non_train)


def test_time_distributed_equals_one_call_per_step():
    x = np.random.default_rng(0).standard_normal((3, 4, 6, 6, 2)).astype("float32")
    td = layers.TimeDistributed(layers.Conv2D(3, 3, padding="same", activation="relu"))
    y = td(x).numpy()
    for t in range(4):
        np.testing.assert_allclose(y[:, t], td.layer(x[:, t]).numpy(), rtol=1e-5, atol=1e-6)
    assert td.weights == td.layer.weights


def test_time_distributed_batch_normalization_uses_each_step_statistics():
    # One call per step (as Keras does): each time slice is normalized over the batch alone.
    x = np.random.default_rng(1).standard_normal((8, 3, 2)).astype("float32") * [1.0, 5.0]
    x[:, 1] += 10.0
    y = layers.TimeDistributed(layers.BatchNormalization(epsilon=1e-6))(x, training=True).numpy()
    expected = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-6)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)


class _MaskSum(layers.Layer):
    """Sums the features of the kept rows (a test layer whose call takes a mask)."""

    def call(self, inputs, mask=None):
        if mask is None:
            return inputs.sum(axis=-1)
        return (inputs * shenjing.ops.expand_dims(shenjing.ops.cast(mask, "float32"), -1)).sum(axis=-1)


def test_time_distributed_passes_the_mask_to_each_step():
    x = np.arange(2 * 3 * 4 * 2, dtype="float32").reshape(2, 3, 4, 2)
    mask = np.random.default_rng(2).random((2, 3, 4)) > 0.5
    td = layers.TimeDistributed(_MaskSum())
    y = td(x, mask=mask).numpy()
    np.testing.assert_allclose(y, (x * mask[..., None]).sum(-1))
    assert td.compute_mask(x, mask) is mask
    with pytest.raises(ValueError, match="mask"):
        td(x, mask=np.ones((2, 4), bool))


def test_time_distributed_errors_and_config():
    with pytest.raises(ValueError, match="Layer` instance"):
        layers.TimeDistributed("dense")
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        layers.TimeDistributed(layers.Dense(2)).build((4, 5))
    td = layers.TimeDistributed(layers.Dense(2, name="inner"), name="td")
    config = td.get_config()
    assert config["layer"]["class_name"] == "Dense" and config["layer"]["config"]["name"] == "inner"
    clone = layers.TimeDistributed.from_config(config)
    assert isinstance(clone.layer, layers.Dense) and clone.layer.units == 2
    assert td.compute_output_shape((None, None, 5)) == (None, None, 2)


# -- Bidirectional --------------------------------------------------------------------------
@pytest.mark.parametrize("make, in_shape, out_shape, n_train", [
    (lambda: {"layer": layers.LSTM(3)}, (2, 5, 4), (2, 6), 6),
    (lambda: {"layer": layers.GRU(2, return_sequences=True), "merge_mode": "sum"}, (2, 5, 4), (2, 5, 2), 6),
    (lambda: {"layer": layers.SimpleRNN(3, return_sequences=True), "merge_mode": "ave",
              "backward_layer": layers.SimpleRNN(3, return_sequences=True, go_backwards=True,
                                                 activation="relu")}, (2, 4, 3), (2, 4, 3), 6),
])
def test_bidirectional_contract(make, in_shape, out_shape, n_train):
    run_layer_test(layers.Bidirectional, make(), input_shape=in_shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=n_train)


def _manual(bi, x, **kwargs):
    """(forward output, backward output put back in time order) from the two layers alone."""
    y = bi.forward_layer(x, **kwargs)
    y_rev = bi.backward_layer(x, **kwargs)
    return y, y_rev


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merges_forward_and_reversed_backward(merge_mode):
    x = np.random.default_rng(3).standard_normal((2, 4, 3)).astype("float32")
    bi = layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode=merge_mode)
    out = bi(x)
    y, y_rev = (a.numpy() for a in _manual(bi, x))
    y_rev = y_rev[:, ::-1]
    expected = {"concat": np.concatenate([y, y_rev], -1), "sum": y + y_rev, "mul": y * y_rev,
                "ave": (y + y_rev) / 2, None: None}[merge_mode]
    if merge_mode is None:
        np.testing.assert_allclose(out[0].numpy(), y, atol=1e-6)
        np.testing.assert_allclose(out[1].numpy(), y_rev, atol=1e-6)
    else:
        np.testing.assert_allclose(out.numpy(), expected, atol=1e-6)
    assert bi.backward_layer.go_backwards and not bi.forward_layer.go_backwards
    assert bi.forward_layer.name.startswith("forward_") and bi.backward_layer.name.startswith("backward_")


def test_bidirectional_return_state_and_initial_state():
    r = np.random.default_rng(4)
    x = r.standard_normal((2, 4, 3)).astype("float32")
    bi = layers.Bidirectional(layers.LSTM(2, return_state=True), merge_mode=None)
    out = bi(x)
    assert len(out) == 6 and [tuple(a.shape) for a in out] == [(2, 2)] * 6
    assert bi.compute_output_shape((None, 4, 3)) == ((None, 2),) * 6
    states = [r.standard_normal((2, 2)).astype("float32") for _ in range(4)]
    out = bi(x, initial_state=states)
    f = bi.forward_layer(x, initial_state=states[:2])
    b = bi.backward_layer(x, initial_state=states[2:])
    for a, e in zip(out, [f[0], b[0], *f[1:], *b[1:]]):
        np.testing.assert_allclose(a.numpy(), e.numpy(), atol=1e-6)
    concat = layers.Bidirectional(layers.GRU(3, return_state=True))
    out = concat(x)
    assert [tuple(a.shape) for a in out] == [(2, 6), (2, 3), (2, 3)]
    assert concat.compute_output_shape((2, 4, 3)) == ((2, 6), (2, 3), (2, 3))


def test_bidirectional_mask_reaches_both_directions():
    r = np.random.default_rng(5)
    x = r.standard_normal((2, 5, 3)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    bi = layers.Bidirectional(layers.LSTM(2, return_sequences=True))
    out = bi(x, mask=mask).numpy()
    short = bi(x[:1, :3]).numpy()  # the first sample's kept steps alone
    np.testing.assert_allclose(out[0, :3], short[0], atol=1e-5)
    np.testing.assert_array_equal(out[0, 3:], 0.0)  # masked steps of a sequence are zeros
    assert bi.compute_mask(x, mask) is mask
    assert layers.Bidirectional(layers.LSTM(2)).compute_mask(x, mask) is None


def test_bidirectional_weights_order_and_argument():
    bi = layers.Bidirectional(layers.LSTM(2), name="bi")
    bi.build((None, 4, 3))
    names = [w.path.split("/")[-1] for w in bi.weights]
    assert names == ["kernel", "recurrent_kernel", "bias"] * 2
    assert bi.weights[:3] == bi.forward_layer.weights and bi.weights[3:] == bi.backward_layer.weights
    values = [np.full(w.shape, i, "float32") for i, w in enumerate(bi.weights)]
    given = layers.Bidirectional(layers.LSTM(2), weights=values)
    given.build((None, 4, 3))
    for w, v in zip(given.get_weights(), values):
        np.testing.assert_array_equal(w, v)


def test_bidirectional_config_and_errors():
    bi = layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode="mul",
                              backward_layer=layers.GRU(3, return_sequences=True, go_backwards=True,
                                                        name="back"))
    config = bi.get_config()
    assert config["merge_mode"] == "mul" and config["layer"]["class_name"] == "GRU"
    assert config["backward_layer"]["config"]["name"] == "back"
    clone = layers.Bidirectional.from_config(config)
    assert clone.backward_layer.name == "back" and clone.backward_layer.go_backwards
    with pytest.raises(ValueError, match="Invalid merge mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match="return_sequences"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2, go_backwards=True,
                                                                       return_sequences=True))
    with pytest.raises(ValueError, match="Layer` instance"):
        layers.Bidirectional("lstm")


# -- ConvLSTM1D / 2D / 3D -------------------------------------------------------------------
@pytest.mark.parametrize("name, kwargs, in_shape, out_shape", [
    ("ConvLSTM1D", {"filters": 2, "kernel_size": 3}, (2, 3, 6, 2), (2, 4, 2)),
    ("ConvLSTM2D", {"filters": 2, "kernel_size": 3, "padding": "same", "return_sequences": True},
     (2, 3, 5, 5, 1), (2, 3, 5, 5, 2)),
    ("ConvLSTM2D", {"filters": 3, "kernel_size": (2, 3), "strides": 2, "data_format": "channels_first"},
     (2, 2, 2, 5, 6), (2, 3, 2, 2)),
    ("ConvLSTM3D", {"filters": 2, "kernel_size": 2}, (2, 2, 3, 3, 3, 1), (2, 2, 2, 2, 2)),
])
def test_conv_lstm_contract(name, kwargs, in_shape, out_shape):
    run_layer_test(getattr(layers, name), kwargs, input_shape=in_shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=3)


def test_conv_lstm_with_1x1_kernel_is_an_lstm_on_every_pixel():
    r = np.random.default_rng(6)
    x = r.standard_normal((2, 4, 3, 3, 2)).astype("float32")
    conv = layers.ConvLSTM2D(3, 1, return_sequences=True)
    conv.build(x.shape)
    conv.set_weights([r.standard_normal(w.shape).astype("float32") * 0.5 for w in conv.weights])
    kernel, recurrent, bias = conv.get_weights()
    lstm = layers.LSTM(3, return_sequences=True)
    lstm.build((None, 4, 2))
    lstm.set_weights([kernel[0, 0], recurrent[0, 0], bias])
    pixels = x.transpose(0, 2, 3, 1, 4).reshape(2 * 9, 4, 2)
    expected = lstm(pixels).numpy().reshape(2, 3, 3, 4, 3).transpose(0, 3, 1, 2, 4)
    np.testing.assert_allclose(conv(x).numpy(), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("go_backwards", [False, True])
def test_conv_lstm_fused_loop_equals_the_cell_step_by_step(go_backwards):
    r = np.random.default_rng(7)
    x = r.standard_normal((2, 4, 5, 5, 2)).astype("float32")
    mask = np.array([[1, 1, 0, 1], [1, 1, 1, 1]], bool)
    conv = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True, return_state=True,
                             go_backwards=go_backwards)
    fused = conv(x, mask=mask)
    cell = conv.cell
    states = cell.get_initial_state(2)
    outputs = []
    for t in (range(3, -1, -1) if go_backwards else range(4)):
        h, new = cell(x[:, t], states)
        keep = mask[:, t].reshape(2, 1, 1, 1)
        h = np.where(keep, h.numpy(), states[0].numpy())
        states = [shenjing.Tensor(np.where(keep, n.numpy(), s.numpy())) for n, s in zip(new, states)]
        outputs.append(h)
    np.testing.assert_allclose(fused[0].numpy(), np.stack(outputs, 1), rtol=1e-5, atol=1e-5)
    for a, b in zip(fused[1:], states):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-5)
    assert conv.compute_mask(x, mask) == [mask, None, None]


def test_conv_lstm_dropout_trains_and_config_matches_keras_keys():
    x = np.random.default_rng(8).standard_normal((2, 3, 5, 2)).astype("float32")
    conv = layers.ConvLSTM1D(2, 2, dropout=0.3, recurrent_dropout=0.2, seed=1)
    y = conv(shenjing.Tensor(x), training=True)
    assert y.shape == (2, 4, 2)
    (y * y).sum().backward()
    assert all(w.grad is not None for w in conv.weights)
    np.testing.assert_allclose(conv(x).numpy(), conv(x).numpy())  # inference: no dropout
    config = conv.get_config()
    assert "cell" not in config and config["filters"] == 2 and config["recurrent_dropout"] == 0.2
    assert layers.ConvLSTM1D.from_config(config).get_config() == config
    fresh = layers.ConvLSTM1D(2, 2)
    fresh.build((None, 3, 5, 2))  # unit_forget_bias: the forget gate's bias starts at 1
    assert fresh.cell.bias.numpy().tolist() == [0, 0, 1, 1, 0, 0, 0, 0]
    with pytest.raises(ValueError, match="static"):
        layers.ConvLSTM2D(2, 3).build((None, 3, None, 5, 1))
    with pytest.raises(ValueError, match="strides > 1"):
        layers.ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=r"2 initial states \(h, c\) of shape \(2, 4, 2\)"):
        conv(x, initial_state=[np.zeros((2, 4, 2), "float32")])


def test_bidirectional_stateful_keeps_and_resets_both_directions():
    x = np.random.default_rng(9).standard_normal((3, 4, 2)).astype("float32")
    bi = layers.Bidirectional(layers.LSTM(2, stateful=True))
    first = bi(x).numpy()
    assert len(bi.states) == 4  # forward (h, c) then backward (h, c)
    assert not np.allclose(bi(x).numpy(), first)  # the second call starts from the kept states
    bi.reset_states()
    np.testing.assert_allclose(bi(x).numpy(), first, atol=1e-6)
    with pytest.raises(AttributeError, match="stateful"):
        layers.Bidirectional(layers.LSTM(2)).reset_state()


def test_time_distributed_over_a_recurrent_layer():
    x = np.random.default_rng(10).standard_normal((2, 3, 4, 5)).astype("float32")
    td = layers.TimeDistributed(layers.GRU(2))
    y = td(x).numpy()
    assert y.shape == (2, 3, 2)
    for t in range(3):
        np.testing.assert_allclose(y[:, t], td.layer(x[:, t]).numpy(), rtol=1e-5, atol=1e-6)


def test_conv_lstm_stateful_and_inside_bidirectional():
    x = np.random.default_rng(11).standard_normal((2, 3, 5, 5, 2)).astype("float32")
    conv = layers.ConvLSTM2D(2, 3, stateful=True)
    first = conv(x).numpy()
    assert not np.allclose(conv(x).numpy(), first)
    conv.reset_states()
    np.testing.assert_allclose(conv(x).numpy(), first, atol=1e-6)
    bi = layers.Bidirectional(layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True,
                                                return_state=True))
    out = bi(x)
    assert [tuple(t.shape) for t in out] == [(2, 3, 5, 5, 4)] + [(2, 5, 5, 2)] * 4
    assert bi.compute_output_shape(x.shape) == tuple(tuple(t.shape) for t in out)


def test_gradcheck_conv_lstm_and_bidirectional_float64():
    rng = np.random.default_rng(12)
    x = rng.standard_normal((2, 3, 4, 2))
    mask = np.array([[True, True, False], [False, True, True]])
    conv = layers.ConvLSTM1D(2, 3, padding="same", return_sequences=True, dtype="float64")
    conv(x)
    init = [rng.standard_normal((2, 4, 2)) for _ in range(2)]
    assert shenjing.gradcheck(lambda t, h, c: conv(t, initial_state=[h, c], mask=mask), [x, *init])
    bi = layers.Bidirectional(layers.GRU(2, return_sequences=True, dtype="float64"), merge_mode="mul",
                              dtype="float64")
    seq = rng.standard_normal((2, 3, 2))
    bi(seq)
    states = [rng.standard_normal((2, 2)) for _ in range(2)]
    assert shenjing.gradcheck(lambda t, a, b: bi(t, initial_state=[a, b], mask=mask), [seq, *states])
