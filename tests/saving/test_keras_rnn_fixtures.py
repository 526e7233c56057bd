"""Recurrent models move both ways with real Keras 3: files Keras wrote (fixtures/
make_keras_rnn_fixtures.py) load in shenjing and predict what Keras predicted (Keras not
needed), and recurrent models shenjing saves load in Keras with the same predictions."""

import os

import numpy as np
import pytest

from shenjing import layers, models, saving

from saving_helpers import FIXTURES


def fixture(name):
    return np.load(FIXTURES / name, allow_pickle=False)


def test_keras_sequential_simple_rnn_lstm_gru():
    model = saving.load_model(FIXTURES / "keras_rnn_stack.keras")
    assert [type(l).__name__ for l in model.layers] == ["SimpleRNN", "LSTM", "GRU", "Dense"]
    lstm, gru = model.layers[1], model.layers[2]
    assert lstm.go_backwards and lstm.return_sequences and gru.reset_after is False
    assert gru.cell.bias.shape == (9,)
    np.testing.assert_allclose(model.predict(fixture("keras_rnn_stack_x.npy"), verbose=0),
                               fixture("keras_rnn_stack_pred.npy"), atol=1e-5)
    assert type(model.optimizer).__name__ == "Adam" and model.optimizer.iterations == 8


def test_keras_functional_encoder_decoder_with_initial_state_and_stacked_cells():
    model = saving.load_model(FIXTURES / "keras_rnn_enc_dec.keras")
    assert type(model.get_layer("stacked").cell).__name__ == "StackedRNNCells"
    head, c = model.predict([fixture("keras_rnn_enc_dec_enc.npy"),
                             fixture("keras_rnn_enc_dec_dec.npy")], verbose=0)
    np.testing.assert_allclose(head, fixture("keras_rnn_enc_dec_pred.npy"), atol=1e-5)
    np.testing.assert_allclose(c, fixture("keras_rnn_enc_dec_pred_c.npy"), atol=1e-5)


def test_keras_masked_lstm_weights_and_mask_semantics():
    """Embedding(mask_zero=True) -> LSTM: the mask passed by hand (ids != 0) gives Keras's
    predictions (padding on the right, on the left and inside)."""
    model = saving.load_model(FIXTURES / "keras_rnn_masked.keras")
    embedding, lstm, dense = model.layers
    ids = fixture("keras_rnn_masked_ids.npy")
    pred = dense(lstm(embedding(ids), mask=ids != 0)).numpy()
    np.testing.assert_allclose(pred, fixture("keras_rnn_masked_pred.npy"), atol=1e-5)
    unmasked = dense(lstm(embedding(ids), mask=np.ones(ids.shape, bool))).numpy()
    assert not np.allclose(unmasked, pred, atol=1e-3)


def test_keras_masked_lstm_predicts_with_the_propagated_mask():
    model = saving.load_model(FIXTURES / "keras_rnn_masked.keras")
    ids = fixture("keras_rnn_masked_ids.npy")
    if getattr(model.layers[0](ids), "_keras_mask", None) is None:
        pytest.skip("Embedding(mask_zero=True) does not attach its mask yet (branch 'masking')")
    np.testing.assert_allclose(model.predict(ids, verbose=0), fixture("keras_rnn_masked_pred.npy"),
                               atol=1e-5)


def _ours_to_save():
    enc_in = layers.Input((6, 3))
    seq, h, c = layers.LSTM(4, return_sequences=True, return_state=True)(enc_in)
    dec = layers.GRU(4, reset_after=False, go_backwards=True)(seq, initial_state=h)
    stacked = layers.RNN([layers.SimpleRNNCell(3), layers.GRUCell(2)])(
        layers.SimpleRNN(3, return_sequences=True)(seq))
    out = layers.Dense(2)(layers.Concatenate()([dec, stacked, c]))
    return models.Model(enc_in, out)


def test_shenjing_recurrent_model_loads_in_keras(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    model = _ours_to_save()
    x = np.random.default_rng(0).standard_normal((16, 6, 3)).astype("float32")
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, np.zeros((16, 2), "float32"), epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "rnn.keras")
    loaded = keras.saving.load_model(tmp_path / "rnn.keras")
    np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)),
                               model.predict(x, verbose=0), atol=1e-5)
    assert [type(l).__name__ for l in loaded.layers][1:4] == ["LSTM", "SimpleRNN", "GRU"]
    reloaded = saving.load_model(tmp_path / "rnn.keras")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)
