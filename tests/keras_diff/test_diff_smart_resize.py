"""keras.preprocessing.image.smart_resize against Keras 3's."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")


@pytest.mark.parametrize("shape, size, interpolation", [
    ((37, 50, 3), (20, 20), "bilinear"), ((2, 64, 31, 1), (16, 40), "nearest"),
    ((30, 30, 3), (45, 15), "bicubic"), ((3, 12, 9, 2), (12, 9), "bilinear")])
def test_smart_resize_matches_keras(shape, size, interpolation):
    from shenjing.keras.preprocessing.image import smart_resize

    x = np.random.default_rng(0).uniform(0, 255, shape).astype("float32")
    ours = smart_resize(x, size, interpolation)
    theirs = np.asarray(keras.preprocessing.image.smart_resize(x, size, interpolation))
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, atol=1e-3)


@pytest.mark.parametrize("interpolation", ["bilinear", "bicubic", "lanczos3", "nearest"])
def test_smart_resize_of_uint8_images_matches_keras(interpolation):
    from shenjing.keras.preprocessing.image import smart_resize

    x = np.random.default_rng(1).integers(0, 256, (30, 20, 3)).astype("uint8")
    ours = smart_resize(x, (10, 10), interpolation)
    theirs = np.asarray(keras.preprocessing.image.smart_resize(x, (10, 10), interpolation))
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours.astype("float64"), theirs.astype("float64"), atol=1e-3)


def test_smart_resize_refuses_bad_input():
    from shenjing.keras.preprocessing.image import smart_resize

    with pytest.raises(ValueError, match="rank"):
        smart_resize(np.zeros((4, 4)), (2, 2))
    with pytest.raises(ValueError, match="2 integers"):
        smart_resize(np.zeros((4, 4, 1)), (2, 2, 2))
