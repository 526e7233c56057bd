"""Stateful recurrent layers (states kept between calls, reset_states, a declared batch size)
and training a small LSTM model with fit()."""

import numpy as np
import pytest

import shenjing
from shenjing import layers


def test_stateful_carries_states_between_calls_and_reset_states():
    x = np.random.default_rng(4).standard_normal((2, 6, 3)).astype("float32")
    whole = layers.LSTM(3, return_sequences=True)
    expected = whole(x).numpy()
    layer = layers.LSTM(3, return_sequences=True, stateful=True)
    layer(x[:, :3])
    layer.set_weights(whole.get_weights())
    layer.reset_states()
    first, second = layer(x[:, :3]).numpy(), layer(x[:, 3:]).numpy()
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), expected, rtol=1e-5,
                               atol=1e-6)
    assert len(layer.weights) == 3 and not layer.non_trainable_weights  # states are not weights
    np.testing.assert_allclose(layer.states[0].numpy(), expected[:, -1], rtol=1e-5, atol=1e-6)
    layer.reset_states()
    assert all(not s.numpy().any() for s in layer.states)
    np.testing.assert_allclose(layer(x[:, :3]).numpy(), first, rtol=1e-6)
    with pytest.raises(ValueError, match="batch size"):
        layer(x[:1, :3])


def test_stateful_gradients_are_not_disturbed_by_the_state_update():
    """The states are assigned after the forward pass: backprop must still see the old ones."""
    x = np.random.default_rng(5).standard_normal((2, 3, 2))
    layer = layers.SimpleRNN(2, stateful=True, dtype="float64")
    layer(x)  # states are now non-zero
    h0 = layer.states[0].numpy().copy()
    out = layer(x)
    (out * out).sum().backward()
    grad = layer.cell.recurrent_kernel.grad.copy()
    reference = layers.SimpleRNN(2, dtype="float64")
    reference(x)
    reference.set_weights(layer.get_weights())
    ref_out = reference(x, initial_state=[h0])
    (ref_out * ref_out).sum().backward()
    np.testing.assert_allclose(grad, reference.cell.recurrent_kernel.grad, rtol=1e-12)


def test_stateful_needs_a_batch_size():
    with pytest.raises(ValueError, match="batch size must be static"):
        layers.GRU(2, stateful=True)(layers.Input((3, 2)))


def test_stateful_sequential_with_a_declared_batch_size():
    """Input(batch_size=4) keeps its batch size through Sequential.build, as in Keras 3, so a
    stateful LSTM gets its states; fit(shuffle=False) carries them, reset_states clears them."""
    model = shenjing.keras.Sequential([layers.Input((3, 2), batch_size=4),
                                       layers.LSTM(5, stateful=True), layers.Dense(1)])
    lstm = model.layers[0]
    assert lstm.states[0].shape == (4, 5)
    model.compile("adam", "mse")
    rng = np.random.default_rng(9)
    x, y = rng.random((8, 3, 2)).astype("float32"), rng.random((8, 1)).astype("float32")
    model.fit(x, y, batch_size=4, shuffle=False, epochs=1, verbose=0)
    assert lstm.states[0].numpy().any()
    lstm.reset_states()
    first = model.predict(x[:4], batch_size=4, verbose=0)
    again = model.predict(x[:4], batch_size=4, verbose=0)   # starts from the carried states
    assert not np.allclose(first, again)
    lstm.reset_states()
    np.testing.assert_allclose(model.predict(x[:4], batch_size=4, verbose=0), first, rtol=1e-6)


def test_fit_a_small_lstm_model_learns():
    """Classify whether a sequence's sum is positive: the loss must fall well below chance."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((128, 6, 1)).astype("float32")
    y = (x.sum(axis=(1, 2)) > 0).astype("float32")
    model = shenjing.keras.Sequential([layers.Input((6, 1)), layers.LSTM(8),
                                       layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=shenjing.keras.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=12, batch_size=32, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    assert history.history["accuracy"][-1] > 0.85
