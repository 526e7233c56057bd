"""keras.utils.array_to_img / img_to_array / save_img / load_img (reached also as
keras.preprocessing.image.*, as the DCGAN example's GANMonitor does) and keras.utils.plot_model's
ImportError naming what to install when pydot or Graphviz is missing."""

import numpy as np
import pytest

import shenjing as tf
from shenjing import keras
from shenjing.utils import image_utils, model_visualization

pytest.importorskip("PIL")


def test_array_to_img_scales_to_uint8_and_round_trips(tmp_path):
    x = tf.constant(np.linspace(0.0, 1.0, 28 * 28, dtype="float32").reshape(28, 28, 1) * 255)
    img = keras.preprocessing.image.array_to_img(x)
    assert img.mode == "L" and img.size == (28, 28)
    arr = keras.utils.img_to_array(img)
    assert arr.shape == (28, 28, 1) and arr.dtype == np.float32
    assert arr.min() == 0 and arr.max() == 255
    path = tmp_path / "img.png"
    img.save(path)
    back = keras.utils.load_img(path, color_mode="grayscale")
    np.testing.assert_array_equal(keras.utils.img_to_array(back), arr)


def test_rgb_save_load_resize_and_channels_first(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (6, 8, 3)).astype("float32")
    path = tmp_path / "rgb.png"
    keras.utils.save_img(path, x, scale=False)
    img = keras.utils.load_img(path)
    assert img.mode == "RGB" and img.size == (8, 6)
    np.testing.assert_array_equal(keras.utils.img_to_array(img), x)
    assert keras.utils.load_img(path, target_size=(3, 4)).size == (4, 3)
    chw = keras.utils.img_to_array(img, data_format="channels_first")
    assert chw.shape == (3, 6, 8)
    img2 = keras.utils.array_to_img(chw, data_format="channels_first", scale=False)
    np.testing.assert_array_equal(keras.utils.img_to_array(img2), x)


def test_array_to_img_errors():
    with pytest.raises(ValueError, match="rank 3"):
        keras.utils.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="channel number"):
        keras.utils.array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="color_mode"):
        image_utils.load_img("unused.png", color_mode="cmyk")


def _model():
    inputs = keras.Input((4,))
    return keras.Model(inputs, keras.layers.Dense(2)(inputs))


def test_plot_model_names_pydot_when_missing(monkeypatch):
    monkeypatch.setattr(model_visualization, "pydot", None)
    with pytest.raises(ImportError, match=r"pip install pydot"):
        keras.utils.plot_model(_model(), "model.png", show_shapes=True)
    with pytest.raises(ImportError, match=r"pip install pydot"):
        keras.utils.model_to_dot(_model())


def test_plot_model_names_graphviz_when_dot_is_missing(monkeypatch):
    class _FakeDot:
        def create(self):
            raise OSError("dot not found")

    class _FakePydot:
        Dot = _FakeDot
        PydotException = RuntimeError

    monkeypatch.setattr(model_visualization, "pydot", _FakePydot)
    with pytest.raises(ImportError, match="install graphviz"):
        keras.utils.plot_model(_model(), "model.png")
