"""BackupAndRestore with a stand-in model: what is written, when, and what comes back."""

import json
import os

import numpy as np
import pytest

import shenjing
from callback_fakes import FakeModel
from shenjing import backend
from shenjing.callbacks import BackupAndRestore, CallbackList


class Interrupted(Exception):
    pass


def train(model, callback, epochs, kill_after_epoch=None, batches=2):
    """A fit-like loop over the fake model; raises ``Interrupted`` after ``kill_after_epoch``
    (so ``on_train_end`` does not run). The weights are drawn from the generator, so that
    a resumed run matches only if the generator's state came back."""
    cbs = CallbackList([callback], model=model, epochs=epochs, steps=batches)
    cbs.on_train_begin()
    start = model.__dict__.pop("_initial_epoch_from_backup", 0)
    for epoch in range(start, epochs):
        cbs.on_epoch_begin(epoch)
        for batch in range(batches):
            model.train_one_step()
            noise = backend.rng().normal(size=model.weights[0].shape).astype(np.float32)
            model.weights[0] = model.weights[0] + noise
            cbs.on_train_batch_end(batch, {"loss": 1.0})
        cbs.on_epoch_end(epoch, {"loss": 1.0})
        if epoch == kill_after_epoch:
            raise Interrupted
    cbs.on_train_end()
    return start


def fresh_model():
    shenjing.set_random_seed(3)
    return FakeModel(weights=[np.zeros((3, 2)), np.zeros(2)])


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
    assert all(np.array_equal(a, b) for a, b in zip(model.optimizer.slots, reference.optimizer.slots))
    assert backend.rng().random() == after_ref


def test_files_written_at_each_epoch_end(tmp_path):
    model = fresh_model()
    with pytest.raises(Interrupted):
        train(model, BackupAndRestore(tmp_path), epochs=5, kill_after_epoch=2)
    names = sorted(os.listdir(tmp_path))
    assert names == ["metadata.json", "state-000002.npz"]  # older states removed, no temporaries
    metadata = json.loads((tmp_path / "metadata.json").read_text())
    assert metadata["epoch"] == 3 and metadata["state_file"] == "state-000002.npz"
    assert metadata["rng_state"]["bit_generator"] == type(backend.rng().bit_generator).__name__
    with np.load(tmp_path / "state-000002.npz", allow_pickle=False) as data:
        assert sorted(data.files) == ["optimizer_00000", "optimizer_00001", "optimizer_00002",
                                      "weight_00000", "weight_00001"]
        assert int(data["optimizer_00000"]) == 6
        assert np.array_equal(data["weight_00001"], model.weights[1])


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
    model.train_one_step()
    cbs.on_epoch_end(0, {})
    saved = model.get_weights()
    model.train_one_step()

    def broken_savez(file, **arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        cbs.on_epoch_end(1, {})
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == ["metadata.json", "state-000000.npz"]
    restored = fresh_model()
    CallbackList([BackupAndRestore(tmp_path)], model=restored).on_train_begin()
    assert restored._initial_epoch_from_backup == 1
    assert all(np.array_equal(a, b) for a, b in zip(restored.get_weights(), saved))


def test_a_backup_of_another_model_is_refused_before_anything_changes(tmp_path):
    train(fresh_model(), BackupAndRestore(tmp_path, delete_checkpoint=False), epochs=1)
    other = FakeModel(weights=[np.ones((4, 2)), np.ones(2)])
    with pytest.raises(ValueError, match=r"Weight 0 of the model has shape \(4, 2\).*\(3, 2\)"):
        CallbackList([BackupAndRestore(tmp_path)], model=other).on_train_begin()
    assert np.all(other.weights[0] == 1.0) and not hasattr(other, "_initial_epoch_from_backup")
    fewer = FakeModel(weights=[np.ones((3, 2))])
    with pytest.raises(ValueError, match="The model has 1 weights, but the backup .* has 2"):
        CallbackList([BackupAndRestore(tmp_path)], model=fewer).on_train_begin()


def test_double_checkpoint_falls_back_on_the_previous_backup(tmp_path):
    model = fresh_model()
    with pytest.raises(Interrupted):
        train(model, BackupAndRestore(tmp_path, double_checkpoint=True), epochs=4, kill_after_epoch=2)
    assert sorted(os.listdir(tmp_path)) == ["metadata.json", "state-000001.npz", "state-000002.npz"]
    (tmp_path / "state-000002.npz").write_bytes(b"garbage")
    restored = fresh_model()
    CallbackList([BackupAndRestore(tmp_path)], model=restored).on_train_begin()
    assert restored._initial_epoch_from_backup == 2
    assert restored.optimizer.iterations == 4


def test_an_unreadable_backup_without_fallback_raises(tmp_path):
    with pytest.raises(Interrupted):
        train(fresh_model(), BackupAndRestore(tmp_path), epochs=4, kill_after_epoch=0)
    (tmp_path / "state-000000.npz").write_bytes(b"garbage")
    with pytest.raises(ValueError, match="cannot read the backup state-000000.npz"):
        CallbackList([BackupAndRestore(tmp_path)], model=fresh_model()).on_train_begin()
    (tmp_path / "metadata.json").write_text("{not json")
    with pytest.raises(ValueError, match="cannot read its backup metadata"):
        CallbackList([BackupAndRestore(tmp_path)], model=fresh_model()).on_train_begin()


def test_an_unbuilt_model_starts_fresh_but_cannot_resume_without_a_build_config(tmp_path):
    model = fresh_model()
    model.built = False
    CallbackList([BackupAndRestore(tmp_path)], model=model).on_train_begin()  # nothing to restore
    with pytest.raises(Interrupted):
        train(fresh_model(), BackupAndRestore(tmp_path), epochs=2, kill_after_epoch=0)
    with pytest.raises(ValueError, match="must be built before you call `fit\\(\\)`"):
        CallbackList([BackupAndRestore(tmp_path)], model=model).on_train_begin()
    weightless = FakeModel(weights=[])  # "built", but its weights come with the first call
    with pytest.raises(ValueError, match="is unbuilt"):
        CallbackList([BackupAndRestore(tmp_path)], model=weightless).on_train_begin()


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
