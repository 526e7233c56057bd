"""load_img refuses what it cannot read safely: FIFOs and devices (no hang), decompression
bombs and non-images (one FormatError with the path)."""

import os

import numpy as np
import pytest

from shenjing.safety import FormatError, ResourceLimitError
from shenjing.utils.image_utils import load_img

PIL = pytest.importorskip("PIL.Image")


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(FormatError, match="FIFO"):
        load_img(fifo)


def test_device_is_refused():
    with pytest.raises(FormatError, match="device"):
        load_img("/dev/zero")


def test_folder_and_missing_file(tmp_path):
    with pytest.raises(IsADirectoryError, match="folder"):
        load_img(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_img(tmp_path / "missing.png")


def test_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_bytes(b"this is text, not a PNG")
    with pytest.raises(FormatError, match="notes.png"):
        load_img(path)


def test_truncated_image(tmp_path):
    path = tmp_path / "cut.png"
    PIL.fromarray(np.random.RandomState(0).randint(0, 255, (64, 64, 3), np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(FormatError, match="cut.png"):
        load_img(path)


def test_decompression_bomb(tmp_path, monkeypatch):
    path = tmp_path / "big.png"
    PIL.new("L", (200, 200)).save(path)
    monkeypatch.setattr(PIL, "MAX_IMAGE_PIXELS", 100)  # 40,000 pixels > 2 x 100: Pillow's bomb
    with pytest.raises(ResourceLimitError, match="MAX_IMAGE_PIXELS"):
        load_img(path)
