"""Hostile cached dataset files: shape bombs, decompression bombs, lying zip directories,
dimensions that overflow int64 (issue 10, findings 6 and 9).

Each load that could allocate much runs in a child process with RLIMIT_AS = 1 GiB and a
timeout (``dataset_bombs.load_in_child``), so a regression fails here instead of taking
the machine's memory; the child also reports its peak RSS, which must stay small.
"""

import os
import zlib

import numpy as np
import pytest

import dataset_bombs as bombs
from shenjing.datasets import DatasetFormatError, IDXError, mnist, parse_idx, read_idx
from shenjing.safety import FormatError, ResourceLimitError, override_limits

MNIST = "from shenjing.datasets import mnist"
IDX = "from shenjing.datasets import read_idx, fashion_mnist"
MiB = 1 << 20


def growth_mib(result):
    return (result["peak_kib"] - result["baseline_kib"]) / 1024


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def npz_with(tmp_path, **replacements):
    """An mnist.npz of the tiny valid arrays, some entries replaced by ``(name, data, crc, size, method)``."""
    entries = [bombs.stored(f"{key}.npy", data) for key, data in bombs.mnist_entries().items()
               if key not in replacements]
    return write(tmp_path / "mnist.npz", bombs.zip_archive(entries + list(replacements.values())))


def test_an_npz_declaring_a_trillion_images_is_refused_from_its_header(tmp_path):
    header = bombs.npy_header((10 ** 12, 28, 28))
    path = npz_with(tmp_path, x_train=bombs.stored("x_train.npy", header + bytes(784)))
    result = bombs.load_in_child(MNIST, f"mnist.load_data(path={str(path)!r})")
    assert result["error"] == "DatasetFormatError", result  # was a raw MemoryError
    assert "x_train: expected uint8 images of shape (n, 28, 28) with n <= 60000" in result["message"]
    assert "found n = 1000000000000" in result["message"] and str(path) in result["message"]
    assert growth_mib(result) < 16


def test_an_npz_decompression_bomb_is_refused_before_it_expands(tmp_path):
    n = 700_000  # 549 MB of zeros in 0.5 MB
    stream, crc, size = bombs.deflated_zeros(bombs.npy_header((n, 28, 28)), 128 + n * 784)
    path = npz_with(tmp_path, x_train=("x_train.npy", stream, crc, size, 8))
    assert path.stat().st_size < MiB
    result = bombs.load_in_child(MNIST, f"mnist.load_data(path={str(path)!r})")
    assert result["error"] == "DatasetFormatError", result
    assert "n <= 60000" in result["message"]
    assert growth_mib(result) < 16, result  # was 525 MB


def test_a_small_npz_of_the_real_layout_is_charged_to_the_load_budget(tmp_path):
    stream, crc, size = bombs.deflated_zeros(bombs.npy_header((60_000, 28, 28)), 128 + 60_000 * 784)
    labels = bombs.deflated("y_train.npy", bombs.npy(np.zeros(60_000, np.uint8)))
    path = npz_with(tmp_path, x_train=("x_train.npy", stream, crc, size, 8), y_train=labels)
    result = bombs.load_in_child(MNIST, f"mnist.load_data(path={str(path)!r})")
    assert result["error"] == "ResourceLimitError" and result["format_error"], result
    assert "SHENJING_MAX_EXPANSION" in result["message"] and "x_train.npy" in result["message"]
    assert growth_mib(result) < 16
    # The same file loads when the user raises the limit: a budget, not a ban.
    result = bombs.load_in_child(
        MNIST + "\nfrom shenjing.safety import override_limits",
        f"with override_limits(min_load_bytes=64 << 20): mnist.load_data(path={str(path)!r})")
    assert result["error"] is None, result


def test_worst_case_memory_of_a_1_mb_npz(tmp_path):
    """The most a <= 1 MB mnist.npz can make load_data allocate: the real layout (60,000 + 10,000
    images), zeros, padded with noise to 600 KB so that the budget (100 x file size) allows it."""
    entries = []
    for key, n in (("x_train", 60_000), ("x_test", 10_000)):
        entries.append((f"{key}.npy", *bombs.deflated_zeros(bombs.npy_header((n, 28, 28)), 128 + n * 784), 8))
    for key, n in (("y_train", 60_000), ("y_test", 10_000)):
        entries.append(bombs.deflated(f"{key}.npy", bombs.npy(np.zeros(n, np.uint8))))
    entries.append(bombs.stored("padding.npy", bombs.npy(np.random.default_rng(0).integers(0, 256, 560_000, np.uint8))))
    path = write(tmp_path / "mnist.npz", bombs.zip_archive(entries))
    assert 560_000 < path.stat().st_size <= MiB
    result = bombs.load_in_child(MNIST, f"mnist.load_data(path={str(path)!r})")
    assert result["error"] is None, result
    print(f"\npeak RSS growth for a {path.stat().st_size} byte npz: {growth_mib(result):.1f} MiB (peak {result['peak_kib'] / 1024:.0f} MiB)")
    assert growth_mib(result) < 100  # the 55 MB of arrays MNIST itself is, and little more


def test_a_zip_directory_that_understates_an_entry_is_refused(tmp_path):
    data = bombs.mnist_entries()["x_train"]
    name, stream, crc, size, method = bombs.deflated("x_train.npy", data + bytes(1000))
    path = npz_with(tmp_path, x_train=(name, stream, crc, len(data), method))
    with pytest.raises(DatasetFormatError, match="x_train.npy"):
        mnist.load_data(path=str(path))


def test_a_zip_directory_that_overstates_an_entry_is_refused(tmp_path):
    data = bombs.mnist_entries()["x_train"]
    name, stream, crc, size, method = bombs.deflated("x_train.npy", data)
    path = npz_with(tmp_path, x_train=(name, stream, crc, size * 5000, method))
    with pytest.raises(DatasetFormatError, match=r"x_train.npy: the zip directory says \d+ bytes"):
        mnist.load_data(path=str(path))


def test_duplicate_entries_are_refused(tmp_path):
    good = bombs.mnist_entries()
    evil = bombs.npy(np.zeros((6, 28, 28), np.uint8))
    entries = [bombs.stored(f"{key}.npy", data) for key, data in good.items()] + [bombs.stored("x_train.npy", evil)]
    path = write(tmp_path / "mnist.npz", bombs.zip_archive(entries))
    with pytest.raises(DatasetFormatError, match=r"two entries 'x_train.npy' \(the same name\)"):
        mnist.load_data(path=str(path))


@pytest.mark.parametrize("descr, shape, message", [
    ("<f8", (6, 28, 28), "found float64"),
    ("|u1", (6, 28, 28, 1), r"found uint8 of shape \(6, 28, 28, 1\)"),
    ("|O", (6, 28, 28), "found object"),
])
def test_headers_of_the_wrong_layout_are_refused_before_reading(tmp_path, descr, shape, message):
    path = npz_with(tmp_path, x_train=bombs.stored("x_train.npy", bombs.npy_header(shape, descr)))
    with pytest.raises(DatasetFormatError, match=message):
        mnist.load_data(path=str(path))


def test_a_fortran_order_npz_is_read_correctly(tmp_path):
    images = np.random.default_rng(3).integers(0, 256, (6, 28, 28), dtype=np.uint8)
    data = bombs.npy_header(images.shape, fortran=True) + images.tobytes(order="F")
    path = npz_with(tmp_path, x_train=bombs.stored("x_train.npy", data))
    (x_train, _), _ = mnist.load_data(path=str(path))
    np.testing.assert_array_equal(x_train, images)


def test_a_truncated_npz_entry_is_refused(tmp_path):
    data = bombs.mnist_entries()["x_train"][:-10]
    path = npz_with(tmp_path, x_train=bombs.stored("x_train.npy", data))
    with pytest.raises(DatasetFormatError, match="x_train.npy"):
        mnist.load_data(path=str(path))


# IDX

def test_an_idx_gz_bomb_is_refused_from_its_header(tmp_path):
    n = 1_300_000  # 1 GB of zeros in 1 MB
    path = write(tmp_path / "train-images-idx3-ubyte.gz", bombs.gzip_zeros(bombs.idx_header((n, 28, 28)), 16 + n * 784))
    assert path.stat().st_size <= 1.01 * MiB
    result = bombs.load_in_child(IDX, f"read_idx({str(path)!r}, fashion_mnist.LAYOUTS['x_train'])")
    assert result["error"] == "IDXError", result  # was 1.6 GB
    assert "n <= 60000" in result["message"] and "found n = 1300000" in result["message"]
    assert growth_mib(result) < 16
    # Without a layout, the load budget (100 x 1 MB) refuses it before reading.
    result = bombs.load_in_child(IDX, f"read_idx({str(path)!r})")
    assert result["error"] == "ResourceLimitError", result
    assert growth_mib(result) < 16


def test_worst_case_memory_of_a_1_mb_idx_gz(tmp_path, cache, fashion_files):
    """The most a <= 1 MB IDX .gz can make fashion_mnist.load_data allocate: 60,000 images of the
    real layout, the first 1,200 of them noise so that the file is big enough for the budget."""
    noise = np.random.default_rng(0).integers(0, 256, 1_200 * 784, np.uint8).tobytes()
    data = bombs.gzip_zeros(bombs.idx_header((60_000, 28, 28)) + noise, 16 + 60_000 * 784)
    files = dict(fashion_files, **{"train-images-idx3-ubyte.gz": data})
    files["train-labels-idx1-ubyte.gz"] = bombs.gzip_zeros(bombs.idx_header((60_000,)), 8 + 60_000)
    for name, content in files.items():
        write(cache / "fashion-mnist" / name, content)
    assert len(data) <= MiB
    result = bombs.load_in_child(IDX, "fashion_mnist.load_data()")
    assert result["error"] is None, result
    print(f"\npeak RSS growth for a {len(data)} byte IDX .gz: {growth_mib(result):.1f} MiB (peak {result['peak_kib'] / 1024:.0f} MiB)")
    assert growth_mib(result) < 100


def test_idx_dimensions_overflowing_int64_are_a_clear_error(tmp_path):
    header = bombs.idx_header((65536, 65536, 65536, 65536))  # 2**64 elements: 0 in int64 arithmetic
    with pytest.raises(IDXError, match=r"needs 18446744073709551636 bytes, the file has 20 \(truncated\)"):
        parse_idx(header)  # was a raw ValueError from NumPy's reshape
    with pytest.raises(IDXError, match="truncated"):
        read_idx(write(tmp_path / "a.idx", header))
    with pytest.raises(ResourceLimitError, match="IDX data of shape"):
        read_idx(write(tmp_path / "a.idx.gz", zlib_gzip(header)))


def zlib_gzip(data):
    import gzip
    return gzip.compress(data)


def test_trailing_gzip_data_and_bad_crc_are_refused(tmp_path):
    import gzip
    good = gzip.compress(bombs.idx_header((3,)) + b"\x01\x02\x03")
    with pytest.raises(IDXError, match="trailing"):
        read_idx(write(tmp_path / "t.gz", gzip.compress(bombs.idx_header((3,)) + b"\x01\x02\x03\x04")))
    with pytest.raises(IDXError, match="t2.gz"):
        read_idx(write(tmp_path / "t2.gz", good + b"garbage!!!"))
    bad_crc = good[:-8] + bytes([good[-8] ^ 1]) + good[-7:]
    with pytest.raises(IDXError, match="CRC"):
        read_idx(write(tmp_path / "t3.gz", bad_crc))
    assert read_idx(write(tmp_path / "ok.gz", good)).tolist() == [1, 2, 3]


def test_every_dataset_error_is_a_format_error():
    assert issubclass(DatasetFormatError, FormatError) and issubclass(IDXError, DatasetFormatError)
    assert issubclass(DatasetFormatError, ValueError)
    error = DatasetFormatError("/x/mnist.npz", "what was wrong")
    assert str(error) == "'/x/mnist.npz': what was wrong" and error.path == "/x/mnist.npz"
