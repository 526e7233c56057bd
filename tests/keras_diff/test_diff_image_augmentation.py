"""The random augmentation layers against Keras 3.15 (JAX) where the result is deterministic:
fixed-factor configurations (values, 4-D and 3-D, both data formats), each layer's
``transform_images`` given the same drawn transformation, inference outputs, configs both ways
and ``compute_output_shape`` on random configurations, and `.keras` files written by each side
loaded by the other."""

import json

import numpy as np
import pytest

import shenjing as sj
from shenjing import layers as L
from shenjing import saving

keras = pytest.importorskip("keras")

FIXED = [
    ("RandomRotation", {"factor": (0.25, 0.25)}),
    ("RandomRotation", {"factor": (0.5, 0.5), "interpolation": "nearest", "fill_mode": "constant"}),
    ("RandomRotation", {"factor": (0.1, 0.1), "fill_mode": "wrap"}),
    ("RandomRotation", {"factor": (-0.13, -0.13), "fill_mode": "nearest", "fill_value": 2.0}),
    ("RandomRotation", {"factor": (0.07, 0.07), "fill_mode": "constant", "fill_value": 9.0,
                        "data_format": "channels_first"}),
    ("RandomZoom", {"height_factor": (0.5, 0.5)}),
    ("RandomZoom", {"height_factor": (-0.3, -0.3), "width_factor": (0.2, 0.2),
                    "fill_mode": "constant", "fill_value": 3.0}),
    ("RandomZoom", {"height_factor": (0.25, 0.25), "interpolation": "nearest", "fill_mode": "wrap",
                    "data_format": "channels_first"}),
    ("RandomTranslation", {"height_factor": (1 / 7, 1 / 7), "width_factor": (-2 / 6, -2 / 6)}),
    ("RandomTranslation", {"height_factor": (0.3, 0.3), "width_factor": (0.1, 0.1),
                           "fill_mode": "wrap", "interpolation": "nearest"}),
    ("RandomTranslation", {"height_factor": (-0.2, -0.2), "width_factor": (0.45, 0.45),
                           "fill_mode": "nearest", "data_format": "channels_first"}),
    ("RandomContrast", {"factor": (-0.3, 0.3)}),
    ("RandomContrast", {"factor": (-0.6, 0.6), "value_range": (0, 100),
                        "data_format": "channels_first"}),
    ("RandomContrast", {"factor": 0.0}),
    ("RandomBrightness", {"factor": (0.1, 0.1)}),
    ("RandomBrightness", {"factor": (-0.4, -0.4), "value_range": (50, 200)}),
    ("RandomGrayscale", {"factor": 1.0}),
    ("RandomGrayscale", {"factor": 1.0, "data_format": "channels_first"}),
    ("RandomGrayscale", {"factor": 0.0}),
    ("RandomCrop", {"height": 7, "width": 6}),
    ("RandomCrop", {"height": 9, "width": 4}),
    ("RandomCrop", {"height": 3, "width": 8, "data_format": "channels_first"}),
    ("RandomErasing", {"factor": 0.0}),
]


def _images(index, channels_first=False):
    x = np.random.default_rng(index).uniform(0, 255, (2, 7, 6, 3)).astype("float32")
    return x.transpose(0, 3, 1, 2) if channels_first else x


@pytest.mark.parametrize("index", range(len(FIXED)), ids=[f"{c[0]}-{i}" for i, c in enumerate(FIXED)])
def test_fixed_factor_values(index):
    name, kwargs = FIXED[index]
    ours, theirs = getattr(L, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    x = _images(index, kwargs.get("data_format") == "channels_first")
    for images in (x, x[0]):
        for training in (True, False):
            a, b = ours(images, training=training).numpy(), np.asarray(theirs(images, training=training))
            assert a.shape == b.shape and a.dtype == b.dtype, (training, a.shape, b.shape)
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=2e-3, err_msg=f"training={training}")


def _same_transformation(name, ours, x):
    """A transformation drawn by ours, in the form Keras's transform_images reads."""
    t = ours.get_random_transformation(x, training=True)
    if isinstance(t, dict):
        return t, {k: np.asarray(v) if isinstance(v, np.ndarray) else v for k, v in t.items()}
    return t, t


@pytest.mark.parametrize("name, kwargs", [
    ("RandomFlip", {}), ("RandomFlip", {"mode": "horizontal"}),
    ("RandomFlip", {"mode": "vertical", "data_format": "channels_first"}),
    ("RandomRotation", {"factor": 0.4, "fill_mode": "reflect"}),
    ("RandomZoom", {"height_factor": (-0.4, 0.6), "width_factor": 0.3}),
    ("RandomTranslation", {"height_factor": 0.3, "width_factor": (-0.2, 0.5), "fill_mode": "wrap"}),
    ("RandomContrast", {"factor": (0.4, 0.7)}), ("RandomBrightness", {"factor": 0.3}),
    ("RandomGrayscale", {"factor": 0.5}), ("RandomCrop", {"height": 4, "width": 3}),
    ("RandomErasing", {"scale": (0.1, 0.5)}), ("RandomErasing", {"fill_value": 7.0}),
    ("RandomErasing", {"fill_value": [1.0, 2.0, 3.0], "value_range": (0, 2)}),
])
def test_transform_images_of_a_drawn_transformation(name, kwargs):
    ours = getattr(L, name)(seed=3, **kwargs)
    theirs = getattr(keras.layers, name)(**kwargs)
    x = np.random.default_rng(1).uniform(0, 255, (6, 7, 6, 3)).astype("float32")
    if kwargs.get("data_format") == "channels_first":
        x = x.transpose(0, 3, 1, 2)
    mine, keras_form = _same_transformation(name, ours, x)
    a = ours.transform_images(x, mine, training=True).numpy()
    b = np.asarray(theirs.transform_images(x, keras_form, training=True))
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=2e-3)


@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_inference_outputs_and_dtypes(dtype):
    x = np.random.default_rng(0).uniform(0, 255, (2, 6, 5, 3)).astype(dtype)
    for name, args in [("RandomFlip", ()), ("RandomRotation", (0.3,)), ("RandomZoom", (0.3,)),
                       ("RandomTranslation", (0.2, 0.2)), ("RandomCrop", (3, 3)),
                       ("RandomContrast", (0.5,)), ("RandomBrightness", (0.2,)),
                       ("RandomGrayscale", ()), ("RandomErasing", ())]:
        a = getattr(L, name)(*args)(x, training=False)
        b = np.asarray(getattr(keras.layers, name)(*args)(x, training=False))
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a.numpy(), b, err_msg=name)


def _random_configs():
    rng = np.random.default_rng(12)
    modes = ["reflect", "wrap", "constant", "nearest"]
    formats = ["channels_last", "channels_first"]
    out = []
    for i in range(4):
        pair = sorted(rng.uniform(-0.9, 0.9, 2).round(3).tolist())
        common = {"fill_mode": modes[i], "interpolation": ["nearest", "bilinear"][i % 2],
                  "fill_value": round(float(rng.uniform(0, 5)), 2), "seed": int(rng.integers(100)),
                  "data_format": formats[i % 2]}
        out += [("RandomRotation", {"factor": pair, **common}),
                ("RandomZoom", {"height_factor": pair, "width_factor": [None, 0.3][i % 2], **common}),
                ("RandomTranslation", {"height_factor": float(pair[1]), "width_factor": pair, **common}),
                ("RandomFlip", {"mode": ["horizontal", "vertical", "horizontal_and_vertical"][i % 3],
                                "seed": i, "data_format": formats[i % 2]}),
                ("RandomCrop", {"height": int(rng.integers(1, 9)), "width": int(rng.integers(1, 9)),
                                "seed": i, "data_format": formats[i % 2]}),
                ("RandomContrast", {"factor": [0.1 * i, 0.2 * i], "value_range": [0, i + 1], "seed": i}),
                ("RandomBrightness", {"factor": float(pair[1]), "value_range": [i + 1, 0]}),
                ("RandomGrayscale", {"factor": 0.25 * i, "data_format": formats[i % 2]}),
                ("RandomErasing", {"factor": 0.2 * i, "scale": [0.05, 0.1 * (i + 1)],
                                   "fill_value": [None, 1.0][i % 2], "value_range": [0, 2 ** i]})]
    return out


CONFIGS = _random_configs()


def _plain(config):
    return json.loads(json.dumps(config))


@pytest.mark.parametrize("index", range(len(CONFIGS)), ids=[f"{c[0]}-{i}" for i, c in enumerate(CONFIGS)])
def test_configs_and_output_shapes(index):
    name, kwargs = CONFIGS[index]
    ours, theirs = getattr(L, name)(name="probe", **kwargs), getattr(keras.layers, name)(name="probe", **kwargs)
    assert _plain(ours.get_config()) == _plain(theirs.get_config())
    from_keras = getattr(L, name).from_config(_plain(theirs.get_config()))
    assert _plain(from_keras.get_config()) == _plain(theirs.get_config())
    from_ours = getattr(keras.layers, name).from_config(_plain(ours.get_config()))
    assert _plain(from_ours.get_config()) == _plain(ours.get_config())
    for shape in [(None, 7, 6, 3), (4, 5, 9, 3), (8, 8, 3)]:
        assert tuple(ours.compute_output_shape(shape)) == tuple(theirs.compute_output_shape(shape))


def _sequential(ns, input_shape=(7, 6, 3)):
    return [ns.Input(input_shape), ns.layers.RandomFlip("horizontal", seed=1),
            ns.layers.RandomRotation((-0.1, 0.2), fill_mode="constant", fill_value=1.0, seed=2),
            ns.layers.RandomZoom(0.2, 0.1, interpolation="nearest", seed=3),
            ns.layers.RandomTranslation(0.1, (0.0, 0.2), fill_mode="wrap"),
            ns.layers.RandomContrast((0.2, 0.3), value_range=(0, 1)),
            ns.layers.RandomBrightness(0.1, value_range=(0, 1)),
            ns.layers.RandomGrayscale(0.3), ns.layers.RandomErasing(scale=(0.1, 0.2), value_range=(0, 1)),
            ns.layers.RandomCrop(5, 4, seed=7), ns.layers.Conv2D(2, 3)]


def _check_same(ours_model, keras_model, x):
    assert [type(a).__name__ for a in ours_model.layers] == [type(b).__name__ for b in keras_model.layers]
    for a, b in zip(ours_model.layers, keras_model.layers):
        assert _plain(a.get_config()) == _plain(b.get_config()), type(a).__name__
    # inference: every augmentation passes the images through (RandomCrop too), then the conv
    np.testing.assert_allclose(ours_model.predict(x, verbose=0), np.asarray(keras_model.predict(x, verbose=0)),
                               rtol=1e-4, atol=1e-4)


def test_keras_file_written_by_keras_loads_in_shenjing(tmp_path):
    model = keras.Sequential(_sequential(keras))
    path = tmp_path / "theirs.keras"
    model.save(path)
    x = np.random.default_rng(0).random((3, 7, 6, 3)).astype("float32")
    _check_same(saving.load_model(path), model, x)


def test_keras_file_written_by_shenjing_loads_in_keras(tmp_path):
    model = sj.keras.Sequential(_sequential(sj.keras))
    path = tmp_path / "ours.keras"
    model.save(path)
    x = np.random.default_rng(1).random((3, 7, 6, 3)).astype("float32")
    _check_same(model, keras.saving.load_model(path), x)
