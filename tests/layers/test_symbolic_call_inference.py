"""Functional-API calls of custom layers without compute_output_shape (Keras guide
"Understanding masking and padding"): unknown non-batch sizes are probed, symbolic outputs
carry ``_keras_mask``, and ``call(x, mask)`` sees the mask while the model is built."""
import numpy as np
import pytest

from shenjing import keras
from shenjing.keras import layers, ops
from shenjing.layers.keras_tensor import KerasTensor


class Relu(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return ops.relu(inputs)


class Doubler(keras.layers.Layer):
    def call(self, inputs):
        return ops.concatenate([inputs, inputs], axis=1)


class TimeSum(keras.layers.Layer):
    def call(self, inputs):
        return ops.sum(inputs, axis=1)


class TemporalSoftmax(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        assert mask is not None
        m = ops.expand_dims(ops.cast(mask, "float32"), -1)
        e = ops.exp(inputs) * m
        return e / ops.sum(e * m, axis=-1, keepdims=True)


def test_unknown_time_size_is_probed():
    x = keras.Input(shape=(None, 16))
    assert Relu()(x).shape == (None, None, 16)
    assert Doubler()(x).shape == (None, None, 16)
    assert TimeSum()(x).shape == (None, 16)
    y = keras.Input(shape=(7, 16))
    assert Doubler()(y).shape == (None, 14, 16)  # known sizes stay exact


def test_symbolic_outputs_carry_the_mask():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=50, output_dim=4, mask_zero=True)(inputs)
    assert isinstance(x._keras_mask, KerasTensor) and x._keras_mask.shape == (None, None)
    y = Relu()(x)
    assert isinstance(y._keras_mask, KerasTensor)
    model = keras.Model(inputs, layers.LSTM(3)(y))
    data = np.array([[3, 4, 0, 0], [5, 0, 0, 0]])
    out = model(data)
    ref = model(data[:, :2])  # masked steps change nothing
    np.testing.assert_allclose(np.asarray(out[0]), np.asarray(ref[0]), rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore:invalid value")
def test_call_with_mask_gets_it_while_building():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=20, output_dim=5, mask_zero=True)(inputs)
    x = layers.Dense(1)(x)
    outputs = TemporalSoftmax()(x)
    assert outputs.shape == (None, None, 1)
    model = keras.Model(inputs, outputs)
    data = np.array([[1, 2, 0], [3, 0, 0]])
    out = np.asarray(model(data))
    assert out.shape == (2, 3, 1)
    np.testing.assert_allclose(out[0, :2, 0], 1.0, rtol=1e-6)  # masked steps are 0/0, as in Keras
    np.testing.assert_allclose(out[1, :1, 0], 1.0, rtol=1e-6)


class FixedReshape(keras.layers.Layer):
    def call(self, inputs):
        return ops.reshape(inputs, (-1, 4, 4))


def test_a_call_that_fails_on_the_probe_sizes_asks_for_compute_output_shape():
    x = keras.Input(shape=(None,))
    with pytest.raises(NotImplementedError, match="implement compute_output_shape"):
        FixedReshape()(x)


class PositionalEmbedding(keras.layers.Layer):
    """The NMT example's layer: a position table of a fixed length (20 < the probe size 83)."""

    def __init__(self, sequence_length, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.tokens = layers.Embedding(vocab_size, embed_dim)
        self.positions = layers.Embedding(sequence_length, embed_dim)

    def call(self, inputs):
        length = ops.shape(inputs)[-1]
        return self.tokens(inputs) + self.positions(ops.arange(0, length))


def test_probe_falls_back_to_small_sizes():
    x = keras.Input(shape=(None,), dtype="int64")
    assert PositionalEmbedding(20, 50, 8)(x).shape == (None, None, 8)


class NeedsBoth(keras.layers.Layer):
    def call(self, inputs, other):
        raise RuntimeError("user bug inside call")


def test_a_failing_two_argument_call_reports_its_own_error():
    a, b = keras.Input(shape=(None, 4)), keras.Input(shape=(None, 4))
    with pytest.raises(NotImplementedError, match="user bug inside call"):
        NeedsBoth()(a, b)
