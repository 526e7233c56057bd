"""BackupAndRestore driven by hand: what is written, when, and what comes back."""

import json
import os

import h5py
import numpy as np
import pytest

import shenjing
from shenjing import backend, layers, optimizers
from shenjing.callbacks import BackupAndRestore, CallbackList
from shenjing.models import Sequential
from shenjing.utils import file_utils


class Interrupted(Exception):
    pass


def make_model(units=2, inputs=3, seed=3):
    shenjing.set_random_seed(seed)
    model = Sequential([layers.Input((inputs,)), layers.Dense(units)])
    model.compile(optimizer=optimizers.SGD(0.1, momentum=0.9), loss="mse")
    return model


def train_one_step(model):
    """One optimizer step on gradients drawn from the generator, so that a resumed run
    matches only if the generator's state came back."""
    grads = [backend.rng().normal(size=w.shape).astype(np.float32) for w in model.trainable_weights]
    model.optimizer.apply(grads, model.trainable_weights)


def momentums(model):
    return [model.optimizer._slots[id(w)][0].copy() for w in model.trainable_weights]


def train(model, callback, epochs, kill_after_epoch=None, batches=2):
    """A fit-like loop; raises ``Interrupted`` after ``kill_after_epoch`` (so
    ``on_train_end`` does not run)."""
    cbs = CallbackList([callback], model=model, epochs=epochs, steps=batches)
    cbs.on_train_begin()
    start = model.__dict__.pop("_initial_epoch_from_backup", 0)
    for epoch in range(start, epochs):
        cbs.on_epoch_begin(epoch)
        for batch in range(batches):
            train_one_step(model)
            cbs.on_train_batch_end(batch, {"loss": 1.0})
        cbs.on_epoch_end(epoch, {"loss": 1.0})
        if epoch == kill_after_epoch:
            raise Interrupted
    cbs.on_train_end()
    return start


def fresh_model():
    return make_model()


def test_an_interrupted_run_resumes_to_the_same_state(tmp_path):
    reference = fresh_model()
    train(reference, BackupAndRestore(tmp_path / "ref"), epochs=4)
    after_ref = backend.rng().random()

    model = fresh_model()
    with pytest.raises(Interrupted):
        train(model, BackupAndRestore(tmp_path / "b"), epochs=4, kill_after_epoch=1)
    model = fresh_model()  # a new process: new model, generator reseeded
    start = train(model, BackupAndRestore(tmp_path / "b"), epochs=4)
    assert start == 2
    for a, b in zip(reference.get_weights(), model.get_weights()):
        assert np.array_equal(a, b)
    assert model.optimizer.iterations == reference.optimizer.iterations == 8
    assert all(np.array_equal(a, b) for a, b in zip(momentums(model), momentums(reference)))
    assert backend.rng().random() == after_ref


def test_files_written_at_each_epoch_end(tmp_path):
    model = fresh_model()
    with pytest.raises(Interrupted):
        train(model, BackupAndRestore(tmp_path), epochs=5, kill_after_epoch=2)
    names = sorted(os.listdir(tmp_path))
    # older states removed, no temporaries
    assert names == ["metadata.json", "state-000002.weights.h5"]
    metadata = json.loads((tmp_path / "metadata.json").read_text())
    assert metadata["epoch"] == 3 and metadata["state_file"] == "state-000002.weights.h5"
    assert metadata["rng_state"]["bit_generator"] == type(backend.rng().bit_generator).__name__
    # The backup is a Keras 3 weights file, the same that model.save_weights writes.
    with h5py.File(tmp_path / "state-000002.weights.h5", "r") as f:
        assert sorted(f["layers/dense/vars"]) == ["0", "1"]
        assert np.array_equal(f["layers/dense/vars/1"][()], model.get_weights()[1])
        # iterations, learning rate, then one momentum per weight
        assert sorted(f["optimizer/vars"], key=int) == ["0", "1", "2", "3"]
        assert int(f["optimizer/vars/0"][()]) == 6


def test_no_backup_means_a_fresh_start(tmp_path):
    model = fresh_model()
    cb = BackupAndRestore(tmp_path / "none")
    CallbackList([cb], model=model).on_train_begin()
    assert not hasattr(model, "_initial_epoch_from_backup")
    assert not (tmp_path / "none").exists()


def test_the_backup_is_deleted_after_a_finished_run(tmp_path):
    train(fresh_model(), BackupAndRestore(tmp_path / "b"), epochs=2)
    assert not (tmp_path / "b").exists()
    train(fresh_model(), BackupAndRestore(tmp_path / "kept", delete_checkpoint=False), epochs=2)
    assert json.loads((tmp_path / "kept" / "metadata.json").read_text())["epoch"] == 2


def test_only_its_own_files_are_deleted(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    train(fresh_model(), BackupAndRestore(tmp_path), epochs=2)
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_a_run_resumed_after_its_last_epoch_trains_no_more(tmp_path):
    train(fresh_model(), BackupAndRestore(tmp_path, delete_checkpoint=False), epochs=2)
    model = fresh_model()
    assert train(model, BackupAndRestore(tmp_path), epochs=2) == 2


def test_a_failed_write_keeps_the_previous_backup(tmp_path, monkeypatch):
    model = fresh_model()
    cb = BackupAndRestore(tmp_path)
    cbs = CallbackList([cb], model=model)
    cbs.on_train_begin()
    train_one_step(model)
    cbs.on_epoch_end(0, {})
    saved = model.get_weights()
    train_one_step(model)

    def disk_full(fd):
        raise OSError(28, "disk full")

    monkeypatch.setattr(file_utils.os, "fsync", disk_full)
    with pytest.raises(OSError, match="disk full"):
        cbs.on_epoch_end(1, {})
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == ["metadata.json", "state-000000.weights.h5"]
    restored = fresh_model()
    CallbackList([BackupAndRestore(tmp_path)], model=restored).on_train_begin()
    assert restored._initial_epoch_from_backup == 1
    assert all(np.array_equal(a, b) for a, b in zip(restored.get_weights(), saved))


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_a_backup_of_another_model_is_refused_before_anything_changes(tmp_path):
    train(fresh_model(), BackupAndRestore(tmp_path, delete_checkpoint=False), epochs=1)
    other = make_model(inputs=4)
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"cannot restore the backup state-000000.weights.h5.*"
                                         r"expected shape \(4, 2\), found \(3, 2\)"):
        CallbackList([BackupAndRestore(tmp_path)], model=other).on_train_begin()
    assert all(np.array_equal(a, b) for a, b in zip(other.get_weights(), before))
    assert not hasattr(other, "_initial_epoch_from_backup") and other.optimizer.iterations == 0
    fewer = Sequential([layers.Input((3,)), layers.Dense(2, use_bias=False)])
    fewer.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="expects 1 weight.* but the file has 2"):
        CallbackList([BackupAndRestore(tmp_path)], model=fewer).on_train_begin()


def test_double_checkpoint_falls_back_on_the_previous_backup(tmp_path):
    model = fresh_model()
    with pytest.raises(Interrupted):
        train(model, BackupAndRestore(tmp_path, double_checkpoint=True), epochs=4, kill_after_epoch=2)
    assert sorted(os.listdir(tmp_path)) == ["metadata.json", "state-000001.weights.h5",
                                            "state-000002.weights.h5"]
    (tmp_path / "state-000002.weights.h5").write_bytes(b"garbage")
    restored = fresh_model()
    CallbackList([BackupAndRestore(tmp_path)], model=restored).on_train_begin()
    assert restored._initial_epoch_from_backup == 2
    assert restored.optimizer.iterations == 4


def test_an_unreadable_backup_without_fallback_raises(tmp_path):
    with pytest.raises(Interrupted):
        train(fresh_model(), BackupAndRestore(tmp_path), epochs=4, kill_after_epoch=0)
    (tmp_path / "state-000000.weights.h5").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="cannot restore the backup state-000000.weights.h5.*"
                                         "not a readable HDF5 weights file"):
        CallbackList([BackupAndRestore(tmp_path)], model=fresh_model()).on_train_begin()
    (tmp_path / "metadata.json").write_text("{not json")
    with pytest.raises(ValueError, match="cannot read its backup metadata"):
        CallbackList([BackupAndRestore(tmp_path)], model=fresh_model()).on_train_begin()


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_an_unbuilt_model_starts_fresh_but_cannot_resume_without_a_build_config(tmp_path):
    class Subclassed(shenjing.models.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    model = Subclassed()
    model.compile(optimizer="sgd", loss="mse")
    CallbackList([BackupAndRestore(tmp_path)], model=model).on_train_begin()  # nothing to restore
    with pytest.raises(Interrupted):
        train(fresh_model(), BackupAndRestore(tmp_path), epochs=2, kill_after_epoch=0)
    # The backup's build config builds the subclassed model (as the interrupted run's first
    # batch did); its weights then do not fit this other model, which the error says.
    with pytest.raises(ValueError, match="cannot restore the backup"):
        CallbackList([BackupAndRestore(tmp_path)], model=model).on_train_begin()
    # Without a build config in the backup there is nothing to build it from.
    metadata = json.loads((tmp_path / "metadata.json").read_text())
    metadata["build_config"] = None
    (tmp_path / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(ValueError, match="must be built before you call `fit\\(\\)`.*is unbuilt"):
        CallbackList([BackupAndRestore(tmp_path)], model=Subclassed()).on_train_begin()


def test_integer_save_freq_backs_up_mid_epoch(tmp_path):
    model = fresh_model()
    with pytest.raises(Interrupted):
        train(model, BackupAndRestore(tmp_path, save_freq=3), epochs=4, kill_after_epoch=1, batches=2)
    # Saves after batches 3 (epoch 1, batch 0); the epoch-1 end is not a save point.
    metadata = json.loads((tmp_path / "metadata.json").read_text())
    assert metadata["epoch"] == 1 and metadata["batch"] == 0
    restored = fresh_model()
    CallbackList([BackupAndRestore(tmp_path)], model=restored).on_train_begin()
    assert restored._initial_epoch_from_backup == 1 and restored.optimizer.iterations == 3


@pytest.mark.parametrize("kwargs, match", [
    ({"backup_dir": ""}, "Empty `backup_dir`"),
    ({"backup_dir": "x", "save_freq": "batch"}, "save_freq"),
    ({"backup_dir": "x", "save_freq": 0}, "save_freq"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BackupAndRestore(**kwargs)
