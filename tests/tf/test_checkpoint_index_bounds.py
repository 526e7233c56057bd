"""tf.train.latest_checkpoint reads its index file bounded: a huge or binary index is a
FormatError naming the file, a FIFO in its place does not block."""

import os

import pytest

import shenjing as tf
from shenjing.safety import FormatError


def test_oversized_index_is_refused(tmp_path):
    (tmp_path / "checkpoint").write_bytes(b"x" * ((1 << 20) + 10))
    with pytest.raises(FormatError, match="checkpoint"):
        tf.train.latest_checkpoint(str(tmp_path))


def test_binary_index_is_refused(tmp_path):
    (tmp_path / "checkpoint").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(FormatError, match="UTF-8"):
        tf.train.latest_checkpoint(str(tmp_path))


def test_fifo_index_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "checkpoint")
    with pytest.raises(FormatError, match="FIFO"):
        tf.train.latest_checkpoint(str(tmp_path))
