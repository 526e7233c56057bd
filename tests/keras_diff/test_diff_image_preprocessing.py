"""Rescaling, Resizing, CenterCrop and Normalization against Keras 3.15 (JAX): values and input
gradients on random configurations, configs both ways, Normalization's adapt results (ours on an
array and on batches, Keras's on the array) and a Keras-made `.keras` file with an adapted
Normalization loaded by shenjing."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import layers as L
from shenjing import saving

keras = pytest.importorskip("keras")
jax = pytest.importorskip("jax")

CONFIGS = [
    ("Rescaling", {"scale": 1 / 255.0, "offset": -0.5}, (2, 5, 4, 3)),
    ("Rescaling", {"scale": [0.5, 2.0, -1.0], "offset": 0.25}, (2, 4, 3)),
    ("Resizing", {"height": 7, "width": 3}, (2, 5, 4, 2)),
    ("Resizing", {"height": 3, "width": 3, "interpolation": "bicubic", "antialias": True},
     (1, 8, 6, 2)),
    ("Resizing", {"height": 4, "width": 6, "interpolation": "nearest",
                  "crop_to_aspect_ratio": True}, (2, 6, 5, 1)),
    ("Resizing", {"height": 5, "width": 2, "pad_to_aspect_ratio": True, "fill_value": 0.5,
                  "interpolation": "lanczos3"}, (1, 4, 6, 2)),
    ("Resizing", {"height": 3, "width": 5, "data_format": "channels_first"}, (2, 2, 6, 4)),
    ("CenterCrop", {"height": 3, "width": 2}, (2, 6, 5, 3)),
    ("CenterCrop", {"height": 7, "width": 3}, (2, 5, 4, 2)),
    ("CenterCrop", {"height": 2, "width": 3, "data_format": "channels_first"}, (3, 5, 6)),
    ("Normalization", {"mean": [1.0, -2.0, 0.5], "variance": [4.0, 0.25, 1.0]}, (2, 4, 3)),
    ("Normalization", {"axis": None, "mean": 0.5, "variance": 2.0, "invert": True}, (2, 3, 4)),
    ("Normalization", {"axis": (1, 2), "mean": np.full((3, 4), 0.3).tolist(),
                       "variance": np.full((3, 4), 1.7).tolist()}, (2, 3, 4)),
]


@pytest.mark.parametrize("index", range(len(CONFIGS)),
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CONFIGS)])
def test_values_gradients_and_config(index):
    name, kwargs, shape = CONFIGS[index]
    rng = np.random.default_rng(index)
    x = rng.uniform(-1, 2, size=shape).astype("float32")
    ours, theirs = getattr(L, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    t = sj.Tensor(x, requires_grad=True)
    y = ours(t)
    w = rng.normal(size=y.shape).astype("float32")
    (y * sj.Tensor(w)).sum().backward()
    y_ref = np.asarray(theirs(x))
    grad_ref = np.asarray(jax.grad(lambda v: (theirs(v) * w).sum())(x))
    np.testing.assert_allclose(y.numpy(), y_ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(t.grad, grad_ref, rtol=1e-4, atol=1e-5)
    ours_cfg, theirs_cfg = ours.get_config(), theirs.get_config()
    for key in theirs_cfg:
        if key not in ("name", "dtype"):
            assert ours_cfg[key] == theirs_cfg[key] or list(np.ravel(ours_cfg[key])) == \
                list(np.ravel(theirs_cfg[key])), key
    mine = getattr(L, name).from_config(theirs_cfg)
    np.testing.assert_allclose(mine(x).numpy(), y_ref, rtol=1e-5, atol=1e-5)
    from_ours = getattr(keras.layers, name).from_config(ours_cfg)
    np.testing.assert_allclose(np.asarray(from_ours(x)), y_ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("axis", [-1, None, (1, 2)])
def test_normalization_adapt_matches_keras(axis):
    rng = np.random.default_rng(7)
    x = rng.normal(2.0, 3.0, size=(24, 3, 4)).astype("float32")
    batches = [x[:10], x[10:17], x[17:]]
    for source in (x, batches):
        ours, theirs = L.Normalization(axis=axis), keras.layers.Normalization(axis=axis)
        ours.adapt(source)
        theirs.adapt(x)  # Keras adapts lists of batches only where TensorFlow is installed
        for a, b in zip(ours.weights[:2], theirs.weights[:2]):
            np.testing.assert_allclose(a.numpy(), np.asarray(b.value), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ours(x).numpy(), np.asarray(theirs(x)), rtol=1e-4, atol=1e-5)
        assert [w.path.split("/")[-1] for w in ours.weights] == \
            [w.path.split("/")[-1] for w in theirs.weights]


def test_keras_file_with_adapted_normalization_loads(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(1.0, 2.0, size=(16, 5, 4, 2)).astype("float32")
    norm = keras.layers.Normalization()
    norm.adapt(x)
    model = keras.Sequential([keras.Input((5, 4, 2)), keras.layers.Rescaling(0.5, 0.1), norm,
                              keras.layers.Resizing(3, 3), keras.layers.CenterCrop(2, 2)])
    path = tmp_path / "pre.keras"
    model.save(path)
    loaded = saving.load_model(path)
    np.testing.assert_allclose(loaded(x).numpy(), np.asarray(model(x)), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(loaded.layers[1].adapt_mean.numpy(), np.asarray(norm.adapt_mean.value),
                               rtol=1e-6)


def test_shenjing_file_with_adapted_normalization_loads_in_keras(tmp_path):
    rng = np.random.default_rng(4)
    x = rng.normal(-1.0, 0.5, size=(12, 6, 5, 3)).astype("float32")
    norm = L.Normalization(axis=(-2, -1))
    norm.adapt(x)
    model = sj.keras.Sequential([sj.keras.Input((6, 5, 3)), L.Rescaling(2.0), norm,
                                 L.Resizing(4, 4, antialias=True), L.CenterCrop(3, 2)])
    path = tmp_path / "ours.keras"
    model.save(path)
    theirs = keras.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(theirs(x)), model(x).numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_resizing_keeps_integer_images(interpolation):
    x = np.random.default_rng(5).integers(0, 256, size=(2, 5, 7, 3)).astype("uint8")
    ours = L.Resizing(3, 4, interpolation=interpolation)(x)
    theirs = np.asarray(keras.layers.Resizing(3, 4, interpolation=interpolation)(x))
    assert ours.dtype == theirs.dtype == np.uint8
    np.testing.assert_array_equal(ours.numpy(), theirs)
