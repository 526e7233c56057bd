"""keras.utils.array_to_img and friends (the keras.io custom-training-loop GAN saves images)."""

import numpy as np
import pytest

import shenjing as tf
from shenjing import keras


def test_array_to_img_scales_and_picks_the_mode(tmp_path):
    x = np.linspace(0.0, 1.0, 12, dtype="float32").reshape(2, 2, 3)
    img = keras.utils.array_to_img(x)
    assert img.mode == "RGB" and img.size == (2, 2)
    back = keras.utils.img_to_array(img)
    assert back.shape == (2, 2, 3) and back.dtype == np.float32
    assert back.min() == 0.0 and back.max() == 255.0
    gray = keras.utils.array_to_img(tf.constant(x[:, :, :1] * 255.0), scale=False)
    assert gray.mode == "L"
    np.testing.assert_array_equal(keras.utils.img_to_array(gray)[:, :, 0],
                                  (x[:, :, 0] * 255.0).astype("uint8"))
    assert keras.utils.array_to_img(np.zeros((2, 2, 4))).mode == "RGBA"
    assert keras.utils.array_to_img(np.full((2, 2, 1), 300.0), scale=False).mode == "I"
    first = keras.utils.img_to_array(img, data_format="channels_first")
    assert first.shape == (3, 2, 2)


def test_save_and_load_img(tmp_path):
    x = np.random.default_rng(0).uniform(0, 255, (4, 5, 3)).astype("float32")
    path = str(tmp_path / "a.png")
    keras.utils.save_img(path, x, scale=False)
    img = keras.utils.load_img(path)
    np.testing.assert_array_equal(keras.utils.img_to_array(img), x.astype("uint8"))
    assert keras.utils.load_img(path, color_mode="grayscale", target_size=(2, 3)).size == (3, 2)


def test_bad_input():
    with pytest.raises(ValueError, match="rank 3"):
        keras.utils.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Unsupported channel number: 2"):
        keras.utils.array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="data_format"):
        keras.utils.array_to_img(np.zeros((2, 2, 3)), data_format="nhwc")


def test_keras_preprocessing_image_names():
    # keras.io's WGAN-GP example: keras.preprocessing.image.array_to_img
    from shenjing.keras.preprocessing.image import array_to_img

    assert array_to_img is keras.utils.array_to_img
    assert tf.keras.preprocessing.image.img_to_array is keras.utils.img_to_array
