"""The callbacks inside a real ``fit``: Sequential models, the Adam optimizer, real logs."""

import csv
import importlib.util
import os

import numpy as np
import pytest

import shenjing
from shenjing import layers
from shenjing.callbacks import (BackupAndRestore, Callback, CSVLogger, EarlyStopping, LambdaCallback,
                                LearningRateScheduler, ModelCheckpoint, ReduceLROnPlateau,
                                TerminateOnNaN)
from shenjing.models import Model, Sequential


def make_data(n=96):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x[:, :2].sum(axis=1, keepdims=True) - x[:, 2:3]).astype("float32")
    return x, y


def make_model(seed=0, dropout=0.3, dropout_seed=None):
    shenjing.set_random_seed(seed)
    model = Sequential([layers.Input((6,)), layers.Dense(16, activation="relu"),
                        layers.Dropout(dropout, seed=dropout_seed), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


FIT = dict(batch_size=16, shuffle=True, validation_split=0.25, verbose=0)


class Kill(Callback):
    """Raise (a process killed) at the end of an epoch, or at one batch of an epoch."""

    def __init__(self, epoch, batch=None):
        super().__init__()
        self.epoch, self.batch = epoch, batch
        self.current = None

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.batch is not None and (self.current, batch) == (self.epoch, self.batch):
            raise KeyboardInterrupt("killed")

    def on_epoch_end(self, epoch, logs=None):
        if self.batch is None and epoch == self.epoch:
            raise KeyboardInterrupt("killed")


def assert_same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert len(wa) == len(wb)
    for u, v in zip(wa, wb):
        assert u.dtype == v.dtype and np.array_equal(u, v)


# -- BackupAndRestore ----------------------------------------------------------------------
@pytest.mark.parametrize("kill", [Kill(epoch=1), Kill(epoch=2, batch=2)], ids=["after-epoch-2", "mid-epoch-3"])
def test_backup_and_restore_resumes_bit_identically(tmp_path, kill):
    x, y = make_data()
    schedule = LearningRateScheduler(lambda epoch, lr: lr * 0.7)  # rates that float32 cannot hold
    reference = make_model()
    ref_history = reference.fit(x, y, epochs=4, callbacks=[schedule], **FIT)

    interrupted = make_model()
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(x, y, epochs=4, callbacks=[schedule, BackupAndRestore(tmp_path), kill], **FIT)
    assert os.path.exists(tmp_path / "metadata.json")
    with pytest.raises(AssertionError):  # the killed run is not yet where the reference is
        assert_same_weights(interrupted, reference)

    resumed = make_model()  # a new process: the same seed, a fresh model
    history = resumed.fit(x, y, epochs=4, callbacks=[schedule, BackupAndRestore(tmp_path)], **FIT)
    assert history.epoch == [2, 3]
    assert_same_weights(resumed, reference)
    assert resumed.optimizer.iterations == reference.optimizer.iterations
    assert resumed.optimizer.learning_rate == reference.optimizer.learning_rate
    assert history.history["loss"] == ref_history.history["loss"][2:]
    assert history.history["val_loss"] == ref_history.history["val_loss"][2:]
    assert not tmp_path.exists() or not os.listdir(tmp_path)


def test_a_model_built_by_its_first_batch_is_rebuilt_from_the_backup(tmp_path):
    x, y = make_data()

    def lazy_model():
        shenjing.set_random_seed(0)
        model = Sequential([layers.Dense(8, activation="relu"), layers.Dropout(0.2), layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        return model

    reference = lazy_model()
    reference.fit(x, y, epochs=3, **FIT)
    with pytest.raises(KeyboardInterrupt):
        lazy_model().fit(x, y, epochs=3, callbacks=[BackupAndRestore(tmp_path), Kill(epoch=0)], **FIT)
    resumed = lazy_model()
    assert not resumed.built
    history = resumed.fit(x, y, epochs=3, callbacks=[BackupAndRestore(tmp_path)], **FIT)
    assert history.epoch == [1, 2]
    assert_same_weights(resumed, reference)


def test_a_seeded_dropout_continues_its_own_sequence(tmp_path):
    x, y = make_data()
    reference = make_model(dropout_seed=5)
    reference.fit(x, y, epochs=3, **FIT)
    with pytest.raises(KeyboardInterrupt):
        make_model(dropout_seed=5).fit(x, y, epochs=3, callbacks=[BackupAndRestore(tmp_path), Kill(epoch=0)], **FIT)
    resumed = make_model(dropout_seed=5)
    resumed.fit(x, y, epochs=3, callbacks=[BackupAndRestore(tmp_path)], **FIT)
    assert_same_weights(resumed, reference)


def test_without_the_backup_a_new_run_starts_over(tmp_path):
    x, y = make_data()
    model = make_model()
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=4, callbacks=[BackupAndRestore(tmp_path), Kill(epoch=0)], **FIT)
    restarted = make_model()
    history = restarted.fit(x, y, epochs=2, callbacks=[BackupAndRestore(tmp_path / "other")], **FIT)
    assert history.epoch == [0, 1]


# -- EarlyStopping ---------------------------------------------------------------------------
def test_early_stopping_stops_a_real_fit_and_restores_the_best_weights():
    x, y = make_data()
    model = make_model(dropout=0.0)
    per_epoch = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: per_epoch.append(model.get_weights()))
    # No change of the loss is large enough: epoch 0 stays the best, epoch 1 stops.
    stop = EarlyStopping(monitor="loss", min_delta=1e6, patience=1, restore_best_weights=True)
    history = model.fit(x, y, epochs=10, callbacks=[record, stop], **FIT)
    assert history.epoch == [0, 1] and stop.stopped_epoch == 1 and stop.best_epoch == 0
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), per_epoch[0]))
    assert not all(np.array_equal(a, b) for a, b in zip(model.get_weights(), per_epoch[-1]))


def test_early_stopping_on_val_loss_lets_a_learning_model_train():
    x, y = make_data()
    model = make_model(dropout=0.0)
    history = model.fit(x, y, epochs=5, callbacks=[EarlyStopping(patience=3)], **FIT)
    assert history.epoch == [0, 1, 2, 3, 4]


# -- the others ---------------------------------------------------------------------------------
def test_learning_rate_callbacks_in_fit():
    x, y = make_data()
    model = make_model()
    history = model.fit(x, y, epochs=3, callbacks=[LearningRateScheduler(lambda epoch: 0.01 / (epoch + 1))], **FIT)
    assert history.history["learning_rate"] == pytest.approx([0.01, 0.005, 0.01 / 3])
    assert model.optimizer.learning_rate == pytest.approx(0.01 / 3)

    model = make_model()
    reduce = ReduceLROnPlateau(monitor="val_loss", min_delta=1e6, patience=1, factor=0.5)
    history = model.fit(x, y, epochs=3, callbacks=[reduce], **FIT)
    # Logged at each epoch's end before that epoch's reduction (Adam starts at 0.001).
    assert history.history["learning_rate"] == pytest.approx([0.001, 0.001, 0.0005])
    assert model.optimizer.learning_rate == pytest.approx(0.00025)


def test_csv_logger_in_fit(tmp_path):
    x, y = make_data()
    path = tmp_path / "training.csv"
    history = make_model().fit(x, y, epochs=3, callbacks=[CSVLogger(path)], **FIT)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "loss", "val_loss"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2]
    assert [float(r[1]) for r in rows[1:]] == pytest.approx(history.history["loss"])


def test_terminate_on_nan_in_fit(capsys):
    x, y = make_data()
    y[40:] = np.nan
    batches = []
    model = make_model()
    history = model.fit(x, y, epochs=5, batch_size=16, shuffle=False, verbose=0,
                        callbacks=[LambdaCallback(on_batch_end=lambda batch, logs: batches.append(batch)),
                                   TerminateOnNaN()])
    assert batches == [0, 1, 2] and history.epoch == [0]
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out


@pytest.mark.skipif(importlib.util.find_spec("shenjing.saving") is None,
                    reason="shenjing.saving (Model.save / save_weights) is not written yet")
def test_model_checkpoint_in_fit(tmp_path):
    x, y = make_data()
    model = make_model()
    model.fit(x, y, epochs=2, callbacks=[
        ModelCheckpoint(tmp_path / "m-{epoch:02d}.keras"),
        ModelCheckpoint(tmp_path / "w" / "best.weights.h5", save_weights_only=True, save_best_only=True),
    ], **FIT)
    assert sorted(os.listdir(tmp_path)) == ["m-01.keras", "m-02.keras", "w"]
    assert os.listdir(tmp_path / "w") == ["best.weights.h5"]


def test_predict_batch_end_gets_the_outputs_in_the_models_structure():
    """Keras passes ``logs["outputs"]`` as the batch's outputs themselves: one array for a
    single-output model (not a one-element list), a list for a multi-output one."""
    seen = []
    rec = LambdaCallback(on_predict_batch_end=lambda batch, logs: seen.append(logs["outputs"]))
    x, _ = make_data(10)
    make_model().predict(x, batch_size=4, verbose=0, callbacks=[rec])
    assert [o.shape for o in seen] == [(4, 1), (4, 1), (2, 1)]
    assert all(isinstance(o, np.ndarray) for o in seen)
    inp = layers.Input((6,))
    two = Model(inp, [layers.Dense(2)(inp), layers.Dense(3)(inp)])
    seen.clear()
    two.predict(x, batch_size=8, verbose=0, callbacks=[rec])
    assert [[o.shape for o in outs] for outs in seen] == [[(8, 2), (8, 3)], [(2, 2), (2, 3)]]
