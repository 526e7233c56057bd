"""The random image augmentation layers: the layer harness on each (in training, seeded),
hand-worked values with fixed factors, the inference rule, seeds, the drawn parameters'
ranges, argument errors, dict inputs, gradients to the images, shenjing.data pipelines and a
`.keras` round trip."""

import json

import numpy as np
import pytest

import shenjing
from shenjing import data, layers, saving
from shenjing.keras import Input, Sequential

from layer_harness import run_layer_test

CASES = [
    # (class, kwargs, input shape, output shape)
    (layers.RandomFlip, {"seed": 1}, (3, 5, 4, 2), (3, 5, 4, 2)),
    (layers.RandomFlip, {"mode": "vertical", "seed": 2, "data_format": "channels_first"},
     (2, 2, 5, 4), (2, 2, 5, 4)),
    (layers.RandomRotation, {"factor": 0.2, "seed": 1}, (2, 6, 5, 3), (2, 6, 5, 3)),
    (layers.RandomRotation, {"factor": (-0.1, 0.3), "fill_mode": "constant", "fill_value": 1.0,
                             "interpolation": "nearest", "seed": 3}, (2, 6, 5, 1), (2, 6, 5, 1)),
    (layers.RandomZoom, {"height_factor": 0.3, "width_factor": (-0.2, 0.1), "seed": 1},
     (2, 6, 5, 3), (2, 6, 5, 3)),
    (layers.RandomTranslation, {"height_factor": 0.2, "width_factor": 0.3, "fill_mode": "wrap",
                                "seed": 1}, (2, 6, 5, 3), (2, 6, 5, 3)),
    (layers.RandomCrop, {"height": 3, "width": 2, "seed": 1}, (2, 6, 5, 3), (2, 3, 2, 3)),
    (layers.RandomCrop, {"height": 8, "width": 2, "data_format": "channels_first"},
     (2, 3, 6, 5), (2, 3, 8, 2)),
    (layers.RandomContrast, {"factor": 0.5, "value_range": (-5, 5), "seed": 1},
     (2, 6, 5, 3), (2, 6, 5, 3)),
    (layers.RandomBrightness, {"factor": 0.2, "value_range": (-5, 5), "seed": 1},
     (2, 6, 5, 3), (2, 6, 5, 3)),
    # Keras writes no `seed` in its config: a clone draws differently unless factor is 0 or 1
    (layers.RandomGrayscale, {"factor": 1.0}, (4, 6, 5, 3), (4, 6, 5, 3)),
    (layers.RandomErasing, {"value_range": (-5, 5), "seed": 1}, (3, 6, 5, 3), (3, 6, 5, 3)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0].__name__)
def test_augmentation_layer_contract(case):
    cls, kwargs, in_shape, out_shape = case
    run_layer_test(cls, kwargs, input_shape=in_shape, expected_output_shape=out_shape,
                   training=True)


def _grid(h, w):
    return np.arange(h * w, dtype="float32").reshape(1, h, w, 1)


def test_flip_hand_values():
    x = _grid(2, 3)
    flips = np.array([True]).reshape(1, 1, 1, 1)
    horizontal = layers.RandomFlip("horizontal").transform_images(x, {"flips": flips}).numpy()
    np.testing.assert_array_equal(horizontal[0, :, :, 0], [[2, 1, 0], [5, 4, 3]])
    vertical = layers.RandomFlip("vertical").transform_images(x, {"flips": flips}).numpy()
    np.testing.assert_array_equal(vertical[0, :, :, 0], [[3, 4, 5], [0, 1, 2]])
    both = layers.RandomFlip().transform_images(x, {"flips": flips}).numpy()
    np.testing.assert_array_equal(both[0, :, :, 0], [[5, 4, 3], [2, 1, 0]])
    kept = layers.RandomFlip().transform_images(x, {"flips": ~flips}).numpy()
    np.testing.assert_array_equal(kept, x)


def test_flip_flips_about_half_of_a_batch():
    x = np.broadcast_to(_grid(2, 3), (400, 2, 3, 1))
    y = layers.RandomFlip("horizontal", seed=4)(x, training=True).numpy()
    flipped = (y[:, 0, 0, 0] == 2).sum()
    assert np.all((y[:, 0, 0, 0] == 2) | (y[:, 0, 0, 0] == 0))
    assert 150 < flipped < 250


@pytest.mark.parametrize("factor, expected", [
    ((0.25, 0.25), [[2, 5, 8], [1, 4, 7], [0, 3, 6]]),   # 90 degrees counter-clockwise
    ((0.5, 0.5), [[8, 7, 6], [5, 4, 3], [2, 1, 0]]),     # 180 degrees
    ((-0.25, -0.25), [[6, 3, 0], [7, 4, 1], [8, 5, 2]]),  # 90 degrees clockwise
])
def test_rotation_hand_values(factor, expected):
    layer = layers.RandomRotation(factor, interpolation="nearest")
    y = layer(_grid(3, 3), training=True).numpy()
    np.testing.assert_array_equal(y[0, :, :, 0], expected)
    bilinear = layers.RandomRotation(factor)(_grid(3, 3)[0], training=True).numpy()  # unbatched
    np.testing.assert_allclose(bilinear[:, :, 0], expected, atol=1e-4)
    t = layer.get_random_transformation(_grid(3, 3)[0], training=True)
    assert t["rotation_matrix"].shape == (8,) and t["batch_size"] == 1
    single = layer.transform_single_image(_grid(3, 3)[0], t).numpy()
    np.testing.assert_array_equal(single[:, :, 0], expected)


def test_rotation_channels_first_matches_channels_last():
    x = np.random.default_rng(0).random((2, 5, 4, 3)).astype("float32")
    last = layers.RandomRotation((0.1, 0.1))(x, training=True).numpy()
    first = layers.RandomRotation((0.1, 0.1), data_format="channels_first")(
        x.transpose(0, 3, 1, 2), training=True).numpy()
    np.testing.assert_allclose(first.transpose(0, 2, 3, 1), last, atol=1e-5)


def test_zoom_hand_values():
    x = _grid(4, 4)
    # zoom factor -0.5: scale 0.5 about the centre (1.5, 1.5): output (i, j) samples
    # (0.75 + i/2, 0.75 + j/2) -> nearest rounds to the middle 2x2 block, each pixel doubled
    y = layers.RandomZoom((-0.5, -0.5), interpolation="nearest")(x, training=True).numpy()
    np.testing.assert_array_equal(y[0, :, :, 0], [[5, 5, 6, 6], [5, 5, 6, 6],
                                                  [9, 9, 10, 10], [9, 9, 10, 10]])
    # zoom out by 2 (factor 1.0), constant fill: the image shrinks to every other pixel
    out = layers.RandomZoom((1.0, 1.0), fill_mode="constant", fill_value=-1.0,
                            interpolation="nearest")(_grid(3, 3), training=True).numpy()
    np.testing.assert_array_equal(out[0, :, :, 0], [[-1, -1, -1], [-1, 4, -1], [-1, -1, -1]])


def test_zoom_width_only_keeps_height():
    x = _grid(3, 3)
    layer = layers.RandomZoom((0.0, 0.0), width_factor=(-0.5, -0.5), interpolation="nearest")
    t = layer.get_random_transformation(x, training=True)
    assert t["height_zoom"][0, 0] == 1.0 and t["width_zoom"][0, 0] == 0.5
    y = layer.transform_images(x, t).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(y[:, 1], x[0, :, 1, 0])


def test_translation_hand_values():
    x = _grid(4, 5)
    layer = layers.RandomTranslation((0.25, 0.25), (-0.4, -0.4), fill_mode="constant")
    y = layer(x, training=True).numpy()[0, :, :, 0]
    expected = np.zeros((4, 5), "float32")
    expected[1:, :3] = x[0, :3, 2:, 0]  # one row down, two columns left
    np.testing.assert_allclose(y, expected, atol=1e-5)
    t = layer.get_random_transformation(x, training=True)
    np.testing.assert_allclose(t["translations"], [[-2.0, 1.0]])


def test_translation_fill_modes():
    x = _grid(1, 4)
    for mode, row in [("wrap", [2, 3, 0, 1]), ("nearest", [0, 0, 0, 1]),
                      ("reflect", [1, 0, 0, 1]), ("constant", [0, 0, 0, 1])]:
        layer = layers.RandomTranslation(0.0, (0.5, 0.5), fill_mode=mode, interpolation="nearest")
        np.testing.assert_array_equal(layer(x, training=True).numpy()[0, 0, :, 0], row, err_msg=mode)


def test_contrast_and_brightness_hand_values():
    x = np.array([[[[0.0], [10.0]], [[20.0], [30.0]]]], "float32")  # mean 15
    contrast = layers.RandomContrast((-0.5, 0.5))  # Keras's pair rule: c = 1 + 0.5 exactly
    np.testing.assert_allclose(contrast(x, training=True).numpy().ravel(), [0, 7.5, 22.5, 37.5])
    clipped = layers.RandomContrast((-1.0, 1.0), value_range=(0, 40))  # c = 2
    np.testing.assert_allclose(clipped(x, training=True).numpy().ravel(), [0, 5, 25, 40])
    brightness = layers.RandomBrightness((0.1, 0.1), value_range=(0, 100))  # + 10
    np.testing.assert_allclose(brightness(x, training=True).numpy().ravel(), [10, 20, 30, 40])
    darker = layers.RandomBrightness((-0.2, -0.2), value_range=[0, 100])  # - 20, clipped at 0
    np.testing.assert_allclose(darker(x, training=True).numpy().ravel(), [0, 0, 0, 10])


def test_contrast_single_factor_is_keras_rule():
    layer = layers.RandomContrast(0.4, seed=0)
    assert layer.factor == (0, 0.4)
    c = layer.get_random_transformation(np.zeros((500, 2, 2, 1)), training=True)["contrast_factor"]
    assert c.shape == (500, 1, 1, 1) and c.min() >= 1.0 and c.max() <= 1.4 and c.std() > 0.05


def test_brightness_keeps_integer_images():
    x = np.array([[[[250]], [[3]]]], "uint8")
    y = layers.RandomBrightness((0.1, 0.1))(x, training=True)
    assert y.dtype == np.uint8
    np.testing.assert_array_equal(y.numpy().ravel(), [255, 28])


def test_grayscale_values_and_shape():
    x = np.random.default_rng(0).random((3, 4, 5, 3)).astype("float32")
    gray = x @ np.array([0.2989, 0.5870, 0.1140], "float32")
    y = layers.RandomGrayscale(1.0)(x, training=True).numpy()
    assert y.shape == x.shape
    for c in range(3):
        np.testing.assert_allclose(y[..., c], gray, rtol=1e-5)
    np.testing.assert_array_equal(layers.RandomGrayscale(0.0)(x, training=True).numpy(), x)
    first = layers.RandomGrayscale(1.0, data_format="channels_first")(
        x.transpose(0, 3, 1, 2), training=True).numpy()
    np.testing.assert_allclose(first.transpose(0, 2, 3, 1), y, rtol=1e-5)


def test_crop_shapes_and_window():
    x = np.arange(2 * 6 * 5, dtype="float32").reshape(2, 6, 5, 1)
    layer = layers.RandomCrop(3, 2, seed=7)
    t = layer.get_random_transformation(x, training=True)
    y = layer.transform_images(x, t).numpy()
    assert y.shape == (2, 3, 2, 1)
    h, w = t
    np.testing.assert_array_equal(y, x[:, h:h + 3, w:w + 2])
    starts = {layer.get_random_transformation(x, training=True) for _ in range(200)}
    assert {s[0] for s in starts} == set(range(4)) and {s[1] for s in starts} == set(range(4))
    # not larger than the target: centred slice, then resized to the target
    assert layers.RandomCrop(8, 3)(x, training=True).shape == (2, 8, 3, 1)
    assert layers.RandomCrop(6, 5)(x[0], training=True).shape == (6, 5, 1)
    np.testing.assert_array_equal(layers.RandomCrop(6, 5)(x, training=True).numpy(), x)
    assert layers.RandomCrop(3, 2).compute_output_shape((None, 6, 5, 1)) == (None, 3, 2, 1)


def test_crop_at_inference_passes_images_through_as_keras():
    x = np.arange(30, dtype="uint8").reshape(6, 5, 1)
    y = layers.RandomCrop(3, 2)(x, training=False)
    assert y.dtype == np.uint8
    np.testing.assert_array_equal(y.numpy(), x)


def test_crop_default_seed_is_an_int_in_the_config():
    seed = layers.RandomCrop(2, 2).get_config()["seed"]
    assert isinstance(seed, int)


def test_erasing_fills_one_rectangle():
    x = np.full((50, 8, 10, 3), 100.0, "float32")
    layer = layers.RandomErasing(scale=(0.1, 0.3), fill_value=0.0, seed=2)
    t = layer.get_random_transformation(x, training=True)
    y = layer.transform_images(x, t).numpy()
    erased = y[..., 0] == 0
    assert np.array_equal(erased, t["batch_masks"][..., 0] & t["apply_erasing"][:, None, None])
    for i in np.flatnonzero(t["apply_erasing"]):
        rows, cols = np.nonzero(erased[i])
        assert erased[i, rows.min():rows.max() + 1, cols.min():cols.max() + 1].all()  # a rectangle
    assert 0 < t["apply_erasing"].sum() < 50  # p ~ U(0, 1), then u < p: about half
    never = layers.RandomErasing(factor=0.0, seed=1)(x, training=True).numpy()
    np.testing.assert_array_equal(never, x)


ALL = [layers.RandomFlip(seed=1), layers.RandomRotation(0.3, seed=1),
       layers.RandomZoom(0.3, seed=1), layers.RandomTranslation(0.2, 0.2, seed=1),
       layers.RandomContrast(0.5, seed=1), layers.RandomBrightness(0.3, seed=1),
       layers.RandomGrayscale(0.5, seed=1), layers.RandomErasing(seed=1)]


@pytest.mark.parametrize("layer", ALL, ids=lambda layer: type(layer).__name__)
def test_inference_is_identity_and_training_is_the_default(layer):
    x = np.random.default_rng(0).uniform(0, 255, (8, 6, 5, 3)).astype("float32")
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    np.testing.assert_array_equal(layer(x[0], training=False).numpy(), x[0])
    assert layer.get_config()["data_format"] == "channels_last"
    assert not np.array_equal(layer(x).numpy(), x)  # Keras: call(..., training=True)
    model = Sequential([Input((6, 5, 3)), layer.__class__.from_config(layer.get_config())])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


@pytest.mark.parametrize("index", range(len(ALL)), ids=lambda i: type(ALL[i]).__name__)
def test_same_seed_same_sequence(index):
    config = {**ALL[index].get_config(), "seed": 1}  # RandomGrayscale's config has none (Keras)
    config.pop("name")
    first, second = (type(ALL[index]).from_config(config) for _ in range(2))
    x = np.random.default_rng(1).uniform(0, 255, (4, 6, 5, 3)).astype("float32")
    a1, a2 = first(x, training=True).numpy(), first(x, training=True).numpy()
    np.testing.assert_array_equal(a1, second(x, training=True).numpy())
    np.testing.assert_array_equal(a2, second(x, training=True).numpy())
    if type(ALL[index]) is not layers.RandomFlip:  # 4 images: flips may repeat
        assert not np.array_equal(a1, a2)
    # an explicit seed argument gives the same draw each time
    t1 = first.get_random_transformation(x, training=True, seed=5)
    t2 = second.get_random_transformation(x, training=True, seed=5)
    for u, v in zip(_leaves(t1), _leaves(t2)):
        np.testing.assert_array_equal(u, v)


def _leaves(t):
    return list(t.values()) if isinstance(t, dict) else [t]


def test_drawn_parameters_lie_in_their_ranges():
    x = np.zeros((2000, 4, 6, 1), "float32")
    angle = layers.RandomRotation((-0.1, 0.2), seed=0).get_random_transformation(x)["angle"]
    assert angle.min() >= -36 and angle.max() <= 72 and angle.min() < -30 and angle.max() > 66
    zoom = layers.RandomZoom((-0.2, 0.4), (0.1, 0.3), seed=0).get_random_transformation(x)
    assert 0.8 <= zoom["height_zoom"].min() < 0.85 and 1.35 < zoom["height_zoom"].max() <= 1.4
    assert 1.1 <= zoom["width_zoom"].min() and zoom["width_zoom"].max() <= 1.3
    shift = layers.RandomTranslation(0.5, (0.0, 0.5), seed=0).get_random_transformation(x)
    dx, dy = shift["translations"][:, 0], shift["translations"][:, 1]
    assert -2 <= dy.min() < -1.8 and 1.8 < dy.max() <= 2 and 0 <= dx.min() and dx.max() <= 3
    delta = layers.RandomBrightness((-0.1, 0.2), value_range=(0, 10), seed=0) \
        .get_random_transformation(x)["rgb_delta"]
    assert -1 <= delta.min() < -0.9 and 1.9 < delta.max() <= 2
    contrast = layers.RandomContrast((0.3, 0.6), seed=0).get_random_transformation(x)
    c = contrast["contrast_factor"]
    assert 0.7 <= c.min() < 0.75 and 1.55 < c.max() <= 1.6
    gray = layers.RandomGrayscale(0.25, seed=0).get_random_transformation(x)
    assert gray.shape == (2000, 1, 1, 1) and 0.2 < gray.mean() < 0.3
    flips = layers.RandomFlip(seed=0).get_random_transformation(x)["flips"]
    assert 0.45 < flips.mean() < 0.55
    for layer in ALL:
        assert layer.get_random_transformation(x, training=False) is None or \
            type(layer) in (layers.RandomContrast, layers.RandomBrightness)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.RandomRotation(1.5), "factor"),
    (lambda: layers.RandomRotation((0.1, 0.2, 0.3)), "factor"),
    (lambda: layers.RandomRotation("big"), "factor"),
    (lambda: layers.RandomZoom(-1.0), "height_factor"),
    (lambda: layers.RandomZoom(0.2, width_factor=(0.1, 1.5)), "width_factor"),
    (lambda: layers.RandomTranslation(0.2, 1.1), "width_factor"),
    (lambda: layers.RandomContrast(1.5), "factor"),
    (lambda: layers.RandomContrast(-0.1), "factor"),
    (lambda: layers.RandomBrightness(1.2), "factor"),
    (lambda: layers.RandomBrightness(0.2, value_range=5), "value_range"),
    (lambda: layers.RandomGrayscale(1.2), "factor"),
    (lambda: layers.RandomErasing(factor=2.0), "factor"),
    (lambda: layers.RandomErasing(scale=(0.5, 1.5, 2)), "scale"),
    (lambda: layers.RandomFlip("diagonal"), "mode"),
    (lambda: layers.RandomFlip(seed="one"), "seed"),
    (lambda: layers.RandomErasing(fill_value=(1.0, 2.0)), "RandomErasing: the `fill_value`"),
    (lambda: layers.RandomErasing(fill_value="red"), "RandomErasing: the `fill_value`"),
    (lambda: layers.RandomErasing(value_range=None), "RandomErasing: the `value_range`"),
    (lambda: layers.RandomContrast(0.2, value_range=None), "RandomContrast: the `value_range`"),
    (lambda: layers.RandomContrast(0.2, value_range=(0, "x")), "RandomContrast: the `value_range`"),
    (lambda: layers.RandomCrop(-2, 3), "RandomCrop: `height` must be a positive integer"),
    (lambda: layers.RandomCrop(3, 0), "RandomCrop: `width` must be a positive integer"),
    (lambda: layers.RandomCrop(2.5, 3), "RandomCrop: `height` must be a positive integer"),
    (lambda: layers.RandomCrop(3, None, name="c"), "RandomCrop 'c': `width`"),
])
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_fill_mode_interpolation_and_rank():
    with pytest.raises(NotImplementedError, match="fill_mode"):
        layers.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(NotImplementedError, match="interpolation"):
        layers.RandomZoom(0.1, interpolation="bicubic")
    with pytest.raises(ValueError, match="rank 3"):
        layers.RandomFlip()(np.zeros((2, 3)), training=True)
    with pytest.raises(ValueError, match="three numbers needs images of 3 channels"):
        layers.RandomErasing(fill_value=(1, 2, 3))(np.zeros((1, 4, 4, 1)), training=True)


@pytest.mark.parametrize("layer", [layers.RandomRotation((0.1, 0.1)), layers.RandomCrop(3, 3),
                                   layers.RandomContrast((-0.5, 0.5)), layers.RandomFlip(seed=0),
                                   layers.RandomGrayscale(1.0), layers.RandomErasing(seed=0)],
                         ids=lambda layer: type(layer).__name__)
def test_gradients_reach_the_images_only(layer):
    x = shenjing.Tensor(np.random.default_rng(0).uniform(0, 200, (2, 5, 5, 3)).astype("float32"),
                        requires_grad=True)
    y = layer(x, training=True)
    y.sum().backward()
    assert x.grad is not None and x.grad.shape == x.shape and np.isfinite(x.grad).all()
    assert not layer.trainable_weights


def test_gradient_values_of_flip_and_grayscale():
    rng = np.random.default_rng(3)
    x = shenjing.Tensor(rng.random((4, 3, 5, 3)).astype("float32"), requires_grad=True)
    w = rng.standard_normal((4, 3, 5, 3)).astype("float32")
    # a flip is its own adjoint: d sum(w * flip(x)) / dx = flip(w), the same flips (same seed)
    (layers.RandomFlip(seed=6)(x, training=True) * w).sum().backward()
    expected = layers.RandomFlip(seed=6)(w, training=True).numpy()
    assert not np.array_equal(expected, w) and not np.array_equal(expected[0], w[0])  # half flip
    np.testing.assert_allclose(x.grad, expected, rtol=1e-6)
    # grayscale: y_c = sum_k a_k x_k for every channel c, so dL/dx_k = a_k sum_c w_c
    x.grad = None
    (layers.RandomGrayscale(1.0)(x, training=True) * w).sum().backward()
    coefficients = np.array([0.2989, 0.5870, 0.1140], "float32")
    np.testing.assert_allclose(x.grad, w.sum(-1, keepdims=True) * coefficients, rtol=1e-4, atol=1e-6)


def test_dict_inputs_move_masks_with_images():
    images = _grid(3, 3)
    masks = (images > 3).astype("float32")
    labels = np.array([[0.0, 1.0]], "float32")
    out = layers.RandomRotation((0.25, 0.25))({"images": images, "segmentation_masks": masks,
                                               "labels": labels}, training=True)
    np.testing.assert_array_equal(out["segmentation_masks"].numpy(),
                                  (out["images"].numpy() > 3).astype("float32"))
    np.testing.assert_array_equal(np.asarray(out["labels"]), labels)
    color = layers.RandomBrightness((0.1, 0.1))({"images": images, "segmentation_masks": masks},
                                                training=True)
    np.testing.assert_array_equal(np.asarray(color["segmentation_masks"]), masks)


def test_dataset_map_pipeline():
    x = np.random.default_rng(0).uniform(0, 255, (10, 6, 5, 3)).astype("float32")
    y = np.arange(10)
    flip, rotate = layers.RandomFlip(seed=3), layers.RandomRotation(0.1, seed=3)
    ds = data.Dataset.from_tensor_slices((x, y)).batch(4) \
        .map(lambda a, b: (flip(a, training=True), b)) \
        .map(lambda a, b: (rotate(a, training=True), b))
    batches = list(ds)
    assert [b[0].shape for b in batches] == [(4, 6, 5, 3), (4, 6, 5, 3), (2, 6, 5, 3)]
    np.testing.assert_array_equal(np.concatenate([np.asarray(b[1]) for b in batches]), y)
    single = data.Dataset.from_tensor_slices(x).map(
        lambda a: layers.RandomCrop(3, 3, seed=1)(a, training=True)).batch(5)
    assert [b.shape for b in single] == [(5, 3, 3, 3), (5, 3, 3, 3)]


def test_parallel_map_gives_whole_transformations_that_repeat():
    # one key per call drawn under a lock, the transformation from a child generator: with
    # identical inputs the outputs of a parallel map are the same set in every run, and each
    # equals one of the sequential outputs (never a mix of two calls' draws)
    x = np.repeat(np.random.default_rng(0).uniform(0, 255, (1, 6, 5, 3)).astype("float32"), 24, 0)

    def run(parallel):
        erase = layers.RandomErasing(factor=1.0, scale=(0.1, 0.5), seed=11)
        ds = data.Dataset.from_tensor_slices(x).map(lambda a: erase(a, training=True),
                                                    num_parallel_calls=parallel)
        return sorted(np.asarray(a).tobytes() for a in ds)

    sequential = run(None)
    assert len(set(sequential)) > 1
    assert run(4) == sequential == run(8)


def test_keras_file_round_trip(tmp_path):
    model = Sequential([Input((6, 5, 3)), layers.RandomFlip("horizontal", seed=1),
                        layers.RandomRotation((-0.1, 0.2), fill_mode="constant", seed=2),
                        layers.RandomZoom(0.2, 0.1, seed=3), layers.RandomTranslation(0.1, 0.2, seed=4),
                        layers.RandomCrop(4, 4, seed=5), layers.RandomContrast(0.3, seed=6),
                        layers.RandomBrightness(0.1, value_range=(0, 1), seed=7),
                        layers.RandomGrayscale(1.0),  # Keras's config has no seed: a sure factor
                        layers.RandomErasing(scale=(0.1, 0.2), seed=9),
                        layers.Flatten(), layers.Dense(2)])
    x = np.random.default_rng(0).random((3, 6, 5, 3)).astype("float32")
    path = tmp_path / "aug.keras"
    model.save(path)
    loaded = saving.load_model(path)
    assert [type(a) for a in loaded.layers] == [type(b) for b in model.layers]
    for a, b in zip(loaded.layers, model.layers):
        assert json.loads(json.dumps(a.get_config())) == json.loads(json.dumps(b.get_config()))
    # the loaded layers augment as the saved ones (same seeds, same draws), in training
    ours, theirs = model(x, training=True).numpy(), loaded(x, training=True).numpy()
    assert ours.shape == (3, 2)
    np.testing.assert_allclose(theirs, ours, rtol=1e-5, atol=1e-6)
    images = np.random.default_rng(1).uniform(0, 1, (2, 6, 5, 3)).astype("float32")
    for a, b in zip(loaded.layers[:-2], model.layers[:-2]):
        np.testing.assert_allclose(a(images, training=True).numpy(), b(images, training=True).numpy(),
                                   rtol=1e-5, atol=1e-6, err_msg=type(a).__name__)
        # at inference every layer passes the images through (RandomCrop too, as Keras)
        np.testing.assert_allclose(a(images, training=False).numpy(), images, rtol=1e-6)


def test_fit_trains_through_augmentation_and_predict_skips_it():
    rng = np.random.default_rng(0)
    x = rng.random((16, 6, 6, 3)).astype("float32")
    y = rng.random((16, 1)).astype("float32")
    inputs = Input((6, 6, 3))
    h = layers.RandomFlip(seed=1)(inputs)
    h = layers.RandomRotation(0.1, seed=2)(h)
    h = layers.RandomCrop(4, 4, seed=3)(h)  # in training only; Flatten+Dense need its size
    outputs = layers.Dense(1)(layers.GlobalAveragePooling2D()(h))
    model = shenjing.keras.Model(inputs, outputs)
    assert model.output_shape == (None, 1)
    model.compile("adam", "mse")
    before = [w.numpy().copy() for w in model.trainable_weights]
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert len(history.history["loss"]) == 2
    assert any(not np.array_equal(a, w.numpy()) for a, w in zip(before, model.trainable_weights))
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
