"""tf.data.TextLineDataset (TF's customization-basics tutorial)."""

import numpy as np
import pytest

import shenjing as tf


def test_lines_as_bytes_and_batched(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Line 1\nLine 2\r\nLine 3\n  ")
    ds = tf.data.TextLineDataset(str(path))
    assert list(ds) == [b"Line 1", b"Line 2", b"Line 3", b"  "]
    batches = list(ds.batch(3))
    np.testing.assert_array_equal(batches[0], np.array([b"Line 1", b"Line 2", b"Line 3"]))
    np.testing.assert_array_equal(batches[1], np.array([b"  "]))
    other = tmp_path / "b.txt"
    other.write_text("x\n")
    assert list(tf.data.TextLineDataset([str(path), str(other)]))[-1] == b"x"


def test_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        tf.data.TextLineDataset(str(tmp_path / "missing.txt"))
    with pytest.raises(TypeError, match="filenames"):
        tf.data.TextLineDataset([1, 2])
    with pytest.raises(ValueError, match="compression_type"):
        (tmp_path / "c.txt").write_text("a")
        tf.data.TextLineDataset(str(tmp_path / "c.txt"), compression_type="GZIP")


def test_batching_strings_of_different_lengths():
    elements = [np.array(b"a"), np.array(b"abc")]
    from shenjing.data.batching import stack

    np.testing.assert_array_equal(stack(elements), np.array([b"a", b"abc"]))
