"""`shenjing train` loses no work (issue 10, findings 2 and 3): --out is checked before any data
is loaded, an earlier run is replaced only with --overwrite, a failure to write after training
saves the model to a fallback folder and says where; --epochs/--batch-size must be positive;
--dataset mnist never trains on another dataset."""

import errno
import os
import shutil
import tempfile

import numpy as np
import pytest

from shenjing import cli


def _tiny_data(name=None, download=False, say=print):
    rng = np.random.default_rng(0)
    x = rng.random((24, 6, 6, 1), dtype=np.float32)
    y = np.arange(24) % 3
    return (x[:16], y[:16]), (x[16:], y[16:]), "tiny"


@pytest.fixture
def tiny(monkeypatch):
    calls = []

    def load(*args, **kwargs):
        calls.append(args)
        return _tiny_data(*args, **kwargs)

    monkeypatch.setattr(cli, "load_dataset", load)
    return calls


def _train(out, *extra):
    return cli.main(["train", "--model", "mlp", "--epochs", "1", "--batch-size", "8",
                     "--verbose", "0", "--out", str(out), *extra])


def _one_error_line(capsys, command="train"):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"shenjing {command}: "), err
    assert "Traceback" not in err[0]
    return err[0]


def test_a_new_folder_gets_the_three_files(tiny, tmp_path, capsys):
    out = tmp_path / "new" / "run"
    assert _train(out) == 0
    assert sorted(os.listdir(out)) == ["history.csv", "history.png", "model.keras"]
    assert (out / "history.csv").read_text().splitlines()[0] == "epoch,accuracy,loss,val_accuracy,val_loss"
    assert (out / "history.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_impossible_folder_is_refused_before_loading_data(tiny, capsys):
    assert _train("/proc/x") == 1
    line = _one_error_line(capsys)
    assert "cannot write into --out '/proc/x'" in line
    assert tiny == []  # nothing was loaded, nothing trained


def test_a_file_as_out_is_refused_before_loading_data(tiny, tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert _train(tmp_path / "file") == 1
    assert "is a file; expected a folder" in _one_error_line(capsys)
    assert tiny == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_is_refused_before_loading_data(tiny, tmp_path, capsys):
    out = tmp_path / "ro"
    out.mkdir()
    os.chmod(out, 0o500)
    try:
        assert _train(out) == 1
    finally:
        os.chmod(out, 0o700)
    assert "cannot write into --out" in _one_error_line(capsys) and tiny == []


def test_an_earlier_run_is_kept_unless_overwrite(tiny, tmp_path, capsys):
    out = tmp_path / "run"
    assert _train(out) == 0
    before = (out / "model.keras").read_bytes()
    capsys.readouterr()
    tiny.clear()
    assert _train(out) == 1
    line = _one_error_line(capsys)
    assert "already holds an earlier run (model.keras, history.csv, history.png)" in line
    assert "--overwrite" in line and tiny == []
    assert (out / "model.keras").read_bytes() == before
    os.chmod(out / "model.keras", 0o600)
    assert _train(out, "--overwrite", "--seed", "1") == 0
    assert (out / "model.keras").read_bytes() != before
    assert oct(os.stat(out / "model.keras").st_mode & 0o777) == oct(0o600)


def test_a_folder_of_other_files_is_refused_and_they_are_named(tiny, tmp_path, capsys):
    out = tmp_path / "photos"
    out.mkdir()
    for name in ("a.jpg", "b.jpg"):
        (out / name).write_bytes(b"x")
    assert _train(out) == 1
    assert "already holds other files (a.jpg, b.jpg)" in _one_error_line(capsys) and tiny == []
    assert _train(out, "--overwrite") == 0
    assert sorted(os.listdir(out)) == ["a.jpg", "b.jpg", "history.csv", "history.png", "model.keras"]


def test_an_output_name_taken_by_a_folder_is_refused_before_loading_data(tiny, tmp_path, capsys):
    out = tmp_path / "run"
    (out / "model.keras").mkdir(parents=True)
    assert _train(out, "--overwrite") == 1
    assert "model.keras': it is a directory" in _one_error_line(capsys) and tiny == []


def _fallback_here(monkeypatch, tmp_path):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _saved_to(line):
    path = line.split("instead")[0].rsplit("saved the model and its history to '", 1)[1].rstrip("' ")
    assert sorted(os.listdir(path)) == ["history.csv", "history.png", "model.keras"]
    return path


def test_a_full_disk_after_training_saves_to_a_fallback_folder(tiny, tmp_path, monkeypatch, capsys):
    from shenjing.utils import file_utils

    out = tmp_path / "run"
    fallback = _fallback_here(monkeypatch, tmp_path)
    real = file_utils.atomic_write

    def full_disk(path, data):
        if os.path.dirname(os.path.abspath(path)) == str(out):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(file_utils, "atomic_write", full_disk)
    monkeypatch.setattr("shenjing.saving.saving_lib.atomic_write", full_disk)
    assert _train(out) == 1
    line = _one_error_line(capsys)
    assert "could not write the results into --out (No space left on device" in line
    path = _saved_to(line)
    assert os.path.dirname(path) == str(fallback) and os.path.basename(path).startswith("shenjing-run-")
    assert os.listdir(out) == []
    from shenjing.saving import load_model
    assert load_model(os.path.join(path, "model.keras")).count_params() > 0


def test_the_out_folder_removed_during_training_saves_to_a_fallback(tiny, tmp_path, monkeypatch,
                                                                   capsys):
    out = tmp_path / "run"
    _fallback_here(monkeypatch, tmp_path)
    real = cli.train_model

    def train_then_remove(*args, **kwargs):
        history = real(*args, **kwargs)
        shutil.rmtree(out)
        return history

    monkeypatch.setattr(cli, "train_model", train_then_remove)
    assert _train(out) == 1
    line = _one_error_line(capsys)
    assert "does not exist" in line and not out.exists()
    _saved_to(line)


def test_a_failing_plot_still_saves_the_model_somewhere(tiny, tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    _fallback_here(monkeypatch, tmp_path)

    def broken(history, title):
        raise RuntimeError("matplotlib backend exploded")

    monkeypatch.setattr(cli, "history_png", broken)
    assert _train(out) == 1
    line = _one_error_line(capsys)
    assert "RuntimeError: matplotlib backend exploded" in line
    folder = line.rsplit("saved the model to '", 1)[1].split("'")[0]
    assert "model.keras" in os.listdir(folder)


@pytest.mark.parametrize("option", ["--epochs", "--batch-size"])
@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_epochs_and_batch_size_must_be_positive_integers(tiny, tmp_path, capsys, option, value):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "--out", str(tmp_path / "run"), option, value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: expected a positive integer" in err and repr(value) in err \
        or f"received {value}" in err
    assert tiny == [] and not (tmp_path / "run").exists()


def test_a_negative_seed_is_an_argparse_error(tiny, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "--out", str(tmp_path / "run"), "--seed", "-1"])
    assert exit_info.value.code == 2
    assert "argument --seed: expected a non-negative integer (>= 0), received -1" in capsys.readouterr().err


def test_a_named_mnist_never_trains_on_another_dataset(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SHENJING_HOME", str(tmp_path / "home"))  # an empty cache
    assert cli.main(["train", "--dataset", "mnist", "--out", str(tmp_path / "run")]) == 1
    line = _one_error_line(capsys)
    assert "mnist is not in the cache" in line and "--download" in line
    assert os.path.join(str(tmp_path / "home"), "datasets", "mnist.npz") in line
    assert "--dataset mnist_sample" in line
    assert not (tmp_path / "run").exists()  # the folder made for a run that never started is gone
    monkeypatch.setattr("shenjing.datasets.fashion_mnist.DEBIAN_DIR", str(tmp_path / "none"))
    with pytest.raises(cli.CLIError, match="fashion_mnist is not in the cache.*--download"):
        cli.load_dataset("fashion_mnist", download=False)


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_ctrl_c_in_the_final_evaluate_keeps_the_written_model(tiny, tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    real = cli.train_model

    def train_then_break_evaluate(model, *args, **kwargs):
        history = real(model, *args, **kwargs)
        monkeypatch.setattr(model, "evaluate", _interrupt)
        return history

    monkeypatch.setattr(cli, "train_model", train_then_break_evaluate)
    assert _train(out) == 130
    assert _one_error_line(capsys) == "shenjing train: interrupted"
    assert sorted(os.listdir(out)) == ["history.csv", "history.png", "model.keras"]
    from shenjing.saving import load_model
    assert load_model(str(out / "model.keras")).count_params() > 0


def test_ctrl_c_while_writing_still_saves_the_model_to_a_fallback(tiny, tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    _fallback_here(monkeypatch, tmp_path)
    real = cli.write_outputs

    def interrupted_in_out(model, history, title, paths):
        if os.path.dirname(paths["model"]) == str(out):
            raise KeyboardInterrupt
        return real(model, history, title, paths)

    monkeypatch.setattr(cli, "write_outputs", interrupted_in_out)
    assert _train(out) == 130
    line = _one_error_line(capsys)
    assert line.startswith("shenjing train: interrupted while writing the results into --out; ")
    _saved_to(line)
    assert os.listdir(out) == []
