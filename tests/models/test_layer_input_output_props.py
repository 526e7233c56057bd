"""``Layer.input`` / ``Layer.output`` (first symbolic call) and a functional ``Model.input`` /
``Model.output`` (the constructor's structures), as the Keras lstm_seq2seq example reads them
off a reloaded model to build its inference models."""
import os

import numpy as np
import pytest

from shenjing import keras
from shenjing.keras import layers


def _seq2seq():
    enc_in = keras.Input(shape=(None, 5))
    dec_in = keras.Input(shape=(None, 6))
    enc_out, h, c = layers.LSTM(4, return_state=True)(enc_in)
    dec_seq, _, _ = layers.LSTM(4, return_sequences=True, return_state=True)(
        dec_in, initial_state=[h, c])
    out = layers.Dense(6, activation="softmax")(dec_seq)
    return keras.Model([enc_in, dec_in], out), (enc_in, dec_in, enc_out, h, c, out)


def test_properties_follow_the_first_call():
    model, (enc_in, dec_in, enc_out, h, c, out) = _seq2seq()
    assert model.input == [enc_in, dec_in] and model.input[0] is enc_in
    assert model.output is out
    lstm = h._keras_history[0]
    assert lstm.input is enc_in
    assert lstm.output == [enc_out, h, c]
    assert enc_in._keras_history[0].output is enc_in  # an InputLayer's output is its Input tensor
    with pytest.raises(AttributeError, match="never been called"):
        layers.Dense(2).output


def test_reloaded_model_rebuilds_inference_models(tmp_path):
    model, _ = _seq2seq()
    path = os.path.join(tmp_path, "s2s.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    _, h, c = loaded.layers[2].output
    encoder = keras.Model(loaded.input[0], [h, c])
    x = np.random.RandomState(0).rand(2, 3, 5).astype("float32")
    want = model.layers[2](x)
    got = encoder(x)
    np.testing.assert_allclose(np.asarray(got[0]), np.asarray(want[1]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(got[1]), np.asarray(want[2]), rtol=1e-5, atol=1e-6)
