"""keras.utils.image_dataset_from_directory against Keras 3.15.

Keras's loader needs TensorFlow (tf.data, tf.io.decode_image, tf.image.resize) even with the
JAX backend, and the test environment has no TensorFlow; so the expected values were computed
once with real Keras 3.15 + TensorFlow 2.20 by ``image_dataset_fixture/make_expected.py`` (run
it in a venv with tensorflow to regenerate ``expected.npz``), on the image tree that the
script's ``write_images`` makes, which this test makes again. Compared: images (values, shape,
dtype), labels, ``file_paths`` order, and the seeded validation split."""
import importlib.util
import os

import numpy as np
import pytest

from shenjing import keras

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "image_dataset_fixture")
_spec = importlib.util.spec_from_file_location("make_image_expected",
                                               os.path.join(HERE, "make_expected.py"))
fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture)
EXPECTED = np.load(os.path.join(HERE, "expected.npz"))
# Tolerance in 0..255 units: bilinear, nearest and lanczos3 agree with tf.image.resize to float32
# rounding; bicubic (keras.ops.image.resize's kernel) differs from TF's by up to 0.63 here.
TOLERANCE = {"gray_bicubic": 0.75}


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = tmp_path_factory.mktemp("images")
    fixture.write_images(str(path))
    return str(path)


def _collect(ds):
    xs, ys = zip(*[(np.asarray(x), np.asarray(y)) for x, y in ds])
    return np.concatenate(xs), np.concatenate(ys)


@pytest.mark.parametrize("name", sorted(fixture.CASES))
def test_matches_keras(root, name):
    ds = keras.utils.image_dataset_from_directory(root, shuffle=False, batch_size=4,
                                                  verbose=False, **fixture.CASES[name])
    x, y = _collect(ds)
    want_x = EXPECTED[name + "/x"]
    assert x.shape == want_x.shape and x.dtype == want_x.dtype
    np.testing.assert_allclose(x.astype("float64"), want_x.astype("float64"),
                               atol=TOLERANCE.get(name, 1e-3), rtol=0)
    np.testing.assert_array_equal(y, EXPECTED[name + "/y"])
    assert y.dtype == EXPECTED[name + "/y"].dtype
    assert [os.path.relpath(p, root) for p in ds.file_paths] == list(EXPECTED[name + "/paths"])


def test_seeded_split_matches_keras(root):
    train, val = keras.utils.image_dataset_from_directory(root, verbose=False, **fixture.SPLIT)
    assert [os.path.relpath(p, root) for p in train.file_paths] == \
        list(EXPECTED["split/train_paths"])
    assert [os.path.relpath(p, root) for p in val.file_paths] == list(EXPECTED["split/val_paths"])
    x, y = _collect(val)  # the validation subset of "both" is not shuffled
    np.testing.assert_allclose(x, EXPECTED["split/val_x"], atol=1e-3, rtol=0)
    np.testing.assert_array_equal(y, EXPECTED["split/val_y"])
