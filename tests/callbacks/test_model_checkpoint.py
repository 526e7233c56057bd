"""ModelCheckpoint driven by hand: file names, save_best_only, save_freq, path checks."""

import json
import os
import warnings

import pytest

from callback_fakes import FakeModel, run_epochs
from shenjing.callbacks import CallbackList, ModelCheckpoint


def test_saves_every_epoch_with_formatted_names(tmp_path):
    model = FakeModel()
    path = tmp_path / "sub" / "dir" / "ckpt-{epoch:02d}-{val_loss:.2f}.keras"
    run_epochs([ModelCheckpoint(path)], model, [0.5, 0.25, 0.125])
    names = sorted(os.listdir(tmp_path / "sub" / "dir"))
    assert names == ["ckpt-01-0.50.keras", "ckpt-02-0.25.keras", "ckpt-03-0.12.keras"]
    assert [kind for kind, _ in model.saved] == ["model"] * 3


def test_save_weights_only_calls_save_weights(tmp_path):
    model = FakeModel()
    run_epochs([ModelCheckpoint(tmp_path / "w-{epoch}.weights.h5", save_weights_only=True)], model, [1.0, 2.0])
    assert [kind for kind, _ in model.saved] == ["weights", "weights"]
    assert sorted(os.listdir(tmp_path)) == ["w-1.weights.h5", "w-2.weights.h5"]


def test_save_best_only_keeps_the_best(tmp_path):
    model = FakeModel()
    path = tmp_path / "best.keras"
    cb = ModelCheckpoint(path, save_best_only=True)
    run_epochs([cb], model, [1.0, 0.5, 0.7, 0.4, 0.9])
    # Saved at epochs 0, 1, 3 (weights == epoch index); the file holds epoch 3's.
    assert len(model.saved) == 3
    assert json.loads(path.read_text())["first"] == 3.0
    assert cb.best == 0.4


def test_save_best_only_max_mode_and_file_per_epoch(tmp_path):
    model = FakeModel()
    cb = ModelCheckpoint(tmp_path / "e{epoch}.keras", monitor="val_accuracy", save_best_only=True)
    run_epochs([cb], model, [0.5, 0.4, 0.6, 0.6], monitor="val_accuracy")
    assert sorted(os.listdir(tmp_path)) == ["e1.keras", "e3.keras"]


def test_initial_value_threshold(tmp_path):
    model = FakeModel()
    cb = ModelCheckpoint(tmp_path / "e{epoch}.keras", save_best_only=True, initial_value_threshold=0.6)
    run_epochs([cb], model, [1.0, 0.7, 0.5, 0.55])
    assert sorted(os.listdir(tmp_path)) == ["e3.keras"]


def test_save_best_only_without_the_monitor_warns_and_saves(tmp_path):
    model = FakeModel()
    cb = ModelCheckpoint(tmp_path / "m.keras", monitor="val_accuracy", save_best_only=True)
    cbs = CallbackList([cb], model=model)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    with pytest.warns(UserWarning, match="Can save best model only with val_accuracy available"):
        cbs.on_epoch_end(0, {"loss": 1.0})
    assert len(model.saved) == 1


@pytest.mark.parametrize("path, weights_only", [
    ("model.h5x", False), ("model.weights.h5", False), ("model.h5", False),
    ("model.keras", True), ("model.h5", True), ("model", True),
])
def test_wrong_extension_raises(tmp_path, path, weights_only):
    with pytest.raises(ValueError, match="must end in"):
        ModelCheckpoint(tmp_path / path, save_weights_only=weights_only)


@pytest.mark.parametrize("path, weights_only", [
    ("m.keras", False), ("m.weights.h5", True), ("m.safetensors", True)])
def test_accepted_extensions(tmp_path, path, weights_only):
    ModelCheckpoint(tmp_path / path, save_weights_only=weights_only)


@pytest.mark.parametrize("save_freq", ["batch", 0, -3, 2.5, True])
def test_bad_save_freq_raises(tmp_path, save_freq):
    with pytest.raises(ValueError, match="save_freq"):
        ModelCheckpoint(tmp_path / "m.keras", save_freq=save_freq)


def test_integer_save_freq_saves_every_n_batches_across_epochs(tmp_path):
    model = FakeModel()
    cb = ModelCheckpoint(tmp_path / "e{epoch}-b{batch}.keras", save_freq=3)
    cbs = CallbackList([cb], model=model)
    cbs.on_train_begin()
    for epoch in range(2):
        cbs.on_epoch_begin(epoch)
        for batch in range(4):
            cbs.on_train_batch_begin(batch)
            cbs.on_train_batch_end(batch, {"loss": 1.0})
        cbs.on_epoch_end(epoch, {"loss": 1.0, "val_loss": 1.0})
    cbs.on_train_end()
    # Batches 3 and 6 of 8 (counted over both epochs): epoch 1 batch 3, epoch 2 batch 2.
    assert sorted(os.listdir(tmp_path)) == ["e1-b3.keras", "e2-b2.keras"]


def test_unknown_format_field_raises_key_error_naming_the_path(tmp_path):
    cb = ModelCheckpoint(tmp_path / "{val_acc:.2f}.keras")
    cbs = CallbackList([cb], model=FakeModel())
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        cbs.on_epoch_end(0, {"loss": 1.0})


def test_existing_directory_as_path_raises(tmp_path):
    (tmp_path / "m.keras").mkdir()
    cbs = CallbackList([ModelCheckpoint(tmp_path / "m.keras")], model=FakeModel())
    cbs.on_epoch_begin(0)
    with pytest.raises(IsADirectoryError, match="non-directory filepath"):
        cbs.on_epoch_end(0, {"val_loss": 1.0})


def test_verbose_messages(tmp_path, capsys):
    cb = ModelCheckpoint(tmp_path / "m.keras", save_best_only=True, verbose=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run_epochs([cb], FakeModel(), [1.0, 2.0])
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from inf to 1.00000, saving model to" in out
    assert "Epoch 2: val_loss did not improve from 1.00000" in out


def test_a_failed_checkpoint_write_keeps_the_previous_file(tmp_path, monkeypatch):
    """ModelCheckpoint saves through model.save / save_weights: the one atomic writer."""
    import numpy as np

    from shenjing import layers
    from shenjing.models import Sequential
    from shenjing.utils import file_utils

    model = Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 2), "float32")
    path = tmp_path / "best.weights.h5"
    checkpoint = ModelCheckpoint(path, save_weights_only=True, monitor="loss")
    model.fit(x, y, epochs=1, verbose=0, callbacks=[checkpoint])
    first = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(file_utils.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[checkpoint])
    monkeypatch.undo()
    assert path.read_bytes() == first
    assert os.listdir(tmp_path) == ["best.weights.h5"]
