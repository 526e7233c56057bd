"""CSVLogger, TerminateOnNaN and LambdaCallback driven by hand."""

import csv

import numpy as np
import pytest

from callback_fakes import FakeModel
from shenjing.callbacks import Callback, CallbackList, CSVLogger, LambdaCallback, TerminateOnNaN


def log_epochs(callback, rows, model=None, start=0):
    cbs = CallbackList([callback], model=model or FakeModel())
    cbs.on_train_begin()
    for epoch, logs in enumerate(rows, start=start):
        cbs.on_epoch_begin(epoch)
        cbs.on_epoch_end(epoch, dict(logs))
    cbs.on_train_end()


def read_rows(path, delimiter=","):
    with open(path, newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


def test_csv_header_and_rows(tmp_path):
    path = tmp_path / "log.csv"
    log_epochs(CSVLogger(path), [{"val_loss": 0.5, "loss": 1.0, "accuracy": 0.25},
                                 {"val_loss": 0.25, "loss": 0.5, "accuracy": 0.5}])
    assert read_rows(path) == [["epoch", "accuracy", "loss", "val_loss"],
                               ["0", "0.25", "1.0", "0.5"], ["1", "0.5", "0.5", "0.25"]]


def test_csv_rows_are_flushed_as_they_come(tmp_path):
    path = tmp_path / "log.csv"
    cbs = CallbackList([CSVLogger(path)], model=FakeModel())
    cbs.on_train_begin()
    cbs.on_epoch_end(0, {"loss": 1.0})
    assert read_rows(path) == [["epoch", "loss"], ["0", "1.0"]]
    cbs.on_train_end()


def test_csv_append_does_not_repeat_the_header(tmp_path):
    path = tmp_path / "log.csv"
    log_epochs(CSVLogger(path), [{"loss": 1.0}, {"loss": 0.5}])
    log_epochs(CSVLogger(path, append=True), [{"loss": 0.25}], start=2)
    assert read_rows(path) == [["epoch", "loss"], ["0", "1.0"], ["1", "0.5"], ["2", "0.25"]]


def test_csv_append_to_a_new_or_empty_file_writes_the_header(tmp_path):
    path = tmp_path / "new" / "log.csv"
    log_epochs(CSVLogger(path, append=True), [{"loss": 1.0}])
    assert read_rows(path) == [["epoch", "loss"], ["0", "1.0"]]
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    log_epochs(CSVLogger(empty, append=True), [{"loss": 1.0}])
    assert read_rows(empty) == [["epoch", "loss"], ["0", "1.0"]]


def test_csv_without_append_overwrites(tmp_path):
    path = tmp_path / "log.csv"
    log_epochs(CSVLogger(path), [{"loss": 1.0}, {"loss": 0.5}])
    log_epochs(CSVLogger(path), [{"loss": 0.25}])
    assert read_rows(path) == [["epoch", "loss"], ["0", "0.25"]]


def test_csv_separator_missing_keys_and_arrays(tmp_path):
    path = tmp_path / "log.tsv"
    log_epochs(CSVLogger(path, separator="\t"),
               [{"loss": 1.0, "val_loss": 2.0, "vec": np.array([1, 2])}, {"loss": 0.5}])
    assert read_rows(path, "\t") == [["epoch", "loss", "val_loss", "vec"],
                                     ["0", "1.0", "2.0", "[1, 2]"], ["1", "0.5", "NA", "NA"]]


def test_csv_file_is_closed_at_train_end(tmp_path):
    logger = CSVLogger(tmp_path / "log.csv")
    log_epochs(logger, [{"loss": 1.0}])
    assert logger.csv_file is None


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), np.float32("nan")])
def test_terminate_on_nan_stops(bad, capsys):
    model = FakeModel()
    cbs = CallbackList([TerminateOnNaN()], model=model)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    assert not model.stop_training
    cbs.on_train_batch_end(1, {"loss": bad})
    assert model.stop_training
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_ignores_logs_without_loss_and_can_raise():
    model = FakeModel()
    cbs = CallbackList([TerminateOnNaN(raise_error=True)], model=model)
    cbs.on_train_batch_end(0, {"accuracy": float("nan")})
    cbs.on_train_batch_end(0, None)
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 3"):
        cbs.on_train_batch_end(3, {"loss": float("nan")})
    assert not model.stop_training


def test_lambda_callback_calls_the_given_functions():
    calls = []
    cb = LambdaCallback(
        on_train_begin=lambda logs: calls.append(("train_begin", logs)),
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch)),
        on_batch_begin=lambda batch, logs: calls.append(("batch_begin", batch)),
        on_batch_end=lambda batch, logs: calls.append(("batch_end", batch, logs["loss"])),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs["loss"])),
        on_train_end=lambda logs: calls.append(("train_end", logs)),
        on_test_begin=lambda logs: calls.append(("test_begin",)),
    )
    assert isinstance(cb, LambdaCallback) and isinstance(cb, Callback)
    cbs = CallbackList([cb], model=FakeModel())
    assert cbs.wants("on_train_batch_end") and not cbs.wants("on_predict_batch_end")
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 2.0})
    cbs.on_test_begin()
    cbs.on_epoch_end(0, {"loss": 1.5})
    cbs.on_train_end({"loss": 1.5})
    assert calls == [("train_begin", {}), ("epoch_begin", 0), ("batch_begin", 0),
                     ("batch_end", 0, 2.0), ("test_begin",), ("epoch_end", 0, 1.5),
                     ("train_end", {"loss": 1.5})]


def test_lambda_callback_hooks_not_given_do_nothing():
    cb = LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    cbs = CallbackList([cb])
    assert not cbs.wants("on_train_batch_end") and not cbs.wants("on_epoch_begin")
    cb.on_train_batch_end(0, {})  # the base class's no-op
    other = LambdaCallback()  # each instance has its own hooks
    assert not CallbackList([other]).wants("on_epoch_end")


def test_lambda_callback_rejects_unknown_hooks_and_non_functions():
    with pytest.raises(ValueError, match="unknown hook 'on_epoch_middle'"):
        LambdaCallback(on_epoch_middle=lambda epoch, logs: None)
    with pytest.raises(ValueError, match="must be a function"):
        LambdaCallback(on_epoch_end=3)
    with pytest.raises(ValueError, match="alias"):
        LambdaCallback(on_batch_end=print, on_train_batch_end=print)
