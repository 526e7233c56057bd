"""Review regressions for the recurrent layers (review2)."""

import numpy as np

import shenjing as sj
from shenjing import layers as L


class _WrappedStatefulRNN(L.Layer):
    """A layer without compute_output_shape: its output shape comes from call on zeros."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rnn = L.SimpleRNN(3, stateful=True, bias_initializer="ones")

    def call(self, x):
        return self.rnn(x)


def test_shape_inference_on_zeros_leaves_stateful_states_alone():
    # Keras traces these calls without side effects: the states stay zero until a real call.
    layer = _WrappedStatefulRNN()
    out = layer(L.Input(batch_shape=(2, None, 4)))  # probes 83 and 89 timesteps on zeros
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(layer.rnn.states[0].numpy(), np.zeros((2, 3), "float32"))
    layer.compute_output_shape((2, 5, 4))
    np.testing.assert_array_equal(layer.rnn.states[0].numpy(), np.zeros((2, 3), "float32"))
    y = layer(np.ones((2, 5, 4), "float32")).numpy()  # a real call still keeps its states
    np.testing.assert_allclose(layer.rnn.states[0].numpy(), y)


def test_stacked_cells_of_a_float64_rnn_run_in_float64():
    # A list of cells becomes StackedRNNCells with the layer's dtype; a float32 stack would
    # round every step's input to float32 before the float64 cells see it.
    layer = L.RNN([L.LSTMCell(3, dtype="float64"), L.GRUCell(2, dtype="float64")], dtype="float64")
    assert layer.cell.dtype_policy.name == "float64"
    x = np.random.default_rng(0).standard_normal((2, 4, 3))
    y = layer(x).numpy()
    y_nudged = layer(x + 1e-12).numpy()  # below float32's resolution, above float64's
    assert y.dtype == np.float64 and 0 < np.abs(y_nudged - y).max() < 1e-10
    assert L.RNN.from_config(layer.get_config()).cell.dtype_policy.name == "float64"


class _WrappedRegularizedLSTM(L.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rnn = L.LSTM(2, activity_regularizer="l2", bias_initializer="ones")

    def call(self, x):
        self.add_loss(sj.ops.sum(x) * 0.0 + 1.0)
        return self.rnn(x)


def test_shape_inference_on_zeros_adds_no_losses():
    # Keras traces compute_output_spec in a stateless scope: its losses are dropped.
    layer = _WrappedRegularizedLSTM()
    model = sj.keras.Model(*(lambda i: (i, layer(i)))(L.Input((None, 3))))
    assert model.losses == [] and layer.rnn.losses == []
    model(np.ones((2, 4, 3), "float32"))
    assert len(model.losses) == 2  # a real call's: add_loss and the activity regularizer
