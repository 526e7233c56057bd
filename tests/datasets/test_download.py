"""Downloads against a local HTTP server on 127.0.0.1; nothing here reaches the network."""

import hashlib

import numpy as np
import pytest

from shenjing.datasets import DownloadError, _cache, fashion_mnist, mnist


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def files_in(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_mnist_is_downloaded_checked_cached_and_reused(cache, server, mnist_npz, mnist_hash, mnist_arrays):
    server.files["mnist.npz"] = mnist_npz
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    np.testing.assert_array_equal(x_test, mnist_arrays["x_test"])
    assert server.requests == ["/mnist.npz"]
    assert files_in(cache) == ["mnist.npz"]  # no temporary file left over
    assert (cache / "mnist.npz").read_bytes() == mnist_npz
    (x_again, _), _ = mnist.load_data()
    np.testing.assert_array_equal(x_again, x_train)
    assert server.requests == ["/mnist.npz"]  # the second call read the cache


def test_mnist_path_names_the_cached_file_not_the_url(cache, server, mnist_npz, mnist_hash):
    server.files["mnist.npz"] = mnist_npz
    mnist.load_data(path="mine/digits.npz")
    assert server.requests == ["/mnist.npz"]
    assert (cache / "mine" / "digits.npz").read_bytes() == mnist_npz


def test_corrupted_download_is_rejected_and_leaves_no_file(cache, server, mnist_npz, mnist_hash):
    corrupted = bytearray(mnist_npz)
    corrupted[len(corrupted) // 2] ^= 0xFF
    server.files["mnist.npz"] = bytes(corrupted)
    with pytest.raises(DownloadError) as info:
        mnist.load_data()
    message = str(info.value)
    assert f"{server.url}mnist.npz" in message
    assert f"expected {sha256(mnist_npz)}" in message and f"got {sha256(bytes(corrupted))}" in message
    assert files_in(cache) == []


def test_http_404_is_a_clear_error_naming_the_url(cache, server, mnist_hash):
    with pytest.raises(DownloadError, match=r"mnist.npz: the server answered HTTP 404") as info:
        mnist.load_data()
    assert f"{server.url}mnist.npz" in str(info.value)
    assert str(cache / "mnist.npz") in str(info.value)  # and where to put the file by hand
    assert files_in(cache) == []


def test_offline_with_an_empty_cache_says_where_to_put_the_files(cache):
    with pytest.raises(FileNotFoundError) as info:
        mnist.load_data()
    message = str(info.value)
    assert "cannot be downloaded" in message and "cannot connect" in message
    assert "put Keras's mnist.npz" in message and str(cache / "mnist.npz") in message
    assert "shenjing.datasets.mnist_sample.load_data()" in message and "5,000" in message
    assert "shenjing.datasets.mnist.load_data()" in message  # how to download it
    assert files_in(cache) == []


def test_fashion_offline_error_names_the_cache_and_the_debian_package(cache):
    with pytest.raises(FileNotFoundError) as info:
        fashion_mnist.load_data()
    message = str(info.value)
    assert str(cache / "fashion-mnist") in message
    assert "dataset-fashion-mnist" in message and "train-images-idx3-ubyte.gz" in message
    assert "shenjing.datasets.fashion_mnist.load_data()" in message and "mnist_sample" in message


def test_a_stalled_server_times_out_instead_of_hanging(cache, server, mnist_npz, mnist_hash, monkeypatch):
    server.files["mnist.npz"] = mnist_npz
    server.delay = 1.0
    monkeypatch.setattr(_cache, "TIMEOUT", 0.2)
    with pytest.raises(FileNotFoundError, match="timed out"):
        mnist.load_data()
    assert files_in(cache) == []


def test_the_next_mirror_is_tried_when_one_fails(cache, server, closed_url, mnist_npz, mnist_hash, monkeypatch):
    server.files["mnist.npz"] = mnist_npz
    monkeypatch.setenv("SHENJING_DATASETS_MIRROR", f"{closed_url} {server.url}")
    mnist.load_data()
    assert server.requests == ["/mnist.npz"]
    assert files_in(cache) == ["mnist.npz"]


def test_mirrors_default_to_the_module_list_and_env_overrides(monkeypatch):
    monkeypatch.delenv("SHENJING_DATASETS_MIRROR")
    assert _cache.mirrors(mnist.MIRRORS) == mnist.MIRRORS
    monkeypatch.setenv("SHENJING_DATASETS_MIRROR", "http://a.example/x, http://b.example/y/")
    assert _cache.mirrors(mnist.MIRRORS) == ["http://a.example/x/", "http://b.example/y/"]


def test_fashion_files_are_downloaded_once_into_the_cache(cache, server, fashion_files, fashion_hashes, mnist_arrays):
    server.files.update(fashion_files)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, mnist_arrays["x_train"])
    np.testing.assert_array_equal(y_test, mnist_arrays["y_test"])
    assert sorted(server.requests) == sorted("/" + name for name in fashion_files)
    assert files_in(cache) == sorted(fashion_files)
    fashion_mnist.load_data()
    assert len(server.requests) == 4


def test_fashion_downloads_only_the_missing_files(cache, server, fashion_files, fashion_hashes):
    server.files.update(fashion_files)
    (cache / "fashion-mnist").mkdir(parents=True)
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        (cache / "fashion-mnist" / name).write_bytes(fashion_files[name])
    fashion_mnist.load_data()
    assert sorted(server.requests) == ["/t10k-images-idx3-ubyte.gz", "/t10k-labels-idx1-ubyte.gz"]


def test_fashion_corrupted_file_is_rejected_and_not_kept(cache, server, fashion_files, fashion_hashes):
    server.files.update(fashion_files)
    server.files["t10k-labels-idx1-ubyte.gz"] = b"\x1f\x8b garbage"
    with pytest.raises(DownloadError, match="t10k-labels-idx1-ubyte.gz: SHA-256 mismatch"):
        fashion_mnist.load_data()
    # The files that passed their check stay cached; the bad one and its temporary file are gone.
    assert "t10k-labels-idx1-ubyte.gz" not in files_in(cache)
    assert not any(name.endswith(".part") for name in files_in(cache))


def test_download_false_never_contacts_the_server(cache, server, mnist_npz, mnist_hash, fashion_files, fashion_hashes):
    server.files["mnist.npz"] = mnist_npz
    server.files.update(fashion_files)
    with pytest.raises(FileNotFoundError, match="download=False") as info:
        mnist.load_data(download=False)
    assert str(cache / "mnist.npz") in str(info.value) and "mnist_sample.load_data()" in str(info.value)
    with pytest.raises(FileNotFoundError, match="dataset-fashion-mnist") as info:
        fashion_mnist.load_data(download=False)
    assert str(cache / "fashion-mnist") in str(info.value)
    assert server.requests == [] and files_in(cache) == []
