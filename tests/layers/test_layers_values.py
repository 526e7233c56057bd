"""Known values: each layer against a hand computation or a naive loop."""

import numpy as np
import pytest

import shenjing
from shenjing import layers


def naive_conv2d(x, k, b, stride, padding, dilation=(1, 1)):
    """The textbook loop: y[n, i, j, f] = sum_abc x_pad[n, i s + a d, j s + b d, c] k[a, b, c, f] + b[f]."""
    n, h, w, c = x.shape
    kh, kw, _, f = k.shape
    (sh, sw), (dh, dw) = stride, dilation
    span_h, span_w = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    if padding == "same":
        ho, wo = -(-h // sh), -(-w // sw)
        ph = max((ho - 1) * sh + span_h - h, 0)
        pw = max((wo - 1) * sw + span_w - w, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        ho, wo = (h - span_h) // sh + 1, (w - span_w) // sw + 1
    y = np.zeros((n, ho, wo, f))
    for i in range(ho):
        for j in range(wo):
            patch = x[:, i * sh: i * sh + span_h: dh, j * sw: j * sw + span_w: dw, :]
            y[:, i, j, :] = np.einsum("nabc,abcf->nf", patch, k)
    return y + b


def test_dense_known_values_on_2d_and_3d_inputs():
    layer = layers.Dense(2, activation="relu")
    layer.build((None, 3))
    layer.set_weights([np.array([[1, -1], [2, 0], [0, 1]], np.float32), np.array([0.5, -4], np.float32)])
    x = np.array([[1, 1, 1], [2, 0, -1]], np.float32)
    np.testing.assert_allclose(layer(x).numpy(), [[3.5, 0.0], [2.5, 0.0]])
    np.testing.assert_allclose(layer(x[None]).numpy(), [[[3.5, 0.0], [2.5, 0.0]]])


def test_dense_gradients_by_hand():
    layer = layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")
    x = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    layer(x).sum().backward()
    np.testing.assert_allclose(layer.kernel.grad, [[4.0], [6.0]])
    np.testing.assert_allclose(layer.bias.grad, [2.0])


@pytest.mark.parametrize("padding, strides, dilation", [
    ("valid", (1, 1), (1, 1)), ("same", (1, 1), (1, 1)), ("valid", (2, 2), (1, 1)),
    ("same", (2, 3), (1, 1)), ("same", (1, 1), (2, 2)), ("valid", (2, 1), (1, 2)),
])
def test_conv2d_matches_the_naive_loop(padding, strides, dilation):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 7, 8, 3)).astype(np.float32)
    layer = layers.Conv2D(4, (3, 2), strides=strides, padding=padding, dilation_rate=dilation,
                          bias_initializer="random_normal")
    y = layer(x).numpy()
    kernel, bias = layer.get_weights()
    assert kernel.shape == (3, 2, 3, 4)
    np.testing.assert_allclose(y, naive_conv2d(x, kernel, bias, strides, padding, dilation),
                               rtol=1e-5, atol=1e-5)


def test_conv1d_matches_the_naive_loop_and_causal_sees_no_future():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 9, 3)).astype(np.float32)
    layer = layers.Conv1D(2, 3, strides=2, bias_initializer="ones")
    layer.build((None, 9, 3))
    kernel, bias = layer.get_weights()
    expected = naive_conv2d(x[:, None], kernel[None], bias, (1, 2), "valid")[:, 0]
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-5, atol=1e-5)

    causal = layers.Conv1D(1, 3, padding="causal", kernel_initializer="ones", use_bias=False)
    steps = np.arange(1, 6, dtype=np.float32).reshape(1, 5, 1)
    np.testing.assert_allclose(causal(steps).numpy()[0, :, 0], [1, 3, 6, 9, 12])


def test_max_and_average_pooling_by_hand():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(layers.MaxPooling2D()(x).numpy()[0, :, :, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(layers.AveragePooling2D()(x).numpy()[0, :, :, 0],
                                  [[2.5, 4.5], [10.5, 12.5]])
    # 'same' with a 3-wide window and stride 2: the border windows average only real values.
    same = layers.AveragePooling2D(3, strides=2, padding="same")(x).numpy()[0, :, :, 0]
    np.testing.assert_allclose(same, [[np.mean([0, 1, 2, 4, 5, 6, 8, 9, 10]), np.mean([2, 3, 6, 7, 10, 11])],
                                      [np.mean([8, 9, 10, 12, 13, 14]), np.mean([10, 11, 14, 15])]])
    seq = np.array([[[1.0], [5.0], [2.0], [0.0], [7.0]]], np.float32)
    np.testing.assert_array_equal(layers.MaxPooling1D()(seq).numpy()[0, :, 0], [5, 2])
    np.testing.assert_array_equal(layers.MaxPool1D(2, strides=1)(seq).numpy()[0, :, 0], [5, 5, 2, 7])
    np.testing.assert_allclose(layers.AvgPool1D(2, padding="same")(seq).numpy()[0, :, 0], [3, 1, 7])


def test_global_pooling_by_hand():
    x = np.arange(12, dtype=np.float32).reshape(1, 2, 3, 2)
    np.testing.assert_array_equal(layers.GlobalAveragePooling2D()(x).numpy(), [[5, 6]])
    np.testing.assert_array_equal(layers.GlobalMaxPooling2D()(x).numpy(), [[10, 11]])
    np.testing.assert_array_equal(layers.GlobalAvgPool1D()(x[:, 0]).numpy(), [[2, 3]])


def test_pooling_strides_default_to_pool_size_in_config():
    config = layers.MaxPooling2D(pool_size=3).get_config()
    assert config["pool_size"] == (3, 3) and config["strides"] == (3, 3) and config["padding"] == "valid"
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool2D is layers.AveragePooling2D


def test_batch_normalization_training_inference_and_moving_stats():
    x = np.array([[1.0, 10.0], [3.0, 20.0], [5.0, 60.0]], np.float32)
    layer = layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    layer.build((None, 2))
    layer.set_weights([np.array([2.0, 1.0]), np.array([0.5, 0.0]), np.zeros(2), np.ones(2)])
    mean, var = x.mean(axis=0), x.var(axis=0)  # biased variance, as keras.ops.moments

    y = layer(x, training=True).numpy()
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3) * [2, 1] + [0.5, 0], rtol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.1 * mean, rtol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.9 + 0.1 * var, rtol=1e-6)

    mm, mv = layer.moving_mean.numpy().copy(), layer.moving_variance.numpy().copy()
    y_inf = layer(x).numpy()  # training=None: inference, moving stats untouched
    np.testing.assert_allclose(y_inf, (x - mm) / np.sqrt(mv + 1e-3) * [2, 1] + [0.5, 0], rtol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), mm)


def test_batch_normalization_frozen_runs_in_inference_mode():
    layer = layers.BatchNormalization()
    x = np.random.default_rng(0).standard_normal((8, 3)).astype(np.float32) * 5 + 2
    layer(x)
    layer.trainable = False
    np.testing.assert_allclose(layer(x, training=True).numpy(), x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3))


def test_batch_normalization_on_a_middle_axis():
    x = np.random.default_rng(0).standard_normal((4, 3, 5)).astype(np.float32)
    y = layers.BatchNormalization(axis=1, epsilon=0.0)(x, training=True).numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=(0, 2)), 1, atol=1e-4)


def test_layer_normalization_by_hand():
    x = np.array([[1.0, 2.0, 3.0, 6.0]], np.float32)
    y = layers.LayerNormalization(epsilon=0.0)(x).numpy()
    np.testing.assert_allclose(y, (x - 3.0) / np.sqrt(3.5), rtol=1e-6)
    rms = layers.LayerNormalization(rms_scaling=True, epsilon=0.0)(x).numpy()
    np.testing.assert_allclose(rms, x / np.sqrt(12.5), rtol=1e-6)


def test_embedding_lookup_and_gradient():
    layer = layers.Embedding(4, 2)
    layer.build()
    table = np.arange(8, dtype=np.float32).reshape(4, 2)
    layer.set_weights([table])
    ids = np.array([[0, 3], [3, 1]])
    out = layer(ids)
    np.testing.assert_array_equal(out.numpy(), table[ids])
    out.sum().backward()
    np.testing.assert_array_equal(layer.embeddings.grad, [[1, 1], [1, 1], [0, 0], [2, 2]])
    assert layers.Embedding(4, 2, weights=[table]).embeddings.numpy().tolist() == table.tolist()
    mask = layers.Embedding(4, 2, mask_zero=True).compute_mask(shenjing.tensor(ids))
    np.testing.assert_array_equal(mask.numpy(), ids != 0)


def test_embedding_default_initializer_is_uniform_005():
    layer = layers.Embedding(50, 40)
    layer.build()
    values = layer.embeddings.numpy()
    assert values.min() >= -0.05 and values.max() <= 0.05 and values.std() > 0.02
    assert layer.get_config()["embeddings_initializer"]["class_name"] == "RandomUniform"


def test_dropout_zero_fraction_scaling_and_identity_at_inference():
    x = np.ones((200, 100), np.float32)
    layer = layers.Dropout(0.3)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    y = layer(x, training=True).numpy()
    assert abs((y == 0).mean() - 0.3) < 0.02
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.7], rtol=1e-6)
    assert abs(y.mean() - 1.0) < 0.03


def test_dropout_seed_fixes_the_sequence_not_one_mask():
    x = np.ones((4, 50), np.float32)
    a, b = layers.Dropout(0.5, seed=7), layers.Dropout(0.5, seed=7)
    first_a, first_b = a(x, training=True).numpy(), b(x, training=True).numpy()
    np.testing.assert_array_equal(first_a, first_b)
    assert not np.array_equal(first_a, a(x, training=True).numpy())


def test_dropout_noise_shape_and_spatial_dropout_share_masks():
    x = np.ones((6, 5, 4), np.float32)
    y = layers.Dropout(0.5, noise_shape=(None, 1, 4))(x, training=True).numpy()
    assert np.all(y == y[:, :1, :])
    y = layers.SpatialDropout1D(0.5)(x, training=True).numpy()
    assert np.all(y == y[:, :1, :])
    y = layers.SpatialDropout2D(0.5)(np.ones((3, 4, 4, 5), np.float32), training=True).numpy()
    assert np.all(y == y[:, :1, :1, :])


def test_gaussian_noise_and_dropout_only_in_training():
    x = np.zeros((1000,), np.float32).reshape(100, 10)
    noise = layers.GaussianNoise(0.5)
    np.testing.assert_array_equal(noise(x).numpy(), x)
    assert abs(noise(x, training=True).numpy().std() - 0.5) < 0.05
    ones = np.ones((100, 10), np.float32)
    gd = layers.GaussianDropout(0.5)
    np.testing.assert_array_equal(gd(ones).numpy(), ones)
    assert abs(gd(ones, training=True).numpy().std() - 1.0) < 0.1


def test_flatten_and_reshape_move_values_in_c_order():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_array_equal(layers.Flatten()(x).numpy(), x.reshape(2, 12))
    first = layers.Flatten(data_format="channels_first")(x).numpy()
    np.testing.assert_array_equal(first, x.transpose(0, 2, 1).reshape(2, 12))
    np.testing.assert_array_equal(layers.Reshape((4, 3))(x).numpy(), x.reshape(2, 4, 3))
    np.testing.assert_array_equal(layers.Reshape((-1, 2))(x).numpy(), x.reshape(2, 6, 2))
    assert layers.Reshape((-1, 2)).compute_output_shape((None, 3, 4)) == (None, 6, 2)
    assert layers.Flatten().compute_output_shape((None, 3, None)) == (None, None)


def test_activation_layers_by_hand():
    x = np.array([[-2.0, -0.5, 0.0, 1.0, 8.0]], np.float32)
    np.testing.assert_allclose(layers.Activation("relu")(x).numpy(), [[0, 0, 0, 1, 8]])
    np.testing.assert_allclose(layers.ReLU()(x).numpy(), [[0, 0, 0, 1, 8]])
    np.testing.assert_allclose(layers.ReLU(max_value=6.0)(x).numpy(), [[0, 0, 0, 1, 6]])
    np.testing.assert_allclose(layers.LeakyReLU()(x).numpy(), [[-0.6, -0.15, 0, 1, 8]], rtol=1e-6)
    with pytest.warns(UserWarning, match="alpha"):
        assert layers.LeakyReLU(alpha=0.1).negative_slope == 0.1
    np.testing.assert_allclose(layers.ELU()(x).numpy(), [[np.expm1(-2), np.expm1(-0.5), 0, 1, 8]],
                               rtol=1e-6)
    soft = layers.Softmax()(x).numpy()
    np.testing.assert_allclose(soft, np.exp(x) / np.exp(x).sum(), rtol=1e-5)
    prelu = layers.PReLU(alpha_initializer="ones")
    np.testing.assert_allclose(prelu(x).numpy(), x)
    assert prelu.alpha.shape == (5,)
