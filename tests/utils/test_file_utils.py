"""The one atomic writer: the whole file or the old one, permissions kept, no umask race."""

import os
import stat

import pytest

from shenjing.utils.file_utils import atomic_write, current_umask, is_temporary_of


def test_writes_the_bytes_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "model.weights.h5"
    atomic_write(path, b"abc")
    assert path.read_bytes() == b"abc" and os.listdir(tmp_path) == ["model.weights.h5"]
    atomic_write(path, "é")
    assert path.read_bytes() == "é".encode()


def test_a_new_file_gets_the_umasks_mode(tmp_path):
    old = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        atomic_write(tmp_path / "new.bin", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.bin").st_mode) == 0o640


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "private.keras"
    path.write_bytes(b"old")
    os.chmod(path, 0o600)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new" and stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_reading_the_umask_does_not_change_it():
    before = os.umask(0o022)
    try:
        for _ in range(3):
            assert current_umask() == 0o022
        assert os.umask(0o022) == 0o022
    finally:
        os.umask(before)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "keep.bin"
    path.write_bytes(b"old")
    with pytest.raises(TypeError, match="Expected bytes or str"):
        atomic_write(path, 42)
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["keep.bin"]
    assert is_temporary_of(".keep.bin.x1y2_abc.tmp", "keep.bin")
    assert not is_temporary_of(".keep.bin.x1y2.tmp", "keep.bin")  # not a name mkstemp makes and not is_temporary_of("keep.bin", "keep.bin")
