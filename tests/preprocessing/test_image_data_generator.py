"""The legacy ImageDataGenerator and its transforms, on values worked out by hand, and the
all-channel resampling against scipy.ndimage run channel by channel (Keras's way)."""

import contextlib
import warnings

import numpy as np
import pytest

from shenjing.backend import kernels
from shenjing.keras.preprocessing import image as keras_image
from shenjing.preprocessing.image import (ImageDataGenerator, apply_affine_transform,
                                          apply_brightness_shift, apply_channel_shift,
                                          random_brightness, random_rotation, random_zoom,
                                          transform_matrix_offset_center)

LAST = dict(row_axis=0, col_axis=1, channel_axis=2)


def _gray(rows):
    """An (H, W, 1) float32 image from nested lists."""
    return np.asarray(rows, dtype="float32")[:, :, None]


# -- apply_affine_transform ------------------------------------------------------------------

@pytest.mark.parametrize("order", [0, 1, 3])
def test_rotation_by_90_degrees_is_rot90(order):
    x = np.arange(18, dtype="float32").reshape(3, 3, 2)
    out = apply_affine_transform(x, theta=90, order=order, **LAST)
    np.testing.assert_allclose(out, np.rot90(x), atol=1e-4)
    first = apply_affine_transform(x.transpose(2, 0, 1), theta=90, order=order)  # channels first
    np.testing.assert_allclose(first, np.rot90(x).transpose(2, 0, 1), atol=1e-4)


@pytest.mark.parametrize("mode, plus_two, minus_one", [
    ("nearest", [2, 3, 3, 3], [0, 0, 1, 2]),
    ("constant", [2, 3, -1, -1], [-1, 0, 1, 2]),
    ("reflect", [2, 3, 3, 2], [0, 0, 1, 2]),
    ("wrap", [2, 3, 1, 2], [2, 0, 1, 2]),  # scipy's "wrap": the ends overlap, period n - 1
])
@pytest.mark.parametrize("order", [0, 1])
def test_whole_pixel_shifts_fill_by_mode(mode, plus_two, minus_one, order):
    # Keras's tx moves along the columns (out[i, j] = x[i, j + tx]), ty along the rows.
    x = _gray([[0, 1, 2, 3], [0, 1, 2, 3]])
    out = apply_affine_transform(x, tx=2, fill_mode=mode, cval=-1.0, order=order, **LAST)
    np.testing.assert_array_equal(out[:, :, 0], [plus_two, plus_two])
    out = apply_affine_transform(x, tx=-1, fill_mode=mode, cval=-1.0, order=order, **LAST)
    np.testing.assert_array_equal(out[:, :, 0], [minus_one, minus_one])
    col = _gray([[0], [1], [2], [3]])
    out = apply_affine_transform(col, ty=2, fill_mode=mode, cval=-1.0, order=order, **LAST)
    np.testing.assert_array_equal(out[:, 0, 0], plus_two)


def test_zoom():
    # (Square images: Keras centres the swapped matrix with (rows, cols) in (x, y) order, so
    # a non-square image's centre is off by the difference; the Keras tests cover that.)
    x = _gray([[0, 1, 2, 3]] * 4)
    # zx scales the columns about the centre 1.5: zx = 0.5 samples 0.75 + 0.5 j (a 2x close-up).
    out = apply_affine_transform(x, zx=0.5, **LAST)
    np.testing.assert_allclose(out[:, :, 0], [[0.75, 1.25, 1.75, 2.25]] * 4)
    # zx = zy = 2 samples 2x the area: rows and columns at -1.5, 0.5, 2.5, 4.5.
    x = np.arange(16, dtype="float32").reshape(4, 4, 1)
    out = apply_affine_transform(x, zx=2, zy=2, order=0, **LAST)
    np.testing.assert_array_equal(out[:, :, 0], [[0, 1, 3, 3], [4, 5, 7, 7], [12, 13, 15, 15],
                                                 [12, 13, 15, 15]])
    out = apply_affine_transform(x, zx=2, zy=2, order=0, fill_mode="constant", **LAST)
    np.testing.assert_array_equal(out[:, :, 0], [[0, 0, 0, 0], [0, 5, 7, 0], [0, 13, 15, 0],
                                                 [0, 0, 0, 0]])


def test_neutral_parameters_return_the_input():
    x = np.random.default_rng(0).random((5, 6, 3)).astype("float32")
    assert apply_affine_transform(x, **LAST) is x
    out = apply_affine_transform(x, theta=360.0, order=0, **LAST)  # resampled, same pixels
    np.testing.assert_array_equal(out, x)


def test_offset_center():
    m = transform_matrix_offset_center(np.diag([2.0, 2.0, 1.0]), 5, 3)
    np.testing.assert_allclose(m, [[2, 0, -2], [0, 2, -1], [0, 0, 1]])


def _scipy_per_channel(x, theta, tx, ty, shear, zx, zy, fill_mode, cval, order):
    """Keras's algorithm, channels last: the composed matrix, P M P, one scipy call per channel."""
    from scipy import ndimage

    t, s = np.deg2rad(theta), np.deg2rad(shear)
    m = (np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
         @ np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
         @ np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]])
         @ np.diag([zx, zy, 1.0]))
    m = transform_matrix_offset_center(m, x.shape[0], x.shape[1])
    m = m[[1, 0, 2]][:, [1, 0, 2]]
    return np.stack([ndimage.affine_transform(x[..., c], m[:2, :2], m[:2, 2], order=order,
                                              mode=fill_mode, cval=cval)
                     for c in range(x.shape[2])], axis=-1)


@pytest.mark.parametrize("fill_mode", ["nearest", "constant", "reflect", "wrap"])
@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("loops", ["compiled", "numpy"])
def test_all_channel_resampling_equals_scipy_per_channel(fill_mode, order, loops):
    rng = np.random.default_rng(order * 10 + len(fill_mode))
    with contextlib.ExitStack() as stack:
        if loops == "numpy":
            stack.enter_context(kernels.disabled())
        _compare_with_scipy(rng, fill_mode, order)


def _compare_with_scipy(rng, fill_mode, order):
    for _ in range(60):
        shape = (int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.choice([1, 3, 4])))
        x = rng.random(shape).astype(rng.choice(["float32", "float64"]))
        params = dict(theta=float(rng.choice([0, 0, 90, 180, -270, rng.uniform(-180, 180)])),
                      tx=float(rng.choice([0, rng.integers(-9, 9), rng.uniform(-9, 9)])),
                      ty=float(rng.choice([0, rng.integers(-9, 9), rng.uniform(-9, 9)])),
                      shear=float(rng.choice([0, rng.uniform(-40, 40)])),
                      zx=float(rng.choice([1, 0.5, 2, rng.uniform(0.3, 3)])),
                      zy=float(rng.choice([1, 0.5, 2, rng.uniform(0.3, 3)])))
        if all(params[k] == 0 for k in ("theta", "tx", "ty", "shear")):
            params["theta"] = 45.0
        want = _scipy_per_channel(x, **params, fill_mode=fill_mode, cval=0.25, order=order)
        got = apply_affine_transform(x, **params, fill_mode=fill_mode, cval=0.25, order=order,
                                     **LAST)
        assert got.shape == x.shape and got.dtype == x.dtype
        if order == 0:  # the same coordinates, so the very same pixels
            np.testing.assert_array_equal(got, want, err_msg=str((shape, params)))
        else:
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5,
                                       err_msg=str((shape, params)))


def test_integer_images_keep_their_dtype():
    x = np.arange(48, dtype="uint8").reshape(4, 4, 3)
    out = apply_affine_transform(x, theta=90, **LAST)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, np.rot90(x))


def test_affine_argument_errors():
    x = np.zeros((4, 4, 3), "float32")
    with pytest.raises(ValueError, match="must be distinct"):
        apply_affine_transform(x, theta=3, row_axis=0, col_axis=0, channel_axis=2)
    with pytest.raises(ValueError, match="Invalid axis"):
        apply_affine_transform(x, theta=3, row_axis=0, col_axis=1, channel_axis=3)
    with pytest.raises(ValueError, match="rank 3"):
        apply_affine_transform(np.zeros((4, 4)), theta=3)
    with pytest.raises(ValueError, match="first and last"):
        apply_affine_transform(x, theta=3, row_axis=0, col_axis=2, channel_axis=1)
    with pytest.raises(ValueError, match="zoom_range"):
        random_zoom(x, (0.5, 1.0, 2.0), **LAST)
    with pytest.raises(ValueError, match="brightness_range"):
        random_brightness(x, (0.5,))


# -- channel shift, brightness ---------------------------------------------------------------

def test_channel_shift_clips_to_the_image_range():
    x = np.array([[[0.0, 5.0, 10.0]]], "float32")
    np.testing.assert_array_equal(apply_channel_shift(x, 3.0, 2), [[[3.0, 8.0, 10.0]]])
    np.testing.assert_array_equal(apply_channel_shift(x, -6.0, 2), [[[0.0, 0.0, 4.0]]])


def test_brightness_shift():
    x = np.array([[[0, 100, 200], [50, 150, 250]]], "float32")  # (1, 2, 3)
    np.testing.assert_array_equal(apply_brightness_shift(x, 0.5, scale=False),
                                  [[[0, 50, 100], [25, 75, 125]]])
    np.testing.assert_array_equal(apply_brightness_shift(x, 2.0, scale=False),
                                  [[[0, 200, 255], [100, 255, 255]]])
    # out of 0..255: scaled to 8 bits and back (0.5 then maps -1 -> -1, 1 -> 0)
    y = np.array([[[-1.0, -1.0, -1.0], [1.0, 1.0, 1.0]]], "float32")
    np.testing.assert_allclose(apply_brightness_shift(y, 0.5, scale=False),
                               [[[-1, -1, -1], [127 / 255 * 2 - 1] * 3]], atol=1e-6)


def test_random_functions_draw_from_numpy_global_generator():
    x = np.random.default_rng(1).random((6, 6, 3)).astype("float32")
    np.random.seed(3)
    a = random_rotation(x, 30, **LAST)
    np.random.seed(3)
    theta = np.random.uniform(-30, 30)
    np.testing.assert_allclose(a, apply_affine_transform(x, theta=theta, **LAST))


# -- ImageDataGenerator ----------------------------------------------------------------------

def test_flips_rescale_and_channel_shift_through_apply_transform():
    x = np.arange(12, dtype="float32").reshape(2, 3, 2)
    gen = ImageDataGenerator()
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_horizontal": True}), x[:, ::-1])
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_vertical": True}), x[::-1])
    np.testing.assert_array_equal(gen.apply_transform(x, {"channel_shift_intensity": 20.0}),
                                  np.full_like(x, 11.0))
    gen = ImageDataGenerator(data_format="channels_first")
    xf = x.transpose(2, 0, 1)
    np.testing.assert_array_equal(gen.apply_transform(xf, {"flip_horizontal": True}),
                                  xf[:, :, ::-1])
    # brightness on channels_first images goes through PIL in (H, W, C)
    xb = np.full((3, 2, 2), 100.0, "float32")
    np.testing.assert_array_equal(gen.apply_transform(xb, {"brightness": 0.5}),
                                  np.full((3, 2, 2), 50.0))
    gen = ImageDataGenerator(rescale=1 / 255)
    batch = np.full((2, 2, 2, 3), 255.0, "float32")
    out = gen.standardize(batch)
    assert out is batch  # in place, as Keras
    np.testing.assert_allclose(out, 1.0)


def test_samplewise_standardize():
    gen = ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True)
    x = np.array([[[1.0], [3.0]]], "float32")
    np.testing.assert_allclose(gen.standardize(x.copy()), [[[-1.0], [1.0]]], atol=1e-5)


def test_featurewise_fit_and_standardize():
    x = np.array([[[[1.0, 10.0, 5.0]]], [[[3.0, 30.0, 7.0]]]], "float32")  # (2, 1, 1, 3)
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.fit(x)
    np.testing.assert_allclose(gen.mean, [[[2.0, 20.0, 6.0]]])
    np.testing.assert_allclose(gen.std, [[[1.0, 10.0, 1.0]]])
    out = gen.standardize(x.copy())
    np.testing.assert_allclose(out, [[[[-1, -1, -1]]], [[[1, 1, 1]]]], rtol=1e-5)
    first = ImageDataGenerator(featurewise_center=True, data_format="channels_first")
    first.fit(x.transpose(0, 3, 1, 2))
    assert first.mean.shape == (3, 1, 1)
    np.testing.assert_allclose(first.mean.ravel(), [2.0, 20.0, 6.0])


def test_zca_whitening_decorrelates():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(200, 1))
    x = np.concatenate([base, base + 0.1 * rng.normal(size=(200, 1))], axis=1)
    x = x.reshape(200, 1, 2, 1).astype("float64")  # two pixels, one channel
    with pytest.warns(UserWarning, match="featurewise_center"):
        gen = ImageDataGenerator(zca_whitening=True, dtype="float64")
    assert gen.featurewise_center
    gen.fit(x)
    white = gen.standardize(x.copy()).reshape(200, 2)
    # the second moment of the centred, whitened samples: U S^-1 U^T X^T X U S^-1 U^T n / n = I
    np.testing.assert_allclose(white.T @ white / 200, np.eye(2), atol=1e-4)


def test_standardize_before_fit_warns():
    gen = ImageDataGenerator(featurewise_center=True)
    with pytest.warns(UserWarning, match="hasn't been fit"):
        gen.standardize(np.zeros((1, 2, 2, 3), "float32"))


def test_get_random_transform_with_a_seed_repeats_and_leaves_global_state():
    gen = ImageDataGenerator(rotation_range=30, width_shift_range=[-2, 3], height_shift_range=4,
                             shear_range=10, zoom_range=[0.8, 1.2], channel_shift_range=5,
                             brightness_range=(0.5, 1.5), horizontal_flip=True)
    state = np.random.get_state()[1].copy()
    a = gen.get_random_transform((8, 9, 3), seed=7)
    b = gen.get_random_transform((8, 9, 3), seed=7)
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    assert a == b
    assert -30 <= a["theta"] <= 30 and a["tx"] in range(-3, 4) and a["ty"] in (-3, -2, 2, 3)
    assert a["flip_vertical"] == 0 and 0.5 <= a["brightness"] <= 1.5
    # the draws are Keras's: theta from U(-30, 30) first
    assert a["theta"] == np.random.RandomState(7).uniform(-30, 30)
    x = np.random.default_rng(0).random((8, 9, 3)).astype("float32") * 255
    np.testing.assert_array_equal(gen.random_transform(x, seed=7),
                                  gen.apply_transform(x, a))


def test_fractional_shift_scales_by_the_image_size():
    gen = ImageDataGenerator(height_shift_range=0.5, width_shift_range=0.25)
    p = gen.get_random_transform((10, 40, 3), seed=0)
    rs = np.random.RandomState(0)
    assert p["tx"] == rs.uniform(-0.5, 0.5) * 10 and p["ty"] == rs.uniform(-0.25, 0.25) * 40


def test_fit_with_augment_uses_the_seed():
    x = np.random.default_rng(0).random((4, 6, 6, 1)).astype("float32")
    gen = ImageDataGenerator(featurewise_center=True, rotation_range=40)
    gen.fit(x, augment=True, rounds=2, seed=5)
    mean = gen.mean.copy()
    gen.fit(x, augment=True, rounds=2, seed=5)
    np.testing.assert_array_equal(gen.mean, mean)
    assert mean.shape == (1, 1, 1)


def test_generator_argument_errors():
    with pytest.raises(ValueError, match="data_format"):
        ImageDataGenerator(data_format="channels_middle")
    with pytest.raises(ValueError, match="validation_split"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=[0.5, 1.0, 2.0])
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range="big")
    with pytest.raises(ValueError, match="brightness_range"):
        ImageDataGenerator(brightness_range=0.5)
    with pytest.raises(ValueError, match="fill_mode"):
        ImageDataGenerator(fill_mode="mirrored")
    with pytest.raises(ValueError, match="interpolation_order"):
        ImageDataGenerator(interpolation_order=7)
    with pytest.raises(ValueError, match="rank 4"):
        ImageDataGenerator().fit(np.zeros((2, 3, 3)))
    with pytest.raises(TypeError, match="bogus"):
        ImageDataGenerator().flow_from_dataframe(None, bogus=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="channels"):
            ImageDataGenerator().fit(np.zeros((2, 3, 3, 5)))


def test_defaults_and_keras_attribute_names():
    gen = ImageDataGenerator(zoom_range=0.2, validation_split=0.25)
    assert gen.zoom_range == [0.8, 1.2] and gen._validation_split == 0.25
    assert gen.data_format == "channels_last" and gen.dtype == "float32"
    assert (gen.row_axis, gen.col_axis, gen.channel_axis) == (1, 2, 3)
    assert gen.interpolation_order == 1 and gen.mean is None
    assert keras_image.ImageDataGenerator is ImageDataGenerator


def test_flow_builds_a_numpy_array_iterator():
    iterators = pytest.importorskip("shenjing.preprocessing.image.numpy_array_iterator")
    x = np.random.default_rng(0).random((5, 4, 4, 3)).astype("float32")
    it = ImageDataGenerator(horizontal_flip=True).flow(x, np.arange(5), batch_size=2,
                                                       shuffle=False)
    assert isinstance(it, iterators.NumpyArrayIterator)
    bx, by = it[0]
    assert bx.shape == (2, 4, 4, 3) and list(by) == [0, 1]
