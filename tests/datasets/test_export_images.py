"""datasets.export_images / `shenjing datasets export`: PNG folders per class, refused targets."""

import os

import numpy as np
import pytest
from PIL import Image

from shenjing import datasets
from shenjing.cli import main
from shenjing.datasets import export as export_module


def _read(folder):
    return np.asarray(Image.open(folder))


def test_layout_counts_and_pixels_round_trip(tmp_path):
    target = tmp_path / "digits"
    counts = datasets.export_images("digits", target, classes=[3, 1], per_class=4)
    assert counts == {"train": {"1": 4, "3": 4}, "test": {"1": 4, "3": 4}}
    assert sorted(os.listdir(target)) == ["test", "train"]
    assert sorted(os.listdir(target / "train" / "3")) == ["0.png", "1.png", "2.png", "3.png"]
    (x_train, y_train), (x_test, y_test) = datasets.digits.load_data()
    first_threes = x_train[y_train == 3][:4]
    for n in range(4):
        image = Image.open(target / "train" / "3" / f"{n}.png")
        assert image.mode == "L" and image.size == (8, 8)
        np.testing.assert_array_equal(np.asarray(image), first_threes[n])
    np.testing.assert_array_equal(_read(target / "test" / "1" / "2.png"), x_test[y_test == 1][2])


def test_one_split_goes_directly_into_the_folder_and_names_sort_as_labels(tmp_path):
    counts = datasets.export_images("mnist_sample", tmp_path / "out", split="test", per_class=2)
    assert list(counts) == ["test"] and sum(counts["test"].values()) == 20
    assert sorted(os.listdir(tmp_path / "out")) == [str(c) for c in range(10)]
    names = [export_module.class_folder("fashion_mnist", label) for label in range(10)]
    assert sorted(names) == names and names[0] == "0_t-shirt_top" and names[9] == "9_ankle_boot"


def test_zero_padded_file_names_keep_their_order(tmp_path):
    datasets.export_images("digits", tmp_path / "d", split="train", classes=[0], per_class=12)
    files = sorted(os.listdir(tmp_path / "d" / "0"))
    assert files[:3] == ["00.png", "01.png", "02.png"] and files[-1] == "11.png"


def test_a_non_empty_folder_is_refused_and_kept(tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not empty"):
        datasets.export_images("digits", target, per_class=1)
    assert os.listdir(target) == ["notes.txt"] and (target / "notes.txt").read_text() == "keep me"
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(FileExistsError, match="not a folder"):
        datasets.export_images("digits", a_file, per_class=1)
    with pytest.raises(FileNotFoundError, match="parent folder"):
        datasets.export_images("digits", tmp_path / "missing" / "out", per_class=1)


def test_an_empty_folder_is_filled(tmp_path):
    (tmp_path / "empty").mkdir()
    datasets.export_images("digits", tmp_path / "empty", split="train", classes=[5], per_class=1)
    assert os.listdir(tmp_path / "empty" / "5") == ["0.png"]


def _failing_write(calls):
    def failing(root, name, images, labels, classes, per_class):
        calls.append(root)
        os.makedirs(os.path.join(root, "0"))
        raise OSError("disk full")
    return failing


def test_a_failure_removes_the_folder_it_created(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(export_module, "_write_split", _failing_write(calls))
    with pytest.raises(OSError, match="disk full"):
        datasets.export_images("digits", tmp_path / "out", per_class=1)
    assert calls and os.listdir(tmp_path) == []


def test_a_failure_leaves_an_existing_folder_empty_and_in_place(tmp_path, monkeypatch):
    target = tmp_path / "mine"
    target.mkdir()
    os.chmod(target, 0o750)
    inode = os.stat(target).st_ino
    monkeypatch.setattr(export_module, "_write_split", _failing_write([]))
    with pytest.raises(OSError, match="disk full"):
        datasets.export_images("digits", target, per_class=1)
    assert os.listdir(target) == [] and os.stat(target).st_ino == inode


def test_an_existing_folder_is_filled_in_place(tmp_path, monkeypatch):
    """Never replaced: its inode and permissions stay (a mount point, the current folder)."""
    target = tmp_path / "mine"
    target.mkdir()
    os.chmod(target, 0o750)
    inode = os.stat(target).st_ino
    monkeypatch.chdir(target)
    datasets.export_images("digits", ".", split="train", classes=[2], per_class=2)
    assert os.stat(target).st_ino == inode and os.stat(target).st_mode & 0o777 == 0o750
    assert sorted(os.listdir(".")) == ["2"] and sorted(os.listdir("2")) == ["0.png", "1.png"]


def test_a_new_folder_gets_the_umasks_permissions(tmp_path):
    old = os.umask(0o027)
    try:
        datasets.export_images("digits", tmp_path / "new", split="train", classes=[1], per_class=1)
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "new").st_mode & 0o777 == 0o750
    assert os.stat(tmp_path / "new" / "1").st_mode & 0o777 == 0o750


def test_an_interrupted_export_is_named_in_the_refusal(tmp_path):
    target = tmp_path / "out"
    (target / ".export-abc123").mkdir(parents=True)
    with pytest.raises(FileExistsError, match="interrupted export"):
        datasets.export_images("digits", target, per_class=1)


def test_a_symbolic_link_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "link")
    with pytest.raises(FileExistsError, match="symbolic link"):
        datasets.export_images("digits", tmp_path / "link", per_class=1)


def test_numpy_integers_are_accepted(tmp_path):
    counts = datasets.export_images("digits", tmp_path / "d", split="train",
                                    classes=np.array([4]), per_class=np.int64(2))
    assert counts == {"train": {"4": 2}}


@pytest.mark.parametrize("kwargs, match", [
    (dict(split="val"), "split"), (dict(per_class=0), "per_class"), (dict(per_class=True), "per_class"),
    (dict(classes=[10]), "0..9"), (dict(classes=[]), "0..9"), (dict(classes="35"), "list of integer"),
    (dict(classes=[3.7]), "list of integer"), (dict(name="cifar10"), "Unknown dataset")])
def test_bad_arguments_are_refused_before_writing(tmp_path, kwargs, match):
    arguments = dict(name="digits", directory=tmp_path / "out") | kwargs
    with pytest.raises(ValueError, match=match):
        datasets.export_images(**arguments)
    assert os.listdir(tmp_path) == []


def test_cli_export(tmp_path, capsys):
    assert main(["datasets", "export", "digits", str(tmp_path / "d"), "--classes", "0", "1",
                 "--per-class", "3"]) == 0
    out = capsys.readouterr().out
    assert "train: 6 images in 2 class folders (0, 1)" in out and "test: 6 images" in out
    assert main(["datasets", "export", "digits", str(tmp_path / "d")]) == 1
    assert "not empty" in capsys.readouterr().err


def test_cli_export_of_an_uncached_dataset_says_to_add_download(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SHENJING_HOME", str(tmp_path / "home"))
    assert main(["datasets", "export", "mnist", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "add --download" in err and "--dataset" not in err
    assert not (tmp_path / "out").exists()
