"""predict on an object array of Python strings (the TF RNN text tutorial): a Sequential model
starting with TextVectorization, no Input, as Keras 3 takes it."""
import numpy as np

from shenjing import keras


def test_predict_object_string_array():
    encoder = keras.layers.TextVectorization(max_tokens=20)
    encoder.adapt(np.array(["good film", "bad film", "great plot"]))
    model = keras.Sequential([encoder, keras.layers.Embedding(20, 4, mask_zero=True),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
    out = model.predict(np.array(["good plot", "bad bad film"], dtype=object), verbose=0)
    assert out.shape == (2, 1) and np.all(np.isfinite(out))
