import gzip
import hashlib
import os
import struct

import numpy as np
import pytest

from shenjing.datasets import DatasetFormatError, IDXError, fashion_mnist
from shenjing.safety import FormatError

DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"
debian_only = pytest.mark.skipif(
    not all(os.path.exists(os.path.join(DEBIAN_DIR, name)) for name in fashion_mnist.FILES.values()),
    reason="Debian's dataset-fashion-mnist package is not installed",
)


def idx_gz(array):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + b"".join(struct.pack(">I", n) for n in array.shape)
    return gzip.compress(header + array.tobytes())


def write_files(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def test_reads_the_cache_before_the_debian_folder(cache, tmp_path, monkeypatch, fashion_files, mnist_arrays):
    write_files(cache / "fashion-mnist", fashion_files)
    debian = tmp_path / "debian"
    write_files(debian, {name: idx_gz(np.zeros_like(mnist_arrays[key])) for key, name in fashion_mnist.FILES.items()})
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", str(debian))
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, mnist_arrays["x_train"])
    np.testing.assert_array_equal(y_test, mnist_arrays["y_test"])
    assert x_train.dtype == y_train.dtype == np.uint8


def test_reads_the_debian_folder_when_the_cache_is_incomplete(cache, tmp_path, monkeypatch, fashion_files, mnist_arrays):
    write_files(cache / "fashion-mnist", {"train-images-idx3-ubyte.gz": fashion_files["train-images-idx3-ubyte.gz"]})
    write_files(tmp_path / "debian", fashion_files)
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", str(tmp_path / "debian"))
    (_, y_train), _ = fashion_mnist.load_data()
    np.testing.assert_array_equal(y_train, mnist_arrays["y_train"])


@pytest.mark.parametrize("key, array, message", [
    ("y_train", np.zeros(5, np.uint8), r"train-images-idx3-ubyte.gz': x_train holds 6 images but y_train in '.*train-labels-idx1-ubyte.gz' holds 5 labels"),
    ("x_test", np.zeros((4, 28, 27), np.uint8), r"t10k-images-idx3-ubyte.gz': IDX header: expected uint8 images of shape \(n, 28, 28\), found uint8 of shape \(4, 28, 27\)"),
    ("x_train", np.zeros((6, 784), np.uint8), r"train-images-idx3-ubyte.gz': IDX header: expected uint8 images"),
    ("y_test", np.zeros((4, 1), np.uint8), r"t10k-labels-idx1-ubyte.gz': IDX header: expected uint8 labels of shape \(n,\)"),
    ("y_test", np.full(4, 12, np.uint8), r"t10k-labels-idx1-ubyte.gz': y_test: labels must lie in 0..9, found 12"),
])
def test_inconsistent_files_are_rejected_naming_the_file(cache, fashion_files, key, array, message):
    files = dict(fashion_files)
    files[fashion_mnist.FILES[key]] = idx_gz(array)
    write_files(cache / "fashion-mnist", files)
    with pytest.raises(DatasetFormatError, match=message):
        fashion_mnist.load_data()


def test_a_malformed_idx_file_is_rejected(cache, fashion_files):
    files = dict(fashion_files, **{"t10k-labels-idx1-ubyte.gz": gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x09\x01")})
    write_files(cache / "fashion-mnist", files)
    with pytest.raises(IDXError, match="t10k-labels-idx1-ubyte.gz.*truncated") as info:
        fashion_mnist.load_data()
    assert isinstance(info.value, DatasetFormatError) and isinstance(info.value, FormatError)
    assert "rm '" in str(info.value) and "download it afresh" in str(info.value)


@debian_only
def test_the_real_debian_files(monkeypatch):
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", DEBIAN_DIR)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10 and np.bincount(y_test).tolist() == [1000] * 10
    assert x_train.max() == 255


# Debian's copies hold upstream's deflate streams byte for byte, but its packaging
# rewrote the gzip headers (file name dropped, time stamp set). Putting back
# upstream's header - FNAME flag, the original mtime, the name - gives the exact
# files that Keras's mirror serves, which pins FILE_HASHES to real data.
UPSTREAM_MTIMES = {
    "train-images-idx3-ubyte.gz": 1504176606,
    "train-labels-idx1-ubyte.gz": 1504176606,
    "t10k-images-idx3-ubyte.gz": 1504176627,
    "t10k-labels-idx1-ubyte.gz": 1504176627,
}


@debian_only
@pytest.mark.parametrize("name", sorted(UPSTREAM_MTIMES))
def test_file_hashes_match_the_upstream_archives_rebuilt_from_debian(name):
    debian = open(os.path.join(DEBIAN_DIR, name), "rb").read()
    assert debian[:4] == b"\x1f\x8b\x08\x00"  # deflate, no flags: no file name stored
    header = b"\x1f\x8b\x08\x08" + struct.pack("<I", UPSTREAM_MTIMES[name]) + b"\x00\x03"
    upstream = header + name[: -len(".gz")].encode() + b"\x00" + debian[10:]
    assert hashlib.sha256(upstream).hexdigest() == fashion_mnist.FILE_HASHES[name]
