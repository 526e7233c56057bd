"""The convolution family's layers: shapes, weights, configs and a training step through the
layer harness, weight layouts as Keras's, values against direct formulas, and clear errors."""

import numpy as np
import pytest

import shenjing
from layer_harness import run_layer_test
from shenjing import layers
from shenjing.ops import nn_conv

CF = {"data_format": "channels_first"}
CASES = [
    # (class, kwargs, input shape, output shape, trainable weights)
    (layers.Conv3D, {"filters": 2, "kernel_size": 2}, (2, 4, 5, 3, 3), (2, 3, 4, 2, 2), 2),
    (layers.Conv3D, {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "groups": 2, **CF},
     (2, 4, 5, 5, 3), (2, 4, 3, 3, 2), 2),
    (layers.Conv2D, {"filters": 6, "kernel_size": 3, "groups": 3, "padding": "same"}, (2, 5, 5, 3),
     (2, 5, 5, 6), 2),
    (layers.Conv2D, {"filters": 4, "kernel_size": 3, "activation": "relu", **CF}, (2, 3, 6, 5), (2, 4, 4, 3), 2),
    (layers.Conv1D, {"filters": 4, "kernel_size": 3, "groups": 2, "padding": "causal", **CF}, (2, 4, 7),
     (2, 4, 7), 2),
    (layers.Conv1DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2}, (2, 5, 2), (2, 11, 3), 2),
    (layers.Conv2DTranspose, {"filters": 3, "kernel_size": 4, "strides": 2, "padding": "same"},
     (2, 4, 5, 2), (2, 8, 10, 3), 2),
    (layers.Conv2DTranspose, {"filters": 3, "kernel_size": 3, "strides": 3, "output_padding": 1, **CF},
     (2, 2, 3, 3), (2, 3, 10, 10), 2),
    (layers.Conv3DTranspose, {"filters": 2, "kernel_size": 2, "strides": (1, 2, 2), "use_bias": False},
     (2, 2, 3, 3, 2), (2, 3, 6, 6, 2), 1),
    (layers.DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2}, (2, 7, 3), (2, 5, 6), 2),
    (layers.DepthwiseConv2D, {"kernel_size": 3, "padding": "same", **CF}, (2, 3, 5, 4), (2, 3, 5, 4), 2),
    (layers.SeparableConv1D, {"filters": 4, "kernel_size": 3, "strides": 2}, (2, 9, 3), (2, 4, 4), 3),
    (layers.SeparableConv2D, {"filters": 4, "kernel_size": 3, "depth_multiplier": 2, **CF},
     (2, 3, 6, 5), (2, 4, 4, 3), 3),
    (layers.MaxPooling3D, {}, (2, 4, 5, 4, 3), (2, 2, 2, 2, 3), 0),
    (layers.AveragePooling3D, {"pool_size": 3, "strides": 2, "padding": "same", **CF}, (2, 3, 5, 4, 4),
     (2, 3, 3, 2, 2), 0),
    (layers.MaxPooling2D, {"pool_size": 2, **CF}, (2, 3, 6, 5), (2, 3, 3, 2), 0),
    (layers.AveragePooling1D, {"pool_size": 2, "padding": "same", **CF}, (2, 3, 5), (2, 3, 3), 0),
    (layers.GlobalMaxPooling3D, {}, (2, 3, 4, 2, 5), (2, 5), 0),
    (layers.GlobalAveragePooling3D, {"keepdims": True, **CF}, (2, 5, 3, 4, 2), (2, 5, 1, 1, 1), 0),
    (layers.GlobalAveragePooling2D, CF, (2, 5, 3, 4), (2, 5), 0),
    (layers.UpSampling1D, {"size": 3}, (2, 4, 3), (2, 12, 3), 0),
    (layers.UpSampling2D, {"size": (2, 3), "interpolation": "bilinear"}, (2, 3, 4, 2), (2, 6, 12, 2), 0),
    (layers.UpSampling2D, {"size": 2, **CF}, (2, 2, 3, 4), (2, 2, 6, 8), 0),
    (layers.UpSampling3D, {"size": (1, 2, 3)}, (2, 2, 3, 2, 2), (2, 2, 6, 6, 2), 0),
    (layers.ZeroPadding1D, {"padding": (1, 2)}, (2, 4, 3), (2, 7, 3), 0),
    (layers.ZeroPadding2D, {"padding": (1, 2), **CF}, (2, 3, 4, 5), (2, 3, 6, 9), 0),
    (layers.ZeroPadding3D, {"padding": ((0, 1), (2, 0), (1, 1))}, (2, 2, 3, 4, 2), (2, 3, 5, 6, 2), 0),
    (layers.Cropping1D, {"cropping": (1, 2)}, (2, 6, 3), (2, 3, 3), 0),
    (layers.Cropping2D, {"cropping": ((1, 0), (2, 1)), **CF}, (2, 3, 4, 6), (2, 3, 3, 3), 0),
    (layers.Cropping3D, {}, (2, 4, 3, 5, 2), (2, 2, 1, 3, 2), 0),
]


@pytest.mark.parametrize("cls, kwargs, in_shape, out_shape, trainable", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_layer_contract(cls, kwargs, in_shape, out_shape, trainable):
    run_layer_test(cls, kwargs, input_shape=in_shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=trainable)


def test_weight_shapes_and_order_are_keras_layouts():
    layer = layers.Conv2DTranspose(5, (3, 2))
    layer.build((None, 4, 4, 7))
    assert [w.shape for w in layer.weights] == [(3, 2, 5, 7), (5,)]
    layer = layers.Conv2D(6, 3, groups=3)
    layer.build((None, 5, 5, 9))
    assert layer.kernel.shape == (3, 3, 3, 6)
    layer = layers.DepthwiseConv2D(3, depth_multiplier=2)
    layer.build((None, 5, 5, 4))
    assert [w.name for w in layer.weights] == ["kernel", "bias"] and layer.weights[1].shape == (8,)
    layer = layers.SeparableConv1D(4, 3, depth_multiplier=2)
    layer.build((None, 7, 3))
    assert [(w.name, w.shape) for w in layer.weights] == [
        ("depthwise_kernel", (3, 3, 2)), ("pointwise_kernel", (1, 6, 4)), ("bias", (4,))]
    layer = layers.Conv3D(2, 3, data_format="channels_first")
    layer.build((None, 4, 5, 5, 5))
    assert layer.kernel.shape == (3, 3, 3, 4, 2)


def test_channels_first_equals_channels_last_with_the_same_weights():
    x = np.random.default_rng(0).standard_normal((2, 6, 5, 3)).astype("float32")
    for cls, kwargs in [(layers.Conv2D, dict(filters=4, kernel_size=3, groups=1, strides=2, padding="same")),
                        (layers.Conv2DTranspose, dict(filters=2, kernel_size=3, strides=2)),
                        (layers.DepthwiseConv2D, dict(kernel_size=2, depth_multiplier=2)),
                        (layers.SeparableConv2D, dict(filters=3, kernel_size=3, padding="same")),
                        (layers.MaxPooling2D, dict(pool_size=3, strides=2, padding="same")),
                        (layers.UpSampling2D, dict(size=2, interpolation="bilinear")),
                        (layers.Cropping2D, dict(cropping=((1, 2), (0, 1))))]:
        last = cls(**kwargs)
        y_last = last(x).numpy()
        first = cls(data_format="channels_first", **kwargs)
        first.build((2, 3, 6, 5))
        first.set_weights(last.get_weights())
        y_first = first(np.ascontiguousarray(x.transpose(0, 3, 1, 2))).numpy()
        np.testing.assert_allclose(y_first.transpose(0, 2, 3, 1), y_last, atol=1e-5, err_msg=cls.__name__)


def test_depthwise_is_a_per_channel_convolution():
    r = np.random.default_rng(1)
    x, k = r.standard_normal((2, 6, 3)), r.standard_normal((3, 3, 2))
    y = nn_conv.depthwise_conv(x, k).numpy()
    for c in range(3):
        for m in range(2):
            expected = nn_conv.conv(x[..., c:c + 1], k[:, c:c + 1, m:m + 1]).numpy()[..., 0]
            np.testing.assert_allclose(y[..., c * 2 + m], expected, atol=1e-12)


def test_grouped_conv_is_separate_convolutions_per_group():
    r = np.random.default_rng(2)
    x, k = r.standard_normal((2, 5, 5, 4)), r.standard_normal((3, 3, 2, 6))
    y = nn_conv.conv(x, k, padding="same").numpy()
    for g in range(2):
        part = nn_conv.conv(x[..., 2 * g:2 * g + 2], k[..., 3 * g:3 * g + 3], padding="same").numpy()
        np.testing.assert_allclose(y[..., 3 * g:3 * g + 3], part, atol=1e-12)


def test_conv_transpose_is_the_adjoint_of_conv():
    """<conv(x, K), y> = <x, conv_transpose(y, K)> for 'valid' geometry with exact lengths."""
    r = np.random.default_rng(3)
    x, k = r.standard_normal((2, 9, 7, 3)), r.standard_normal((3, 3, 3, 4))
    cx = nn_conv.conv(x, k, strides=2).numpy()
    y = r.standard_normal(cx.shape)
    ty = nn_conv.conv_transpose(y, k, strides=2, padding="valid").numpy()  # the same (kh, kw, 3, 4) array
    assert ty.shape == x.shape
    np.testing.assert_allclose((cx * y).sum(), (x * ty).sum(), rtol=1e-10)


def test_conv_transpose_and_conv3d_match_torch():
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(4)
    x, k = r.standard_normal((2, 5, 4, 3)), r.standard_normal((4, 4, 2, 3))
    ours = nn_conv.conv_transpose(x, k, strides=2, padding="same").numpy()
    theirs = torch.nn.functional.conv_transpose2d(torch.tensor(x.transpose(0, 3, 1, 2)),
                                                  torch.tensor(k.transpose(3, 2, 0, 1)), stride=2, padding=1)
    np.testing.assert_allclose(ours, theirs.numpy().transpose(0, 2, 3, 1), atol=1e-10)
    x3, k3 = r.standard_normal((2, 5, 4, 6, 3)), r.standard_normal((2, 3, 2, 3, 4))
    ours = nn_conv.conv(x3, k3, strides=(1, 2, 1)).numpy()
    theirs = torch.nn.functional.conv3d(torch.tensor(x3.transpose(0, 4, 1, 2, 3)),
                                        torch.tensor(k3.transpose(4, 3, 0, 1, 2)), stride=(1, 2, 1))
    np.testing.assert_allclose(ours, theirs.numpy().transpose(0, 2, 3, 4, 1), atol=1e-10)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.Conv2D(5, 3, groups=2), "filters must be evenly divisible by the number of groups"),
    (lambda: layers.Conv2D(4, 3, groups=0), "groups must be a positive integer"),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), "strictly less than `strides`"),
    (lambda: layers.Conv2D(4, 3, data_format="NCHW"), "data_format"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
    (lambda: layers.SeparableConv2D(0, 3), "filters"),
    (lambda: layers.UpSampling2D(interpolation="bicubic"), "interpolation"),
    (lambda: layers.UpSampling1D(size=0), "size"),
    (lambda: layers.ZeroPadding2D(padding=(1, 2, 3)), "padding"),
    (lambda: layers.Cropping2D(cropping=-1), "cropping"),
])
def test_bad_arguments_are_refused_clearly(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_bad_inputs_are_refused_clearly():
    with pytest.raises(ValueError, match="evenly divisible by the number of groups"):
        layers.Conv2D(4, 3, groups=2)(np.zeros((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match="Cropping2D|cropping"):
        layers.Cropping2D(cropping=((2, 2), (0, 0)))(np.zeros((1, 4, 5, 1), "float32"))
    with pytest.raises(ValueError, match="negative or zero"):
        layers.Conv3D(2, 4)(np.zeros((1, 3, 5, 5, 1), "float32"))
    with pytest.raises(ValueError, match="in_channels"):
        nn_conv.conv(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 2, 4)))
    with pytest.raises(ValueError, match="rank 3, 4 or 5"):
        nn_conv.max_pool(np.zeros((1, 2, 3, 4, 5, 6)), 2)
    with pytest.raises(ValueError, match="kernel's last axis"):
        nn_conv.conv_transpose(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 2)))


def test_functional_model_with_the_new_layers_trains():
    keras = shenjing.keras
    inputs = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, groups=1, padding="same", activation="relu")(inputs)
    x = layers.SeparableConv2D(4, 3, padding="same")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2DTranspose(4, 4, strides=2, padding="same")(x)
    x = layers.UpSampling2D(interpolation="bilinear")(x)
    x = layers.Cropping2D(4)(x)
    outputs = layers.Conv2D(1, 1)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    r = np.random.default_rng(5)
    data, target = r.standard_normal((16, 8, 8, 3)), r.standard_normal((16, 8, 8, 1))
    history = model.fit(data, target, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
