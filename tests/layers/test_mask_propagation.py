"""Masks through Layer.__call__, as Keras 3 propagates them: hand values."""

import warnings

import numpy as np
import pytest

import shenjing
from shenjing import keras, layers
from shenjing.autograd import Tensor, get_keras_mask, set_keras_mask

IDS = np.array([[1, 2, 0], [3, 0, 0]])
MASK = IDS != 0
TABLE = np.arange(10, dtype=np.float32).reshape(5, 2)  # row i = (2i, 2i + 1)


def _mask(t):
    m = get_keras_mask(t)
    return None if m is None else np.asarray(m.data if isinstance(m, Tensor) else m)


def _embedding():
    layer = layers.Embedding(5, 2, mask_zero=True)
    layer.build()
    layer.set_weights([TABLE])
    return layer


def _dense_identity():
    layer = layers.Dense(2)
    layer.build((None, 3, 2))
    layer.set_weights([np.eye(2, dtype=np.float32), np.zeros(2, np.float32)])
    return layer


class Recorder(layers.Layer):
    """Records the mask its call gets; passes the input (and its mask) on."""

    supports_masking = True

    def call(self, inputs, mask=None):
        self.seen = mask
        return inputs * 1.0


class Pair(layers.Layer):
    """An attention-shaped call: two tensor arguments and a mask parameter for each."""

    supports_masking = True

    def call(self, query, value, query_mask=None, value_mask=None):
        self.seen = (query_mask, value_mask)
        return query + ops_mean(value)


def ops_mean(x):
    return shenjing.ops.mean(x, axis=1, keepdims=True)


def test_embedding_dense_global_average_uses_only_unmasked_steps():
    h = _embedding()(IDS)
    np.testing.assert_array_equal(_mask(h), MASK)
    h = _dense_identity()(h)
    np.testing.assert_array_equal(_mask(h), MASK)  # Dense passes the mask on
    y = layers.GlobalAveragePooling1D()(h)
    expected = [(TABLE[1] + TABLE[2]) / 2, TABLE[3]]
    np.testing.assert_allclose(y.numpy(), expected)
    assert get_keras_mask(y) is None


def test_global_average_pooling_masked_gradient_skips_padding():
    emb = _embedding()
    y = layers.GlobalAveragePooling1D()(emb(IDS))
    shenjing.ops.sum(y).backward()
    grad = np.asarray(emb.embeddings.grad)
    np.testing.assert_allclose(grad[0], 0.0)  # padding rows get no gradient
    np.testing.assert_allclose(grad[1], 0.5)
    np.testing.assert_allclose(grad[3], 1.0)


def test_global_average_pooling_channels_first_and_keepdims_with_mask():
    x = np.arange(12, dtype=np.float32).reshape(1, 3, 4)  # (batch, channels, steps)
    mask = np.array([[True, False, True, False]])
    y = layers.GlobalAveragePooling1D(data_format="channels_first", keepdims=True)(x, mask=mask)
    np.testing.assert_allclose(y.numpy()[..., 0], x[:, :, [0, 2]].mean(-1))


def test_masking_layer_mask_reaches_the_next_layer():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], np.float32)
    recorder = Recorder()
    recorder(layers.Masking(0.0)(x))
    np.testing.assert_array_equal(np.asarray(recorder.seen.data), [[True, False, True]])


def test_merge_masks_or_and_concatenate():
    a, b = _embedding()(IDS), _embedding()(np.array([[1, 0, 0], [0, 0, 4]]))
    np.testing.assert_array_equal(_mask(layers.Add()([a, b])), [[True, True, False], [True, False, True]])
    plain = Tensor(np.ones((2, 3, 2), np.float32))
    assert get_keras_mask(layers.Add()([a, plain])) is None  # any input without a mask: none
    assert get_keras_mask(layers.Add()([plain, plain])) is None
    np.testing.assert_array_equal(_mask(layers.Concatenate()([a, plain])), [[True] * 3] * 2)
    np.testing.assert_array_equal(_mask(layers.Concatenate()([a, b])), _mask(layers.Add()([a, b])))
    joined = layers.Concatenate(axis=1)([a, plain])
    np.testing.assert_array_equal(_mask(joined), np.concatenate([MASK, np.ones((2, 3), bool)], 1))
    assert get_keras_mask(layers.Dot(axes=-1)([a, b])) is None


def test_layer_without_mask_support_warns_and_drops_the_mask():
    h = _embedding()(IDS)
    with pytest.warns(UserWarning, match="does not support masking"):
        y = layers.Flatten()(h)
    assert get_keras_mask(y) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers.Flatten()(Tensor(np.ones((2, 3, 2), np.float32)))  # no mask: no warning
        layers.Embedding(5, 2)(IDS)  # mask_zero=False attaches none


def test_supports_masking_defaults_follow_compute_mask():
    class Computes(layers.Layer):
        def call(self, x):
            return x

        def compute_mask(self, inputs, previous_mask=None):
            return previous_mask

    assert Computes().supports_masking and not layers.Flatten().supports_masking
    assert layers.Dense(2).supports_masking and layers.Dropout(0.1).supports_masking
    assert not layers.Embedding(3, 2).supports_masking
    assert layers.Embedding(3, 2, mask_zero=True).supports_masking
    assert not layers.GlobalMaxPooling1D().supports_masking
    layer = layers.Dense(2)
    layer.supports_masking = False
    assert not layer.supports_masking and layers.Dense(2).supports_masking


def test_mask_argument_filled_and_explicit_mask_wins():
    h = _embedding()(IDS)
    recorder = Recorder()
    out = recorder(h)
    np.testing.assert_array_equal(np.asarray(recorder.seen.data), MASK)
    np.testing.assert_array_equal(_mask(out), MASK)
    explicit = np.array([[True, False, False], [True, True, True]])
    out = recorder(h, mask=explicit)
    assert recorder.seen is explicit
    np.testing.assert_array_equal(_mask(out), explicit)  # the given mask is the one passed on
    recorder(Tensor(np.ones((2, 3, 2), np.float32)))
    assert recorder.seen is None


def test_list_input_gets_a_list_of_masks():
    a, plain = _embedding()(IDS), Tensor(np.ones((2, 3, 2), np.float32))

    class ListRecorder(layers.Layer):
        supports_masking = True

        def call(self, inputs, mask=None):
            self.seen = mask
            return inputs[0] + inputs[1]

    layer = ListRecorder()
    layer([a, plain])
    assert isinstance(layer.seen, list) and layer.seen[1] is None
    np.testing.assert_array_equal(np.asarray(layer.seen[0].data), MASK)


def test_named_masks_for_several_tensor_arguments():
    q, v = _embedding()(IDS), _embedding()(np.array([[4, 4, 0], [1, 2, 3]]))
    layer = Pair()
    out = layer(q, v)
    np.testing.assert_array_equal(_mask(out), MASK)  # the first argument's mask goes on
    np.testing.assert_array_equal(np.asarray(layer.seen[0].data), MASK)
    np.testing.assert_array_equal(np.asarray(layer.seen[1].data), [[True, True, False], [True] * 3])
    given = np.ones((2, 3), bool)
    layer(q, value=v, value_mask=given)
    assert layer.seen[1] is given
    layer(q, Tensor(np.ones((2, 3, 2), np.float32)))
    assert layer.seen[1] is None


def test_lambda_passes_mask_and_computes_its_own():
    h = _embedding()(IDS)
    seen = {}

    def fn(x, mask=None):
        seen["mask"] = mask
        return x * 2.0

    out = layers.Lambda(fn, mask=lambda inputs, mask: mask & np.array([True, False, True]))(h)
    np.testing.assert_array_equal(np.asarray(seen["mask"].data), MASK)
    np.testing.assert_array_equal(_mask(out), MASK & [True, False, True])
    with pytest.warns(UserWarning, match="does not support masking"):
        out = layers.Lambda(lambda x: x * 2.0)(h)
    assert get_keras_mask(out) is None


def test_softmax_masks_positions_and_batch_normalization_masked_moments():
    x = np.array([[1.0, 2.0, 3.0]], np.float32)
    y = layers.Softmax()(x, mask=np.array([[True, True, False]]))
    e = np.exp([1.0, 2.0])
    np.testing.assert_allclose(y.numpy(), [[e[0] / e.sum(), e[1] / e.sum(), 0.0]], rtol=1e-6)
    with pytest.raises(ValueError, match="broadcastable"):
        layers.Softmax()(np.ones((2, 3, 4), np.float32), mask=np.ones((2, 3), bool))

    values = np.array([[[1.0], [3.0], [100.0]]], np.float32)
    bn = layers.BatchNormalization(momentum=0.0, epsilon=0.0, center=False, scale=False)
    out = bn(values, training=True, mask=np.array([[True, True, False]]))
    np.testing.assert_allclose(bn.moving_mean.numpy(), [2.0], rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), [1.0], rtol=1e-5)
    np.testing.assert_allclose(out.numpy()[0, :2, 0], [-1.0, 1.0], rtol=1e-5)


def test_mask_rides_on_the_tensor_only():
    t = Tensor(np.ones((2, 3), np.float32))
    set_keras_mask(t, MASK)
    assert get_keras_mask(t + 1.0) is None  # ops do not copy it
    cast = layers.Dense(2)._convert_input(Tensor(np.ones((2, 3), np.float64)))
    assert get_keras_mask(cast) is None
    source = Tensor(np.ones((2, 3), np.float64))
    set_keras_mask(source, MASK)
    assert get_keras_mask(layers.Dense(2)._convert_input(source)) is MASK  # a cast keeps it
    set_keras_mask(t, None)
    assert get_keras_mask(t) is None
    with pytest.raises(TypeError, match="Tensor"):
        set_keras_mask(np.ones(3), MASK)


def _sequence_model(kind):
    if kind == "functional":
        inp = keras.Input((3,), dtype="int32")
        h = layers.Embedding(5, 2, mask_zero=True)(inp)
        h = layers.Dense(2)(h)
        return keras.Model(inp, layers.GlobalAveragePooling1D()(h))
    return keras.Sequential([keras.Input((3,), dtype="int32"), layers.Embedding(5, 2, mask_zero=True),
                             layers.Dense(2), layers.GlobalAveragePooling1D()])


@pytest.mark.parametrize("kind", ["functional", "sequential"])
def test_models_propagate_masks_on_real_tensors(kind):
    model = _sequence_model(kind)
    model.set_weights([TABLE, np.eye(2, dtype=np.float32), np.zeros(2, np.float32)])
    np.testing.assert_allclose(model(IDS).numpy(), [(TABLE[1] + TABLE[2]) / 2, TABLE[3]])
    np.testing.assert_allclose(model.predict(IDS, verbose=0), [(TABLE[1] + TABLE[2]) / 2, TABLE[3]])


@pytest.mark.parametrize("kind", ["functional", "sequential"])
def test_model_call_mask_argument(kind):
    if kind == "functional":
        inp = keras.Input((3, 2))
        model = keras.Model(inp, layers.GlobalAveragePooling1D()(layers.Dense(2)(inp)))
    else:
        model = keras.Sequential([keras.Input((3, 2)), layers.Dense(2), layers.GlobalAveragePooling1D()])
    model.set_weights([np.eye(2, dtype=np.float32), np.zeros(2, np.float32)])
    x = TABLE[IDS]
    with pytest.warns(UserWarning, match="does not support masking"):  # as Keras's Functional
        y = model(x, mask=MASK)
    np.testing.assert_allclose(y.numpy(), [(TABLE[1] + TABLE[2]) / 2, TABLE[3]])
    np.testing.assert_allclose(model(TABLE[IDS]).numpy(), x.mean(1))


def test_recurrent_shaped_call_gets_the_mask_unless_a_second_tensor_is_passed():
    class Seq(layers.Layer):
        supports_masking = True

        def call(self, sequences, initial_state=None, mask=None, training=False):
            self.seen = mask
            return sequences * 1.0

    h, layer = _embedding()(IDS), Seq()
    layer(h, training=True)
    np.testing.assert_array_equal(np.asarray(layer.seen.data), MASK)
    # Keras 3 fills `mask` only when the call has one tensor argument (its LSTM ignores the
    # mask when given an initial state); the output still carries the input's mask.
    out = layer(h, initial_state=[Tensor(np.zeros((2, 2), np.float32))])
    assert layer.seen is None
    np.testing.assert_array_equal(_mask(out), MASK)
