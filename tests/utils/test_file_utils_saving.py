"""Saving over an existing file: its mode and owner kept, symbolic links written through, the
temporaries a killed save left behind cleaned (issue 10, findings 1 and 8)."""

import os
import stat
import time

import numpy as np
import pytest

import shenjing.keras as keras
from shenjing.utils.file_utils import (atomic_write, is_temporary_of, process_start_time,
                                       remove_stale_temporaries)

SUFFIXES = (".keras", ".weights.h5", ".safetensors")


def _model():
    model = keras.Sequential([keras.layers.Input((3,)), keras.layers.Dense(2)])
    return model


def _save(model, path):
    if str(path).endswith(".keras"):
        model.save(path)
    else:
        model.save_weights(path)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_saving_over_a_private_file_keeps_it_private(tmp_path, suffix):
    path = tmp_path / f"model{suffix}"
    model = _model()
    _save(model, path)
    os.chmod(path, 0o600)
    old = os.umask(0o022)
    try:
        _save(model, path)
    finally:
        os.umask(old)
    assert _mode(path) == 0o600
    assert sorted(os.listdir(tmp_path)) == [path.name]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_new_saved_file_gets_the_umasks_mode(tmp_path, suffix):
    old = os.umask(0o077)
    try:
        _save(_model(), tmp_path / f"model{suffix}")
    finally:
        os.umask(old)
    assert _mode(tmp_path / f"model{suffix}") == 0o600


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_saving_over_someone_elses_file_keeps_its_owner_and_group(tmp_path):
    path = tmp_path / "shared.weights.h5"
    model = _model()
    _save(model, path)
    os.chown(path, 12345, 23456)
    os.chmod(path, 0o640)
    _save(model, path)
    info = os.stat(path)
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (12345, 23456, 0o640)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_saving_over_a_symlink_writes_through_to_its_target(tmp_path, suffix):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / f"model{suffix}"
    link = tmp_path / f"link{suffix}"
    model = _model()
    _save(model, target)
    os.chmod(target, 0o600)
    os.symlink(target, link)
    model.layers[-1].kernel.assign(np.full((3, 2), 0.5, np.float32))
    _save(model, link)
    assert os.path.islink(link) and os.readlink(link) == str(target)
    assert _mode(target) == 0o600
    # the new weights are in the target, and nothing was left next to the link or the target
    fresh = _model()
    if suffix == ".keras":
        fresh = keras.saving.load_model(target)
    else:
        fresh.load_weights(target)
    np.testing.assert_array_equal(fresh.layers[-1].kernel.numpy(), np.full((3, 2), 0.5))
    assert sorted(os.listdir(real_dir)) == [target.name]
    assert sorted(os.listdir(tmp_path)) == sorted(["real", link.name])


def test_a_relative_symlink_is_followed_from_its_own_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "file.bin").write_bytes(b"old")
    os.symlink(os.path.join("..", "b", "file.bin"), tmp_path / "a" / "link.bin")
    atomic_write(tmp_path / "a" / "link.bin", b"new")
    assert (tmp_path / "b" / "file.bin").read_bytes() == b"new"
    assert os.path.islink(tmp_path / "a" / "link.bin")


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.bin"
    os.symlink(tmp_path / "target.bin", link)
    atomic_write(link, b"abc")
    assert os.path.islink(link) and (tmp_path / "target.bin").read_bytes() == b"abc"


def test_a_dangling_symlink_into_a_missing_folder_is_a_clear_error(tmp_path):
    link = tmp_path / "link.bin"
    os.symlink(tmp_path / "nowhere" / "target.bin", link)
    with pytest.raises(FileNotFoundError, match="link.bin.*symbolic link.*nowhere.*does not exist"):
        atomic_write(link, b"abc")
    assert os.path.islink(link) and os.listdir(tmp_path) == ["link.bin"]


def test_a_loop_of_symlinks_is_a_clear_error(tmp_path):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    with pytest.raises(OSError, match="symbolic links form a loop"):
        atomic_write(tmp_path / "a", b"abc")
    assert sorted(os.listdir(tmp_path)) == ["a", "b"] and os.path.islink(tmp_path / "a")


def test_a_directory_or_a_missing_folder_is_a_clear_error(tmp_path):
    (tmp_path / "model.keras").mkdir()
    with pytest.raises(IsADirectoryError, match="model.keras': it is a directory"):
        atomic_write(tmp_path / "model.keras", b"x")
    with pytest.raises(FileNotFoundError, match="the folder .*missing' does not exist"):
        atomic_write(tmp_path / "missing" / "model.keras", b"x")
    assert os.listdir(tmp_path / "model.keras") == []


def _stale(path, age=3600):
    path.write_bytes(b"half a model")
    then = process_start_time() - age
    os.utime(path, (then, then))
    return path


def test_the_next_save_removes_what_a_killed_save_left(tmp_path):
    stale = _stale(tmp_path / ".model.keras.k1ll3d__.tmp")
    fresh = tmp_path / ".model.keras.running_.tmp"  # written since this process started: a live save
    fresh.write_bytes(b"in progress")
    other_name = _stale(tmp_path / ".other.keras.k1ll3d__.tmp")
    not_a_temp = _stale(tmp_path / ".model.keras.k1ll3d.bak")
    _save(_model(), tmp_path / "model.keras")
    assert not stale.exists()
    assert fresh.exists() and other_name.exists() and not_a_temp.exists()
    assert is_temporary_of(fresh.name, "model.keras") and not is_temporary_of(other_name.name,
                                                                              "model.keras")


def test_a_save_still_writing_elsewhere_is_never_touched(tmp_path):
    # Written before this process started but only a minute ago: another process's save may
    # still be in its fsync (the reviewer's race); only temporaries untouched for STALE_AFTER go.
    from shenjing.utils.file_utils import STALE_AFTER

    recent = _stale(tmp_path / ".model.keras.sl0wfsyn.tmp", age=60)
    os.utime(recent, (time.time() - 60, time.time() - 60))
    old = _stale(tmp_path / ".model.keras.0ldk1ll3.tmp", age=STALE_AFTER + 60)
    os.utime(old, (time.time() - STALE_AFTER - 60,) * 2)
    users = _stale(tmp_path / ".model.keras.old.tmp")  # not a name mkstemp makes: the user's
    _save(_model(), tmp_path / "model.keras")
    assert recent.exists() and users.exists() and not old.exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_someone_elses_stale_temporary_is_left_alone(tmp_path):
    theirs = _stale(tmp_path / ".model.weights.h5.abc_____.tmp")
    os.chown(theirs, 12345, 12345)
    os.utime(theirs, (time.time() - 7200, time.time() - 7200))
    assert remove_stale_temporaries(str(tmp_path), "model.weights.h5") == []
    assert theirs.exists()


def test_a_stale_symlink_or_folder_named_like_a_temporary_is_left_alone(tmp_path):
    (tmp_path / ".m.bin.dir_____.tmp").mkdir()
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    os.symlink(victim, tmp_path / ".m.bin.link____.tmp")
    then = process_start_time() - 3600
    os.utime(tmp_path / ".m.bin.link____.tmp", (then, then), follow_symlinks=False)
    atomic_write(tmp_path / "m.bin", b"x")
    assert (tmp_path / ".m.bin.dir_____.tmp").is_dir() and os.path.islink(tmp_path / ".m.bin.link____.tmp")
    assert victim.read_bytes() == b"keep"


def test_stale_temporaries_of_a_symlinks_target_are_cleaned_next_to_the_target(tmp_path):
    (tmp_path / "real").mkdir()
    stale = _stale(tmp_path / "real" / ".t.bin.old_____.tmp")
    os.symlink(tmp_path / "real" / "t.bin", tmp_path / "link.bin")
    atomic_write(tmp_path / "link.bin", b"x")
    assert not stale.exists() and (tmp_path / "real" / "t.bin").read_bytes() == b"x"


def test_the_process_start_time_is_in_the_past():
    assert 0 < process_start_time() <= time.time()


def test_a_link_to_a_device_or_fifo_is_not_replaced_by_a_file(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    os.symlink(tmp_path / "pipe", tmp_path / "m.weights.h5")
    os.symlink("/dev/null", tmp_path / "n.weights.h5")
    for name in ("pipe", "m.weights.h5", "n.weights.h5"):
        with pytest.raises(OSError, match="not a regular file"):
            atomic_write(tmp_path / name, b"x")
    assert stat.S_ISFIFO(os.stat(tmp_path / "pipe").st_mode)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert sorted(os.listdir(tmp_path)) == ["m.weights.h5", "n.weights.h5", "pipe"]
