"""Rescaling, Resizing, CenterCrop and Normalization: the layer harness on each, hand-worked
values, Normalization's adapt (arrays, lists of batches, shenjing.data.Dataset) and a `.keras`
round trip of its adapted statistics."""

import numpy as np
import pytest

import shenjing
from shenjing import data, layers, saving
from shenjing.keras import Input, Sequential

from layer_harness import run_contract_case

CASES = [
    # (class, kwargs, input shape, output shape, trainable, non-trainable)
    (layers.Rescaling, {"scale": 1 / 255.0, "offset": -1.0}, (2, 5, 4, 3), (2, 5, 4, 3), 0, 0),
    (layers.Rescaling, {"scale": [0.5, 2.0, 1.0]}, (2, 3, 3), (2, 3, 3), 0, 0),
    (layers.Resizing, {"height": 3, "width": 2}, (2, 5, 4, 3), (2, 3, 2, 3), 0, 0),
    (layers.Resizing, {"height": 4, "width": 4, "interpolation": "nearest",
                       "crop_to_aspect_ratio": True}, (2, 5, 3, 2), (2, 4, 4, 2), 0, 0),
    (layers.Resizing, {"height": 4, "width": 2, "pad_to_aspect_ratio": True, "fill_value": 1.0,
                       "data_format": "channels_first"}, (2, 3, 5, 5), (2, 3, 4, 2), 0, 0),
    (layers.CenterCrop, {"height": 3, "width": 2}, (2, 5, 4, 3), (2, 3, 2, 3), 0, 0),
    (layers.CenterCrop, {"height": 6, "width": 2}, (2, 5, 4, 3), (2, 6, 2, 3), 0, 0),
    (layers.Normalization, {}, (4, 3), (4, 3), 0, 3),
    (layers.Normalization, {"axis": None, "mean": 2.0, "variance": 4.0}, (2, 3, 4), (2, 3, 4), 0, 0),
    (layers.Normalization, {"axis": (1, 2), "invert": True}, (2, 3, 4), (2, 3, 4), 0, 3),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0].__name__)
def test_image_layer_contract(case):
    run_contract_case(case)


def test_rescaling_values_and_dtype():
    x = np.array([[0, 51, 255]], dtype="uint8")
    y = layers.Rescaling(1 / 255.0, offset=-1.0)(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), [[-1.0, -0.8, 0.0]], atol=1e-6)
    y = layers.Rescaling([1.0, 10.0])(np.ones((2, 2)))
    np.testing.assert_allclose(y.numpy(), [[1.0, 10.0], [1.0, 10.0]])
    cfg = layers.Rescaling([1.0, 10.0], offset=0.5).get_config()
    assert cfg["scale"] == [1.0, 10.0] and cfg["offset"] == 0.5


def test_rescaling_passes_gradients():
    x = shenjing.Tensor(np.ones((2, 3), "float32"), requires_grad=True)
    layers.Rescaling(3.0, 1.0)(x).sum().backward()
    np.testing.assert_allclose(x.grad, np.full((2, 3), 3.0))


def test_resizing_hand_values():
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    nearest = layers.Resizing(2, 2, interpolation="nearest")(x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(nearest, [[5, 7], [13, 15]])
    bilinear = layers.Resizing(2, 2)(x).numpy()[0, :, :, 0]  # half-pixel centres: mean of 2x2 blocks
    np.testing.assert_allclose(bilinear, [[2.5, 4.5], [10.5, 12.5]])
    # crop_to_aspect_ratio: a 4x4 image to 2x4 keeps rows 1..2 (the centre), then resizes them
    cropped = layers.Resizing(2, 4, interpolation="nearest", crop_to_aspect_ratio=True)(x)
    np.testing.assert_array_equal(cropped.numpy()[0, :, :, 0], x[0, 1:3, :, 0])
    # pad_to_aspect_ratio: a 2x4 image to 4x4 gets one row of fill_value above and below
    padded = layers.Resizing(4, 4, interpolation="nearest", pad_to_aspect_ratio=True,
                             fill_value=-1.0)(x[:, :2])
    np.testing.assert_array_equal(padded.numpy()[0, [0, 3], :, 0], -np.ones((2, 4)))
    np.testing.assert_array_equal(padded.numpy()[0, 1:3, :, 0], x[0, :2, :, 0])


def test_resizing_rejects_both_aspect_ratio_modes():
    with pytest.raises(ValueError, match="only one of"):
        layers.Resizing(2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)


def test_center_crop_hand_values():
    x = np.arange(30, dtype="float32").reshape(5, 6, 1)  # unbatched
    y = layers.CenterCrop(3, 2)(x).numpy()
    np.testing.assert_array_equal(y, x[1:4, 2:4])
    xf = np.arange(2 * 3 * 5 * 4, dtype="int32").reshape(2, 3, 5, 4)
    y = layers.CenterCrop(2, 3, data_format="channels_first")(xf)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.numpy(), xf[:, :, 1:3, 0:3])
    # smaller than the target: cropped to the aspect ratio and resized (bilinear)
    y = layers.CenterCrop(4, 4)(np.arange(6, dtype="float32").reshape(1, 2, 3, 1))
    expected = layers.Resizing(4, 4, crop_to_aspect_ratio=True)(
        np.arange(6, dtype="float32").reshape(1, 2, 3, 1))
    np.testing.assert_allclose(y.numpy(), expected.numpy())


def test_normalization_given_mean_and_variance():
    x = np.array([[1.0, 2.0], [3.0, 6.0]], "float32")
    layer = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 16.0])
    np.testing.assert_allclose(layer(x).numpy(), [[0.0, 0.0], [1.0, 1.0]])
    inverse = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 16.0], invert=True)
    np.testing.assert_allclose(inverse(layer(x)).numpy(), x)
    assert layer.weights == []
    # variance 0: divided by epsilon, as Keras does
    np.testing.assert_allclose(layers.Normalization(mean=1.0, variance=0.0)(np.array([[1.5]])).numpy(),
                               [[0.5 / 1e-7]], rtol=1e-5)


def test_normalization_adapt_array_batches_and_dataset_agree():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(50, 4, 3)).astype("float32")
    expected_mean, expected_var = x.mean(axis=(0, 1)), x.var(axis=(0, 1))
    sources = [x, [x[:20], x[20:35], x[35:]], data.Dataset.from_tensor_slices(x).batch(16),
               data.Dataset.from_tensor_slices((x, np.zeros(50))).batch(7)]
    for source in sources:
        layer = layers.Normalization()
        layer.adapt(source)
        np.testing.assert_allclose(layer.adapt_mean.numpy(), expected_mean, rtol=1e-5)
        np.testing.assert_allclose(layer.adapt_variance.numpy(), expected_var, rtol=1e-4)
        y = layer(x).numpy().reshape(-1, 3)
        np.testing.assert_allclose(y.mean(0), 0.0, atol=1e-5)
        np.testing.assert_allclose(y.std(0), 1.0, atol=1e-4)
    # an unbatched Dataset of rank-1 elements is batched (by 128) first
    layer = layers.Normalization()
    layer.adapt(data.Dataset.from_tensor_slices(x.reshape(-1, 3)))
    np.testing.assert_allclose(layer.adapt_mean.numpy(), expected_mean, rtol=1e-5)


def test_normalization_adapt_axes_and_errors():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    layer = layers.Normalization(axis=None)
    layer.adapt(x)
    assert layer.adapt_mean.shape == () and layer.adapt_mean.numpy() == pytest.approx(11.5)
    layer = layers.Normalization(axis=(1, 2))
    layer.adapt(x)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), x.mean(0))
    assert [w.path.split("/")[-1] for w in layer.weights] == ["mean", "variance", "count"]
    assert layer.count.dtype == np.int32
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt(np.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        layers.Normalization(mean=[1.0, 2.0], variance=1.0)
    with pytest.raises(ValueError, match="empty iterable"):
        layers.Normalization().adapt([])


def test_normalization_adapted_state_saved_in_keras_file(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(5.0, 3.0, size=(20, 3)).astype("float32")
    norm = layers.Normalization()
    norm.adapt(x)
    model = Sequential([Input((3,)), norm, layers.Rescaling(2.0)])
    path = tmp_path / "norm.keras"
    model.save(path)
    loaded = saving.load_model(path)
    np.testing.assert_allclose(loaded.layers[0].adapt_mean.numpy(), x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), rtol=1e-6)


def test_resizing_and_center_crop_in_a_model():
    model = Sequential([Input((6, 5, 3)), layers.Rescaling(1 / 255.0), layers.Resizing(4, 4),
                        layers.CenterCrop(2, 2)])
    y = model(np.full((2, 6, 5, 3), 255, "uint8"))
    assert y.shape == (2, 2, 2, 3)
    np.testing.assert_allclose(y.numpy(), 1.0, rtol=1e-6)
