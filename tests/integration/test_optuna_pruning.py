"""``shenjing.integration.optuna.KerasPruningCallback`` with real Optuna studies (in memory):
what it reports, when it prunes, and that a pruned trial leaves ``fit`` cleanly."""

import subprocess
import sys

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")

import shenjing  # noqa: E402
from shenjing import layers  # noqa: E402
from shenjing.callbacks import Callback  # noqa: E402
from shenjing.integration.optuna import KerasPruningCallback  # noqa: E402
from shenjing.keras.utils import set_random_seed  # noqa: E402
from shenjing.models import Sequential  # noqa: E402
from optuna.trial import TrialState  # noqa: E402


@pytest.fixture(autouse=True)
def quiet_optuna():
    level = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    yield
    optuna.logging.set_verbosity(level)


def make_data(n=64, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32") + 0.3).astype("float32")
    return x[:48], y[:48], x[48:], y[48:]


def make_model(units=8, learning_rate=0.01):
    model = Sequential([layers.Input((4,)), layers.Dense(units, activation="relu"), layers.Dense(1)])
    model.compile(optimizer=shenjing.keras.optimizers.Adam(learning_rate), loss="mse")
    return model


def fit_in_trial(trial, epochs, interval=1, monitor="val_loss", callbacks=()):
    set_random_seed(0)
    x, y, vx, vy = make_data()
    model = make_model()
    trial.set_user_attr("history", [])
    history = model.fit(x, y, batch_size=16, epochs=epochs, validation_data=(vx, vy), verbose=0,
                        callbacks=[*callbacks, Record(trial), KerasPruningCallback(trial, monitor, interval)])
    return history.history["val_loss"][-1]


class Record(Callback):
    """Keeps each epoch's val_loss in the trial's user attributes (a pruned fit returns nothing)."""

    def __init__(self, trial):
        super().__init__()
        self.trial = trial

    def on_epoch_end(self, epoch, logs=None):
        self.trial.set_user_attr("history", self.trial.user_attrs["history"] + [float(logs["val_loss"])])


class AlwaysPrune(optuna.pruners.BasePruner):
    def prune(self, study, trial):
        return True


def test_reported_values_are_the_history_val_loss():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    histories = []

    def objective(trial):
        set_random_seed(0)
        x, y, vx, vy = make_data()
        model = make_model()
        history = model.fit(x, y, batch_size=16, epochs=4, validation_data=(vx, vy), verbose=0,
                            callbacks=[KerasPruningCallback(trial, "val_loss")])
        histories.append(history.history["val_loss"])
        return history.history["val_loss"][-1]

    study.optimize(objective, n_trials=1)
    trial = study.trials[0]
    assert trial.state == TrialState.COMPLETE
    assert trial.intermediate_values == {epoch: v for epoch, v in enumerate(histories[0])}
    assert trial.value == histories[0][-1]


def test_a_pruner_that_always_prunes_stops_fit_after_the_first_epoch():
    study = optuna.create_study(pruner=AlwaysPrune())
    seen = {}

    class Watch(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            seen.setdefault("epochs", []).append(epoch)

        def on_train_end(self, logs=None):
            seen["train_end"] = True

    def objective(trial):
        return fit_in_trial(trial, epochs=5, callbacks=[Watch()])

    study.optimize(objective, n_trials=1)
    trial = study.trials[0]
    assert trial.state == TrialState.PRUNED
    assert list(trial.intermediate_values) == [0]
    assert seen == {"epochs": [0]}   # no second epoch, and no on_train_end (as in Keras)


def test_trial_pruned_leaves_fit_unwrapped_and_the_model_usable():
    study = optuna.create_study(pruner=AlwaysPrune())
    trial = study.ask()
    set_random_seed(0)
    x, y, vx, vy = make_data()
    model = make_model()
    with pytest.raises(optuna.TrialPruned, match=r"^Trial was pruned at epoch 0\.$") as info:
        model.fit(x, y, epochs=3, validation_data=(vx, vy), verbose=0,
                  callbacks=[KerasPruningCallback(trial, "val_loss")])
    assert type(info.value) is optuna.TrialPruned and info.value.__cause__ is None
    assert model.stop_training is False
    assert model.predict(vx, verbose=0).shape == (16, 1)
    history = model.fit(x, y, epochs=2, validation_data=(vx, vy), verbose=0)   # trains again
    assert len(history.history["val_loss"]) == 2
    assert np.isfinite(model.evaluate(vx, vy, verbose=0))


def test_interval_two_reports_every_other_epoch():
    study = optuna.create_study()
    study.optimize(lambda trial: fit_in_trial(trial, epochs=5, interval=2), n_trials=1)
    trial = study.trials[0]
    history = trial.user_attrs["history"]
    assert trial.intermediate_values == {1: history[1], 3: history[3]}


def test_interval_two_prunes_at_the_second_epoch():
    study = optuna.create_study(pruner=AlwaysPrune())
    study.optimize(lambda trial: fit_in_trial(trial, epochs=5, interval=2), n_trials=1)
    trial = study.trials[0]
    assert trial.state == TrialState.PRUNED
    assert list(trial.intermediate_values) == [1] and len(trial.user_attrs["history"]) == 2


def test_a_missing_monitor_warns_with_the_available_keys_and_reports_nothing():
    study = optuna.create_study(pruner=AlwaysPrune())
    with pytest.warns(UserWarning, match=r"'val_acc' is not in the evaluation logs.*\['loss', 'val_loss'\]"):
        study.optimize(lambda trial: fit_in_trial(trial, epochs=2, monitor="val_acc"), n_trials=1)
    trial = study.trials[0]
    assert trial.state == TrialState.COMPLETE and trial.intermediate_values == {}


@pytest.mark.parametrize("interval", [0, -1, 1.5, True])
def test_interval_must_be_a_positive_integer(interval):
    trial = optuna.create_study().ask()
    with pytest.raises(ValueError, match=rf"positive integer.*interval={interval!r}"):
        KerasPruningCallback(trial, "val_loss", interval=interval)


def run_study(seed):
    x, y, vx, vy = make_data(seed=11)

    def objective(trial):
        set_random_seed(trial.number)
        model = make_model(trial.suggest_int("units", 2, 16, log=True),
                           trial.suggest_float("learning_rate", 1e-3, 1e-1, log=True))
        history = model.fit(x, y, batch_size=16, epochs=4, validation_data=(vx, vy), verbose=0,
                            callbacks=[KerasPruningCallback(trial, "val_loss")])
        return history.history["val_loss"][-1]

    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed),
                                pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1))
    study.optimize(objective, n_trials=6)
    return study


def test_a_median_pruned_study_completes_and_is_reproducible():
    first, second = run_study(0), run_study(0)
    states = [t.state for t in first.trials]
    assert TrialState.COMPLETE in states and TrialState.PRUNED in states
    assert set(states) <= {TrialState.COMPLETE, TrialState.PRUNED}
    assert np.isfinite(first.best_value)
    assert first.best_params == second.best_params and first.best_value == second.best_value
    assert [(t.state, t.params, t.value, t.intermediate_values) for t in first.trials] == \
           [(t.state, t.params, t.value, t.intermediate_values) for t in second.trials]


def test_importing_shenjing_imports_neither_optuna_nor_the_integration():
    code = ("import sys, shenjing, shenjing.keras, shenjing.keras.callbacks; "
            "print(sorted(m for m in sys.modules if m == 'optuna' or m.startswith('shenjing.integration')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_package_reaches_the_callback_lazily():
    import shenjing.integration as integration

    assert integration.KerasPruningCallback is KerasPruningCallback
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        integration.Nope


def test_through_the_sklearn_wrapper_each_clone_reports_to_the_trial():
    # cross_val_score clones the estimator, deep-copying fit_kwargs and the callback in it: the
    # copies share the trial, so the reports arrive; error_score="raise" lets a prune stop it.
    from sklearn.model_selection import KFold, cross_val_score

    from shenjing.keras.wrappers import SKLearnRegressor

    x, y, _, _ = make_data()

    def build(X, y):
        return make_model()

    def objective(trial):
        callback = KerasPruningCallback(trial, "val_loss")
        estimator = SKLearnRegressor(build, random_state=0, fit_kwargs={
            "epochs": 3, "validation_split": 0.25, "verbose": 0, "callbacks": [callback]})
        return cross_val_score(estimator, x, y[:, 0], cv=KFold(2), error_score="raise").mean()

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    with pytest.warns(UserWarning, match="already reported"):   # Optuna keeps the first fold's values
        study.optimize(objective, n_trials=1)
    assert study.trials[0].state == TrialState.COMPLETE
    assert sorted(study.trials[0].intermediate_values) == [0, 1, 2]
    pruned = optuna.create_study(pruner=AlwaysPrune())
    pruned.optimize(objective, n_trials=1)
    assert pruned.trials[0].state == TrialState.PRUNED
    assert list(pruned.trials[0].intermediate_values) == [0]
