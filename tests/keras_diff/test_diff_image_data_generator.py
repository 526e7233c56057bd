"""The legacy ImageDataGenerator and its transforms against Keras 3's own
(``keras.src.legacy.preprocessing.image``) on random configurations: the same seed gives the
same parameters, and transforms, fit statistics and standardization agree."""

import warnings

import numpy as np
import pytest

from shenjing.preprocessing import image as ours

legacy = pytest.importorskip("keras.src.legacy.preprocessing.image")

FILL_MODES = ["nearest", "constant", "reflect", "wrap"]


def _config(rng, data_format, fill_mode="nearest", order=1, brightness=True):
    """Random ImageDataGenerator arguments covering each kind of shift and zoom range."""
    shift_kinds = [0.0, float(rng.uniform(0.05, 0.4)), int(rng.integers(1, 6)),
                   [int(v) for v in rng.integers(-4, 5, 3)], [0.1, 0.2]]
    return dict(
        rotation_range=float(rng.choice([0, rng.uniform(1, 180)])),
        width_shift_range=shift_kinds[rng.integers(len(shift_kinds))],
        height_shift_range=shift_kinds[rng.integers(len(shift_kinds))],
        shear_range=float(rng.choice([0, rng.uniform(1, 45)])),
        zoom_range=[0.0, float(rng.uniform(0.05, 0.5)),
                    [float(rng.uniform(0.5, 1.0)), float(rng.uniform(1.0, 1.8))]][rng.integers(3)],
        channel_shift_range=float(rng.choice([0, rng.uniform(0.01, 0.3)])),
        brightness_range=(None if not brightness or rng.random() < 0.5
                          else (float(rng.uniform(0.3, 1.0)), float(rng.uniform(1.0, 1.7)))),
        horizontal_flip=bool(rng.random() < 0.5), vertical_flip=bool(rng.random() < 0.5),
        fill_mode=fill_mode, cval=float(rng.choice([0.0, 0.5])), interpolation_order=order,
        data_format=data_format)


def _pair(**kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return legacy.ImageDataGenerator(**kwargs), ours.ImageDataGenerator(**kwargs)


def _assert_same_params(theirs, mine):
    assert theirs.keys() == mine.keys()
    for key, value in theirs.items():
        if value is None:
            assert mine[key] is None, key
        else:
            assert np.asarray(mine[key]) == pytest.approx(np.asarray(value), rel=1e-12), key


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_get_random_transform_same_seed_same_parameters(data_format):
    rng = np.random.default_rng(0 if data_format == "channels_last" else 1)
    for trial in range(60):
        theirs, mine = _pair(**_config(rng, data_format))
        shape = tuple(int(v) for v in rng.integers(2, 40, 3))
        seed = int(rng.integers(0, 2**31 - 1))
        _assert_same_params(theirs.get_random_transform(shape, seed=seed),
                            mine.get_random_transform(shape, seed=seed))


def _image(rng, data_format, channels=3):
    h, w = (int(v) for v in rng.integers(3, 14, 2))
    x = (rng.random((h, w, channels)) * 255).astype("float32")
    return x if data_format == "channels_last" else x.transpose(2, 0, 1)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("order", [0, 1, 3])
@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_random_transform_matches(fill_mode, order, data_format):
    rng = np.random.default_rng([FILL_MODES.index(fill_mode), order, len(data_format)])
    for trial in range(12):
        # Keras hands channels_first arrays to PIL unmoved (it fails): no brightness there.
        config = _config(rng, data_format, fill_mode, order,
                         brightness=data_format == "channels_last")
        theirs, mine = _pair(**config)
        x = _image(rng, data_format, int(rng.choice([1, 3])))
        seed = int(rng.integers(0, 2**31 - 1))
        want = theirs.random_transform(x.copy(), seed=seed)
        got = mine.random_transform(x.copy(), seed=seed)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-3, err_msg=str(config))


@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_apply_affine_transform_matches(fill_mode):
    rng = np.random.default_rng(FILL_MODES.index(fill_mode) + 10)
    for trial in range(40):
        data_format = ["channels_last", "channels_first"][trial % 2]
        axes = (dict(row_axis=0, col_axis=1, channel_axis=2) if data_format == "channels_last"
                else dict(row_axis=1, col_axis=2, channel_axis=0))
        x = _image(rng, data_format, int(rng.choice([1, 3, 4])))
        params = dict(theta=float(rng.choice([0, 90, 180, rng.uniform(-180, 180)])),
                      tx=float(rng.choice([0, rng.integers(-6, 6), rng.uniform(-6, 6)])),
                      ty=float(rng.choice([0, rng.integers(-6, 6), rng.uniform(-6, 6)])),
                      shear=float(rng.choice([0, rng.uniform(-30, 30)])),
                      zx=float(rng.choice([1, 2, rng.uniform(0.5, 1.5)])),
                      zy=float(rng.choice([1, 0.5, rng.uniform(0.5, 1.5)])),
                      fill_mode=fill_mode, cval=0.5, order=int(rng.choice([0, 1, 3])), **axes)
        want = legacy.apply_affine_transform(x, **params)
        got = ours.apply_affine_transform(x, **params)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-3, err_msg=str(params))


def test_module_random_functions_match_with_the_same_global_seed():
    rng = np.random.default_rng(3)
    x = _image(rng, "channels_last")
    axes = dict(row_axis=0, col_axis=1, channel_axis=2)
    calls = [("random_rotation", (40,), axes), ("random_shift", (0.2, 0.3), axes),
             ("random_shear", (20,), axes), ("random_zoom", ((0.7, 1.3),), axes),
             ("random_channel_shift", (30.0, 2), {}), ("random_brightness", ((0.5, 1.5),), {})]
    for name, args, kwargs in calls:
        np.random.seed(11)
        want = getattr(legacy, name)(x.copy(), *args, **kwargs)
        np.random.seed(11)
        got = getattr(ours, name)(x.copy(), *args, **kwargs)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-3, err_msg=name)


@pytest.mark.parametrize("scale", [True, False])
def test_brightness_shift_matches(scale):
    rng = np.random.default_rng(int(scale))
    for x in (rng.random((5, 6, 3)) * 255, rng.random((5, 6, 1)) * 255,
              rng.normal(size=(5, 6, 3)) * 400):
        x = x.astype("float32")
        for factor in (0.3, 1.0, 1.6):
            np.testing.assert_allclose(ours.apply_brightness_shift(x, factor, scale),
                                       legacy.apply_brightness_shift(x, factor, scale),
                                       rtol=1e-5, atol=1e-3)


def test_channel_shift_matches():
    rng = np.random.default_rng(4)
    for channel_axis in (0, 2):
        x = rng.random((3, 5, 3)).astype("float32")
        for intensity in (-0.4, 0.1, 0.7):
            np.testing.assert_array_equal(ours.apply_channel_shift(x, intensity, channel_axis),
                                          legacy.apply_channel_shift(x, intensity, channel_axis))


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("augment", [False, True])
def test_fit_statistics_match(data_format, augment):
    rng = np.random.default_rng([augment, len(data_format)])
    for options in (dict(featurewise_center=True),
                    dict(featurewise_center=True, featurewise_std_normalization=True),
                    dict(zca_whitening=True, zca_epsilon=1e-3),
                    dict(featurewise_std_normalization=True, rescale=1 / 255)):
        config = dict(options, data_format=data_format, rotation_range=30,
                      width_shift_range=0.1, horizontal_flip=True)
        theirs, mine = _pair(**config)
        x = (rng.random((10, 6, 7, 3)) * 255).astype("float32")
        if data_format == "channels_first":
            x = x.transpose(0, 3, 1, 2)
        theirs.fit(x, augment=augment, rounds=2, seed=5)
        mine.fit(x, augment=augment, rounds=2, seed=5)
        for attr in ("mean", "std", "zca_whitening_matrix"):
            want, got = getattr(theirs, attr), getattr(mine, attr)
            if want is None:
                assert got is None, attr
            else:
                assert got.shape == want.shape, attr
                np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=attr)
        batch = (rng.random(x.shape) * 255).astype("float32")
        np.testing.assert_allclose(mine.standardize(batch.copy()),
                                   theirs.standardize(batch.copy()), rtol=1e-4, atol=1e-4)


def test_standardize_matches():
    rng = np.random.default_rng(9)
    for options in (dict(rescale=1 / 255), dict(samplewise_center=True),
                    dict(samplewise_std_normalization=True),
                    dict(preprocessing_function=lambda v: v * 2 - 1, rescale=0.5),
                    dict(samplewise_center=True, samplewise_std_normalization=True,
                         rescale=1 / 127.5)):
        theirs, mine = _pair(**options)
        for x in ((rng.random((4, 5, 6, 3)) * 255).astype("float32"),
                  (rng.random((5, 6, 3)) * 255).astype("float32")):
            np.testing.assert_allclose(mine.standardize(x.copy()), theirs.standardize(x.copy()),
                                       rtol=1e-5, atol=1e-5)


def test_argument_errors_match():
    bad = [dict(data_format="channels_middle"), dict(validation_split=1.5),
           dict(zoom_range=[0.5, 1.0, 2.0]), dict(brightness_range=0.5)]
    for kwargs in bad:
        with pytest.raises(ValueError) as theirs:
            legacy.ImageDataGenerator(**kwargs)
        with pytest.raises(ValueError) as mine:
            ours.ImageDataGenerator(**kwargs)
        assert str(theirs.value).split()[0] == str(mine.value).split()[0], kwargs
    theirs, mine = _pair(zoom_range=0.3, validation_split=0.2)
    for attr in ("zoom_range", "_validation_split", "data_format", "dtype", "channel_axis",
                 "row_axis", "col_axis", "interpolation_order", "fill_mode", "cval"):
        assert getattr(mine, attr) == getattr(theirs, attr), attr


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_keras_iterator_driving_our_generator_gives_keras_batches(data_format):
    # The iterator contract: get_random_transform(shape) without a seed draws from NumPy's
    # global generator, which Keras's Iterator seeds per batch; _validation_split, dtype.
    rng = np.random.default_rng(21)
    config = dict(_config(rng, data_format, brightness=data_format == "channels_last"),
                  rotation_range=25.0, horizontal_flip=True, rescale=1 / 255,
                  validation_split=0.25)
    theirs, mine = _pair(**config)
    x = (rng.random((12, 8, 9, 3)) * 255).astype("float32")
    if data_format == "channels_first":
        x = x.transpose(0, 3, 1, 2)
    y = np.arange(12) % 3  # every class in both subsets
    for subset in ("training", "validation"):
        kwargs = dict(batch_size=4, shuffle=True, seed=13, subset=subset,
                      data_format=data_format)
        want_it = legacy.NumpyArrayIterator(x, y, theirs, **kwargs)
        got_it = legacy.NumpyArrayIterator(x, y, mine, **kwargs)
        assert len(got_it) == len(want_it)
        for index in range(len(want_it)):
            (want_x, want_y), (got_x, got_y) = want_it[index], got_it[index]
            np.testing.assert_array_equal(got_y, want_y)
            np.testing.assert_allclose(got_x, want_x, rtol=1e-5, atol=1e-5)
