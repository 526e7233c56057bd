import gzip
import struct

import numpy as np
import pytest

from shenjing.datasets import IDXError, parse_idx, read_idx


def idx_bytes(array, code=0x08):
    header = struct.pack(">HBB", 0, code, array.ndim) + b"".join(struct.pack(">I", n) for n in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def test_reads_images_and_labels_plain_and_gzip(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "img.idx").write_bytes(idx_bytes(images))
    (tmp_path / "img.idx.gz").write_bytes(gzip.compress(idx_bytes(images)))
    np.testing.assert_array_equal(read_idx(tmp_path / "img.idx"), images)
    np.testing.assert_array_equal(read_idx(tmp_path / "img.idx.gz"), images)


def test_big_endian_types_are_decoded():
    values = np.array([1, -2, 300], dtype=np.int32)
    out = parse_idx(idx_bytes(values, code=0x0C))
    assert out.dtype == np.int32 and out.tolist() == [1, -2, 300]


@pytest.mark.parametrize("raw, message", [
    (b"\x00\x00", "too short"),
    (b"\x01\x00\x08\x01" + b"\x00\x00\x00\x01" + b"\x05", "magic"),
    (b"\x00\x00\x07\x01" + b"\x00\x00\x00\x01" + b"\x05", "magic"),
    (b"\x00\x00\x08\x02" + b"\x00\x00\x00\x02", "truncated IDX header"),
    (b"\x00\x00\x08\x01" + b"\x00\x00\x00\x05" + b"\x01\x02", "truncated"),
    (b"\x00\x00\x08\x01" + b"\x00\x00\x00\x01" + b"\x01\x02", "trailing"),
])
def test_malformed_files_are_rejected(raw, message):
    with pytest.raises(IDXError, match=message):
        parse_idx(raw)


def test_corrupted_gzip_is_rejected(tmp_path):
    good = gzip.compress(idx_bytes(np.zeros((10, 10), np.uint8)))
    path = tmp_path / "bad.gz"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(IDXError, match="bad.gz"):
        read_idx(path)
