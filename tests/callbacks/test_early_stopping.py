"""EarlyStopping driven by hand with synthetic logs (Keras 3's rules)."""

import warnings

import numpy as np
import pytest

from callback_fakes import FakeModel, run_epochs
from shenjing.callbacks import CallbackList, EarlyStopping
from shenjing.callbacks.monitor_callback import infer_mode


def test_patience_zero_stops_at_first_epoch_without_improvement():
    model = FakeModel()
    es = EarlyStopping(monitor="val_loss", patience=0)
    ran = run_epochs([es], model, [1.0, 0.9, 0.95, 0.8])
    assert ran == [0, 1, 2]
    assert model.stop_training and es.stopped_epoch == 2
    assert es.best == 0.9 and es.best_epoch == 1


def test_patience_counts_epochs_without_improvement():
    model = FakeModel()
    es = EarlyStopping(patience=2)
    ran = run_epochs([es], model, [1.0, 0.9, 0.95, 0.96, 0.5])
    assert ran == [0, 1, 2, 3] and es.stopped_epoch == 3 and es.wait == 2


def test_an_improvement_resets_the_wait():
    es = EarlyStopping(patience=2)
    ran = run_epochs([es], FakeModel(), [1.0, 1.1, 0.9, 1.2, 0.8, 0.85, 0.86])
    assert ran == [0, 1, 2, 3, 4, 5, 6] and es.stopped_epoch == 6


def test_min_delta_requires_a_large_enough_change():
    es = EarlyStopping(patience=1, min_delta=0.1)
    ran = run_epochs([es], FakeModel(), [1.0, 0.95, 0.92, 0.91])
    assert ran == [0, 1] and es.best == 1.0
    es = EarlyStopping(patience=1, min_delta=-0.01)  # the sign is ignored, as in Keras
    assert es.min_delta == 0.01
    ran = run_epochs([es], FakeModel(), [1.0, 0.95, 0.92, 0.9])
    assert ran == [0, 1, 2, 3] and not es.stopped_epoch


@pytest.mark.parametrize("monitor, expected", [
    ("loss", "min"), ("val_loss", "min"), ("output_1_loss", "min"),
    ("accuracy", "max"), ("val_acc", "max"), ("val_sparse_categorical_accuracy", "max"),
    ("auc", "max"), ("val_precision", "max"), ("recall", "max"),
    ("mean_squared_error", "min"), ("val_mae", "min"), ("val_categorical_crossentropy", "min"),
    ("kl_divergence", "min"), ("cosine_similarity", "max"), ("foo", None), ("val_mean", None),
])
def test_mode_auto_reads_the_direction_from_the_name(monitor, expected):
    assert infer_mode(monitor) == expected


def test_a_metric_that_declares_its_direction_decides():
    class Metric:
        name = "score"
        _direction = "up"

    model = FakeModel()
    model.metrics = [Metric()]
    assert infer_mode("val_score", model) == "max"


def test_mode_auto_maximizes_accuracy():
    rising = [0.5, 0.6, 0.7, 0.8]
    es = EarlyStopping(monitor="val_accuracy", patience=0)
    assert run_epochs([es], FakeModel(), rising, monitor="val_accuracy") == [0, 1, 2, 3]
    es = EarlyStopping(monitor="val_accuracy", patience=0)
    assert run_epochs([es], FakeModel(), rising[::-1], monitor="val_accuracy") == [0, 1]
    es = EarlyStopping(monitor="val_accuracy", patience=0, mode="min")
    assert run_epochs([es], FakeModel(), rising, monitor="val_accuracy") == [0, 1]


def test_unknown_name_in_auto_mode_raises_and_explicit_mode_works():
    with pytest.raises(ValueError, match="mode='max'"):
        run_epochs([EarlyStopping(monitor="val_foo")], FakeModel(), [1.0, 2.0], monitor="val_foo")
    es = EarlyStopping(monitor="val_foo", mode="max", patience=0)
    assert run_epochs([es], FakeModel(), [1.0, 2.0, 1.5], monitor="val_foo") == [0, 1, 2]


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="mode 'up' is unknown"):
        es = EarlyStopping(mode="up")
    assert es.mode == "auto"


def test_baseline_not_beaten_stops_after_patience_epochs():
    # Without a baseline the improvements keep resetting the patience counter...
    values = [0.9, 0.8, 0.85, 0.86, 0.87]
    es = EarlyStopping(patience=2)
    assert run_epochs([es], FakeModel(), values) == [0, 1, 2, 3]
    # ...with one they do not, since none of them beats 0.5.
    es = EarlyStopping(patience=2, baseline=0.5)
    assert run_epochs([es], FakeModel(), values) == [0, 1, 2]
    assert es.best == 0.8


def test_baseline_beaten_behaves_as_without_one():
    es = EarlyStopping(patience=2, baseline=0.5)
    assert run_epochs([es], FakeModel(), [0.4, 0.45, 0.46, 0.47]) == [0, 1, 2]
    assert es.best == 0.4


def test_restore_best_weights_when_stopping():
    model = FakeModel()
    es = EarlyStopping(patience=2, restore_best_weights=True)
    ran = run_epochs([es], model, [1.0, 0.5, 0.7, 0.8, 0.1])
    assert ran == [0, 1, 2, 3]
    assert all(np.all(w == 1.0) for w in model.get_weights())  # set at epoch 1's end
    assert es.best_epoch == 1


def test_restore_best_weights_at_train_end_even_without_stopping():
    model = FakeModel()
    es = EarlyStopping(patience=5, restore_best_weights=True)
    run_epochs([es], model, [1.0, 0.5, 0.7])
    assert not es.stopped_epoch
    assert all(np.all(w == 1.0) for w in model.get_weights())


def test_without_restore_best_weights_the_last_weights_stay():
    model = FakeModel()
    run_epochs([EarlyStopping(patience=1)], model, [1.0, 0.5, 0.7])
    assert all(np.all(w == 2.0) for w in model.get_weights())


def test_restore_best_weights_with_an_unbeaten_baseline_restores_the_best_watched_epoch():
    model = FakeModel()
    es = EarlyStopping(patience=2, baseline=0.1, restore_best_weights=True)
    run_epochs([es], model, [0.9, 0.8, 0.85, 0.86])
    assert es.stopped_epoch == 2
    assert all(np.all(w == 1.0) for w in model.get_weights())


def test_start_from_epoch_ignores_the_warm_up_epochs():
    model = FakeModel()
    es = EarlyStopping(patience=0, start_from_epoch=2, restore_best_weights=True)
    ran = run_epochs([es], model, [1.0, 2.0, 3.0, 4.0, 0.5])
    assert ran == [0, 1, 2, 3]
    assert es.best == 3.0 and es.best_epoch == 2
    assert all(np.all(w == 2.0) for w in model.get_weights())


def test_missing_monitor_warns_with_the_available_keys():
    model = FakeModel()
    es = EarlyStopping(monitor="val_accuracy", patience=0)
    cbs = CallbackList([es], model=model)
    cbs.on_train_begin()
    with pytest.warns(UserWarning, match=r"val_accuracy.*Available metrics are: loss,val_loss"):
        cbs.on_epoch_end(0, {"loss": 1.0, "val_loss": 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cbs.on_epoch_end(1, {"loss": 2.0, "val_loss": 2.0})
    assert not model.stop_training


def test_an_instance_can_serve_two_fits():
    es = EarlyStopping(patience=0)
    assert run_epochs([es], FakeModel(), [1.0, 2.0]) == [0, 1]
    # The best of the first fit (1.0) does not carry over into the second.
    assert run_epochs([es], FakeModel(), [5.0, 4.0, 3.0]) == [0, 1, 2]
    assert es.stopped_epoch == 0


def test_verbose_messages(capsys):
    es = EarlyStopping(patience=0, verbose=1, restore_best_weights=True)
    run_epochs([es], FakeModel(), [1.0, 2.0])
    out = capsys.readouterr().out
    assert "Epoch 2: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 1." in out
