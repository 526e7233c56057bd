"""Every error of the `shenjing` command is one line, `shenjing <command>: <message>`, and a
non-zero exit status; `--debug`/SHENJING_DEBUG=1 adds the traceback (issue 10, finding 9)."""

import io
import json
import os
import zipfile

import numpy as np
import pytest

import shenjing
import shenjing.keras as keras
from shenjing import cli
from shenjing.safety import FormatError

pytestmark = pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "small.keras"
    keras.Sequential([keras.layers.Input((8, 8, 1)), keras.layers.Flatten(),
                      keras.layers.Dense(10, activation="softmax")]).save(path)
    return str(path)


def _one_line(capsys, command):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"shenjing {command}: ") and "Traceback" not in err[0]
    return err[0]


def _with_config(source, target, edit):
    with zipfile.ZipFile(source) as z:
        entries = {name: z.read(name) for name in z.namelist()}
    config = json.loads(entries["config.json"])
    edit(config)
    entries["config.json"] = json.dumps(config).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return str(target)


def _dense_config(config):
    return next(layer["config"] for layer in config["config"]["layers"]
                if layer["class_name"] == "Dense")


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"shenjing {shenjing.__version__}"


def test_a_configs_type_error_is_one_short_line(small_model, tmp_path, capsys):
    bad = _with_config(small_model, tmp_path / "bad.keras",
                       lambda c: _dense_config(c).update(bogus=1))
    for command in (["summary", bad], ["predict", bad, "x.png"], ["evaluate", bad]):
        assert cli.main(command) == 1
        line = _one_line(capsys, command[0])
        # A bad config is a FormatError naming the file: the message is the whole story.
        assert "bogus" in line and "bad.keras" in line and len(line) < 700


def test_a_directory_a_missing_file_and_a_garbage_file(tmp_path, capsys):
    (tmp_path / "dir.keras").mkdir()
    (tmp_path / "garbage.keras").write_bytes(b"not a zip")
    assert cli.main(["summary", str(tmp_path / "dir.keras")]) == 1
    assert "is a directory" in _one_line(capsys, "summary")
    assert cli.main(["summary", str(tmp_path / "missing.keras")]) == 1
    assert "missing.keras" in _one_line(capsys, "summary")
    assert cli.main(["summary", str(tmp_path / "garbage.keras")]) == 1
    assert "garbage.keras" in _one_line(capsys, "summary")


@pytest.mark.parametrize("error, expected", [
    (RuntimeError("Unable to synchronously iterate links (link iteration failed)"),
     "RuntimeError: Unable to synchronously iterate links (link iteration failed)"),
    (PermissionError(13, "Permission denied", "/root/model.keras"),
     "Permission denied: '/root/model.keras'"),
    (IsADirectoryError(21, "Is a directory", "/tmp"), "Is a directory: '/tmp'"),
    (MemoryError(), "out of memory"),
    (MemoryError("Unable to allocate 2.3 GiB"), "out of memory (Unable to allocate 2.3 GiB)"),
    (FormatError("m.keras", "config.json appears twice"), "'m.keras': config.json appears twice"),
    (OverflowError("cannot fit 'int' into an index-sized integer"), "OverflowError: cannot fit"),
    (RecursionError("maximum recursion depth exceeded"), "RecursionError: maximum recursion"),
    (KeyError("layers"), "KeyError: 'layers'"),
])
def test_every_error_type_is_one_line(monkeypatch, capsys, error, expected):
    def fail(path):
        raise error

    monkeypatch.setattr(cli, "_load", fail)
    monkeypatch.delenv("SHENJING_DEBUG", raising=False)
    assert cli.main(["summary", "m.keras"]) == 1
    assert expected in _one_line(capsys, "summary")


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch, capsys):
    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_load", interrupted)
    assert cli.main(["summary", "m.keras"]) == 130
    assert _one_line(capsys, "summary") == "shenjing summary: interrupted"


@pytest.mark.parametrize("how", ["flag-before", "flag-after", "env"])
def test_debug_shows_the_traceback(monkeypatch, capsys, how):
    def fail(path):
        raise RuntimeError("deep inside h5py")

    monkeypatch.setattr(cli, "_load", fail)
    argv = {"flag-before": ["--debug", "summary", "m.keras"],
            "flag-after": ["summary", "m.keras", "--debug"], "env": ["summary", "m.keras"]}[how]
    if how == "env":
        monkeypatch.setenv("SHENJING_DEBUG", "1")
    else:
        monkeypatch.delenv("SHENJING_DEBUG", raising=False)
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "deep inside h5py" in err
    assert err.strip().splitlines()[-1] == "shenjing summary: RuntimeError: deep inside h5py"


def test_evaluate_says_the_shape_mismatch_up_front(tmp_path, capsys):
    pytest.importorskip("sklearn")
    path = tmp_path / "mnist_cnn.keras"
    model = cli.build_model("cnn", (28, 28, 1))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.save(path)
    assert cli.main(["evaluate", str(path), "--dataset", "digits"]) == 1
    line = _one_line(capsys, "evaluate")
    assert "expects inputs of shape (28, 28, 1)" in line and "gives images of shape (8, 8, 1)" in line


def test_evaluate_reshapes_when_only_the_layout_differs(tmp_path, monkeypatch, capsys):
    rng = np.random.default_rng(0)
    data = (rng.random((6, 4, 4, 1), dtype=np.float32), np.arange(6) % 3)
    monkeypatch.setattr(cli, "load_dataset", lambda *a, **k: (data, data, "flat"))
    model = keras.Sequential([keras.layers.Input((16,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.save(tmp_path / "flat.keras")
    assert cli.main(["evaluate", str(tmp_path / "flat.keras")]) == 0
    assert "flat test set: " in capsys.readouterr().out
    model = keras.Sequential([keras.layers.Input((16,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy")
    model.save(tmp_path / "two.keras")
    assert cli.main(["evaluate", str(tmp_path / "two.keras")]) == 1
    assert "has 2 outputs, but the flat test set has labels up to 2" in _one_line(capsys, "evaluate")
