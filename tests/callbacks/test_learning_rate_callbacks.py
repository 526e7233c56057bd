"""ReduceLROnPlateau and LearningRateScheduler driven by hand."""

import numpy as np
import pytest

from callback_fakes import FakeModel
from shenjing.callbacks import CallbackList, LearningRateScheduler, ReduceLROnPlateau


def drive(callback, values, model=None, monitor="val_loss"):
    """Epochs with ``logs[monitor] = value``; returns (rate in use during each epoch, logs)."""
    model = model or FakeModel(learning_rate=0.1)
    cbs = CallbackList([callback], model=model)
    cbs.on_train_begin()
    rates, all_logs = [], []
    for epoch, value in enumerate(values):
        cbs.on_epoch_begin(epoch)
        rates.append(model.optimizer.learning_rate)
        logs = {"loss": value, monitor: value}
        cbs.on_epoch_end(epoch, logs)
        all_logs.append(logs)
    cbs.on_train_end()
    return rates, all_logs


def test_reduce_after_patience_with_cooldown_and_min_lr():
    cb = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2, min_lr=0.01)
    rates, logs = drive(cb, [1.0] * 10)
    # Reduced at the end of epochs 1, 3, 5, 7: the cooldown epoch after each reduction
    # does not count (Keras's counting), and 0.00625 is floored at min_lr.
    assert rates == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125, 0.01, 0.01])
    # The logs carry the rate of the epoch that just ended.
    assert [l["learning_rate"] for l in logs] == pytest.approx(rates)
    rates, _ = drive(ReduceLROnPlateau(factor=0.5, patience=1, cooldown=0, min_lr=0.01), [1.0] * 7)
    assert rates == pytest.approx([0.1, 0.1, 0.05, 0.025, 0.0125, 0.01, 0.01])


def test_at_min_lr_nothing_more_happens(capsys):
    model = FakeModel(learning_rate=0.01)
    cb = ReduceLROnPlateau(patience=1, min_lr=0.01, cooldown=5, verbose=1)
    drive(cb, [1.0, 1.0, 1.0], model)
    assert model.optimizer.learning_rate == 0.01 and cb.cooldown_counter == 0
    assert capsys.readouterr().out == ""


def test_improvements_reset_the_wait():
    cb = ReduceLROnPlateau(factor=0.1, patience=2)
    rates, _ = drive(cb, [1.0, 0.9, 0.95, 0.8, 0.85, 0.86, 0.87])
    assert rates == pytest.approx([0.1] * 6 + [0.01])


def test_min_delta():
    # Steps of 5e-5 are not improvements with the default min_delta of 1e-4.
    rates, _ = drive(ReduceLROnPlateau(patience=1), [1.0, 1.0 - 5e-5, 1.0 - 1e-4 + 1e-9])
    assert rates == pytest.approx([0.1, 0.1, 0.01])
    rates, _ = drive(ReduceLROnPlateau(patience=1, min_delta=0.0), [1.0, 1.0 - 5e-5, 1.0 - 1e-4])
    assert rates == pytest.approx([0.1, 0.1, 0.1])


def test_accuracy_is_maximized():
    rates, _ = drive(ReduceLROnPlateau(monitor="val_accuracy", patience=1), [0.5, 0.6, 0.7, 0.7],
                     monitor="val_accuracy")
    assert rates == pytest.approx([0.1, 0.1, 0.1, 0.1])
    model = FakeModel(learning_rate=0.1)
    drive(ReduceLROnPlateau(monitor="val_accuracy", patience=1), [0.5, 0.6, 0.7, 0.7], model,
          monitor="val_accuracy")
    assert model.optimizer.learning_rate == pytest.approx(0.01)


def test_unknown_names_are_minimized():
    model = FakeModel(learning_rate=0.1)
    drive(ReduceLROnPlateau(monitor="foo", patience=1), [1.0, 2.0], model, monitor="foo")
    assert model.optimizer.learning_rate == pytest.approx(0.01)


def test_factor_of_one_or_more_raises():
    with pytest.raises(ValueError, match="factor >= 1.0"):
        ReduceLROnPlateau(factor=1.0)
    with pytest.raises(ValueError, match="unknown keyword"):
        ReduceLROnPlateau(foo=1)


def test_missing_monitor_warns_and_logs_the_rate():
    cbs = CallbackList([ReduceLROnPlateau(monitor="val_loss")], model=FakeModel(learning_rate=0.1))
    cbs.on_train_begin()
    logs = {"loss": 1.0}
    with pytest.warns(UserWarning, match="Available metrics are: loss"):
        cbs.on_epoch_end(0, logs)
    assert logs["learning_rate"] == 0.1


def test_verbose_message(capsys):
    drive(ReduceLROnPlateau(patience=0, factor=0.5, verbose=1), [1.0, 1.0])
    assert "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.05." in capsys.readouterr().out


def test_scheduler_with_epoch_only():
    cb = LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))
    rates, logs = drive(cb, [1.0, 1.0, 1.0])
    assert rates == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert [l["learning_rate"] for l in logs] == pytest.approx(rates)


def test_scheduler_with_epoch_and_rate():
    def schedule(epoch, lr):
        return lr if epoch < 2 else lr * 0.5

    rates, _ = drive(LearningRateScheduler(schedule), [1.0] * 4)
    assert rates == pytest.approx([0.1, 0.1, 0.05, 0.025])


def test_scheduler_accepts_numpy_floats():
    rates, _ = drive(LearningRateScheduler(lambda epoch, lr: np.float32(0.5)), [1.0])
    assert rates == [0.5] and isinstance(rates[0], float)


@pytest.mark.parametrize("value", [1, "0.1", None, np.array([0.1])])
def test_scheduler_rejects_a_non_float(value):
    cbs = CallbackList([LearningRateScheduler(lambda epoch: value)], model=FakeModel())
    with pytest.raises(ValueError, match="should be a float"):
        cbs.on_epoch_begin(0)


def test_scheduler_verbose(capsys):
    drive(LearningRateScheduler(lambda epoch: 0.25, verbose=1), [1.0])
    assert "Epoch 1: LearningRateScheduler setting learning rate to 0.25." in capsys.readouterr().out
