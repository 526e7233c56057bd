"""A dataset path that is not a regular file: a directory, a FIFO (which must not hang), a
device, a symbolic link, a file that cannot be read. Opening is done with O_NONBLOCK and
checked with fstat, so the check and the read are about the same file.
"""

import os

import numpy as np
import pytest

import dataset_bombs as bombs
from shenjing.datasets import DatasetFormatError, IDXError, fashion_mnist, mnist, read_idx
from shenjing.datasets import _files


def valid_npz(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bombs.zip_archive([bombs.stored(f"{k}.npy", v) for k, v in bombs.mnist_entries().items()]))
    return path


def test_a_directory_is_refused(tmp_path, cache):
    (cache / "mnist.npz").mkdir(parents=True)
    # A folder is an IsADirectoryError, as shenjing.safety.check_regular_file reports it.
    with pytest.raises(IsADirectoryError, match=r"Expected an .npz file, received a folder: '.*mnist.npz'"):
        mnist.load_data()
    (tmp_path / "images.gz").mkdir()
    with pytest.raises(IsADirectoryError, match="Expected an IDX file, received a folder"):
        read_idx(tmp_path / "images.gz")


@pytest.mark.parametrize("loader", ["mnist", "idx"])
def test_a_fifo_is_refused_without_hanging(tmp_path, loader):
    fifo = tmp_path / ("mnist.npz" if loader == "mnist" else "labels.gz")
    os.mkfifo(fifo)
    link = tmp_path / "link-to-fifo"
    os.symlink(fifo, link)
    for path in (fifo, link):
        call = f"mnist.load_data(path={str(path)!r})" if loader == "mnist" else f"read_idx({str(path)!r})"
        result = bombs.load_in_child("from shenjing.datasets import mnist, read_idx", call, timeout=30)
        assert result["error"] in ("DatasetFormatError", "IDXError"), result  # not a hang
        assert "found a FIFO (named pipe)" in result["message"] and str(path) in result["message"]


def test_a_device_is_refused(tmp_path):
    # /dev/zero would otherwise be an endless stream of valid-looking zeros.
    with pytest.raises(IDXError, match="'/dev/zero': expected an IDX file .*found a character device"):
        read_idx("/dev/zero")
    with pytest.raises(DatasetFormatError, match="found a character device"):
        mnist.load_data(path="/dev/zero")


def test_a_symlink_to_a_regular_file_is_followed(tmp_path, cache):
    real = valid_npz(tmp_path / "shared" / "mnist.npz")
    cache.mkdir(parents=True)
    os.symlink(real, cache / "mnist.npz")
    (x_train, _), _ = mnist.load_data()
    assert x_train.shape == (6, 28, 28)


def test_a_dangling_symlink_is_reported_not_replaced(tmp_path, cache, server):
    cache.mkdir(parents=True)
    os.symlink(tmp_path / "unmounted" / "mnist.npz", cache / "mnist.npz")
    with pytest.raises(FileNotFoundError, match=r"cannot open an .npz file: No such file"):
        mnist.load_data()
    assert server.requests == [] and os.path.islink(cache / "mnist.npz")


def test_an_unreadable_file_names_the_path(tmp_path, monkeypatch):
    path = valid_npz(tmp_path / "mnist.npz")
    real_open = os.open

    def refuse(name, *args, **kwargs):
        if os.fspath(name) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(PermissionError, match="cannot open an .npz file: Permission denied") as info:
        mnist.load_data(path=str(path))
    assert info.value.filename == str(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file_for_real(tmp_path):
    path = valid_npz(tmp_path / "mnist.npz")
    path.chmod(0)
    with pytest.raises(PermissionError, match="Permission denied"):
        mnist.load_data(path=str(path))


def test_a_directory_in_the_fashion_cache_is_named(cache, fashion_files):
    folder = cache / "fashion-mnist"
    folder.mkdir(parents=True)
    for name, data in fashion_files.items():
        (folder / name).write_bytes(data)
    os.remove(folder / "t10k-images-idx3-ubyte.gz")
    (folder / "t10k-images-idx3-ubyte.gz").mkdir()
    with pytest.raises(IsADirectoryError, match=r"received a folder: '.*fashion-mnist/t10k-images-idx3-ubyte.gz'"):
        fashion_mnist.load_data()


def test_a_damaged_debian_file_says_to_reinstall_the_package(tmp_path, monkeypatch, fashion_files):
    debian = tmp_path / "debian"
    debian.mkdir()
    for name, data in fashion_files.items():
        (debian / name).write_bytes(data[:-20] if name.startswith("t10k-images") else data)
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", str(debian))
    with pytest.raises(IDXError, match="apt-get install --reinstall dataset-fashion-mnist"):
        fashion_mnist.load_data()


def test_reading_a_regular_file_leaves_it_blocking(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    with _files.open_regular(path) as f:
        assert os.get_blocking(f.fileno()) and f.read() == b"abc"
    np.testing.assert_array_equal(np.frombuffer(_files.read_exactly(open(path, "rb"), 2)[0], np.uint8), [97, 98])
