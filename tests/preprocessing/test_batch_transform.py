"""apply_transform_batch: a batch transformed at once equals apply_transform image by image."""

import numpy as np
import pytest

from shenjing.preprocessing.image import ImageDataGenerator
from shenjing.preprocessing.image.batch_transform import (affine_matrices, apply_transform_batch,
                                                           batchable)

CASES = [dict(rotation_range=30, fill_mode="nearest"),
         dict(width_shift_range=0.2, height_shift_range=3, fill_mode="constant", cval=1.5),
         dict(shear_range=10, zoom_range=0.3, fill_mode="reflect", interpolation_order=0),
         dict(rotation_range=20, zoom_range=[0.8, 1.2], fill_mode="wrap", horizontal_flip=True,
              vertical_flip=True, channel_shift_range=5.0),
         dict(rotation_range=15, brightness_range=(0.5, 1.5), width_shift_range=0.1),
         dict(zoom_range=0.2, data_format="channels_first", horizontal_flip=True)]


@pytest.mark.parametrize("kwargs", CASES)
def test_a_batch_equals_image_by_image(kwargs):
    generator = ImageDataGenerator(**kwargs)
    rng = np.random.default_rng(0)
    shape = (5, 3, 9, 11) if kwargs.get("data_format") == "channels_first" else (5, 9, 11, 3)
    x = rng.uniform(0, 255, shape).astype("float32")
    params = [generator.get_random_transform(shape[1:], seed=i) for i in range(5)]
    assert batchable(generator, x)
    out = apply_transform_batch(generator, x, params)
    expected = np.stack([generator.apply_transform(x[i], params[i]) for i in range(5)])
    assert out.shape == x.shape and out.dtype == x.dtype
    np.testing.assert_allclose(out, expected, atol=1e-3)


def test_neutral_parameters_copy_the_image_exactly():
    generator = ImageDataGenerator(rotation_range=10)
    x = np.random.default_rng(1).uniform(0, 1, (3, 4, 5, 1)).astype("float32")
    x[0, 0, 0, 0] = np.nan   # a resampling would spread it; a copy keeps it in place
    params = [{"theta": 0}, {"theta": 0, "tx": 0}, {"theta": 7.0}]
    out = apply_transform_batch(generator, x, params)
    np.testing.assert_array_equal(out[:2], x[:2])
    assert not np.array_equal(out[2], x[2])
    *_, copy = affine_matrices(params, 4, 5, True)
    assert copy.tolist() == [True, True, False]


def test_only_the_generators_own_transform_on_float_batches_is_batched():
    x = np.zeros((2, 4, 4, 1), "float32")
    assert not batchable(ImageDataGenerator(interpolation_order=3), x)
    assert not batchable(ImageDataGenerator(), x.astype("uint8"))

    class Custom(ImageDataGenerator):
        def apply_transform(self, x, transform_parameters):
            return x + 1

    assert not batchable(Custom(), x)

    class CustomStandardize(ImageDataGenerator):
        def standardize(self, x):
            return x + np.random.random()   # draws between images: must stay per image

    assert not batchable(CustomStandardize(), x)


class PerImage(ImageDataGenerator):
    """The same generator, its apply_transform overridden: the iterators go image by image."""

    def apply_transform(self, x, transform_parameters):
        return super().apply_transform(x, transform_parameters)


@pytest.mark.parametrize("kwargs", CASES[:4])
def test_iterators_give_the_same_batches_batched_or_image_by_image(tmp_path, kwargs):
    from PIL import Image

    rng = np.random.default_rng(3)
    x = rng.uniform(0, 255, (7, 10, 12, 3)).astype("float32")
    batched = ImageDataGenerator(rescale=1 / 255, **kwargs).flow(x, batch_size=4, seed=5)
    single = PerImage(rescale=1 / 255, **kwargs).flow(x, batch_size=4, seed=5)
    for i in range(2):
        np.testing.assert_allclose(batched[i], single[i], atol=1e-5)
    for c in ("a", "b"):
        (tmp_path / c).mkdir()
        for k in range(3):
            Image.fromarray(rng.integers(0, 256, (10, 12, 3)).astype(np.uint8)).save(
                tmp_path / c / f"{k}.png")
    batched = ImageDataGenerator(**kwargs).flow_from_directory(tmp_path, target_size=(10, 12),
                                                               batch_size=4, seed=2)
    single = PerImage(**kwargs).flow_from_directory(tmp_path, target_size=(10, 12),
                                                    batch_size=4, seed=2)
    for i in range(2):
        np.testing.assert_allclose(batched[i][0], single[i][0], atol=1e-3)
        np.testing.assert_array_equal(batched[i][1], single[i][1])
