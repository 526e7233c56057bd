import io
import os

import numpy as np
import pytest

from shenjing.datasets import DatasetFormatError, mnist
from shenjing.safety import FormatError


def write_npz(path, **arrays):
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.write_bytes(buffer.getvalue())
    return path


def test_reads_the_cached_npz_as_keras_returns_it(cache, mnist_arrays):
    write_npz(cache / "mnist.npz", **mnist_arrays)
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    for name, array in zip(mnist.KEYS, (x_train, y_train, x_test, y_test)):
        np.testing.assert_array_equal(array, mnist_arrays[name])
        assert array.dtype == np.uint8
    assert x_train.shape == (6, 28, 28) and y_test.shape == (4,)


def test_path_is_relative_to_the_cache_or_absolute_as_in_keras(cache, tmp_path, mnist_arrays):
    write_npz(cache / "sub" / "digits.npz", **mnist_arrays)
    (x_train, _), _ = mnist.load_data(path=os.path.join("sub", "digits.npz"))
    np.testing.assert_array_equal(x_train, mnist_arrays["x_train"])
    elsewhere = write_npz(tmp_path / "elsewhere" / "m.npz", **mnist_arrays)
    (_, y_train), _ = mnist.load_data(path=str(elsewhere))
    np.testing.assert_array_equal(y_train, mnist_arrays["y_train"])


def replace(arrays, **changes):
    return {**arrays, **changes}


@pytest.mark.parametrize("change, message", [
    (lambda a: replace(a, x_train=a["x_train"][:, :, :27]),
     r"x_train: expected uint8 images of shape \(n, 28, 28\), found uint8 of shape \(6, 28, 27\)"),
    (lambda a: replace(a, x_test=a["x_test"].astype(np.float32)), r"x_test: expected uint8 images.*found float32"),
    (lambda a: replace(a, y_train=a["y_train"][:5]), r"x_train holds 6 images but y_train holds 5 labels"),
    (lambda a: replace(a, y_test=a["y_test"][:, None]), r"y_test: expected uint8 labels of shape \(n,\)"),
    (lambda a: replace(a, y_train=np.full(6, 10, np.uint8)), r"labels must lie in 0..9, found 10"),
    (lambda a: {k: v for k, v in a.items() if k != "y_test"}, r"missing arrays \['y_test'\]"),
])
def test_malformed_npz_is_rejected_naming_the_file(cache, mnist_arrays, change, message):
    write_npz(cache / "mnist.npz", **change(mnist_arrays))
    with pytest.raises(DatasetFormatError, match=message) as info:
        mnist.load_data()
    assert isinstance(info.value, FormatError) and info.value.path == str(cache / "mnist.npz")
    assert f"rm '{cache / 'mnist.npz'}'" in str(info.value)  # the remedy for a damaged cache file


def test_pickled_object_arrays_are_never_loaded(cache, mnist_arrays):
    objects = np.empty(6, dtype=object)
    write_npz(cache / "mnist.npz", **replace(mnist_arrays, y_train=objects))
    with pytest.raises(DatasetFormatError, match=r"mnist.npz': y_train: expected uint8 labels.*found object"):
        mnist.load_data()


@pytest.mark.parametrize("content", [b"not a zip file at all", b"PK\x03\x04truncated", None])
def test_files_that_are_not_npz_archives_are_rejected(cache, content):
    cache.mkdir(parents=True)
    if content is None:  # a single .npy array, not an archive
        np.save(cache / "mnist.npy", np.zeros(3))
        os.replace(cache / "mnist.npy", cache / "mnist.npz")
    else:
        (cache / "mnist.npz").write_bytes(content)
    with pytest.raises(DatasetFormatError, match="mnist.npz"):
        mnist.load_data()


def test_the_mnist_hash_is_the_one_keras_uses():
    # keras/src/datasets/mnist.py passes this file_hash to get_file for the same URL.
    assert mnist.FILE_HASH == "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
    assert mnist.MIRRORS == ["https://storage.googleapis.com/tensorflow/tf-keras-datasets/"]
