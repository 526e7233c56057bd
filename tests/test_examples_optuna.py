"""examples/optuna_study.py runs offline: a few tiny trials of the study, and its model builder."""

import math

import pytest

from example_loader import load

optuna = pytest.importorskip("optuna")


def test_optuna_study_runs_and_prints_its_best_trial(capsys):
    module = load("optuna_study")
    study = module.main(n_trials=3, epochs=2, seed=0, quiet=True)
    assert len(study.trials) == 3
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)   # 5 startup trials
    assert all(sorted(t.intermediate_values) == [0, 1] for t in study.trials)
    assert 0.0 <= study.best_value <= 1.0 and math.isfinite(study.best_value)
    best = study.best_trial
    assert best.value == best.intermediate_values[1]   # the returned accuracy is the last val_accuracy
    printed = capsys.readouterr().out
    assert "Number of finished trials: 3" in printed
    assert "Number of pruned trials: 0" in printed and "Number of complete trials: 3" in printed
    assert f"Best trial: #{best.number}" in printed and "learning_rate:" in printed


def test_optuna_study_builds_the_searched_model():
    module = load("optuna_study")
    trial = optuna.trial.FixedTrial({"n_layers": 2, "n_units_l0": 32, "dropout_l0": 0.25, "n_units_l1": 8,
                                     "dropout_l1": 0.4, "optimizer": "Adam", "learning_rate": 3e-3})
    model = module.create_model(trial)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert [layer.units for layer in model.layers[::2]] == [32, 8, 10]
    assert [layer.rate for layer in model.layers[1::2]] == [0.25, 0.4]
    assert type(model.optimizer).__name__ == "Adam"
    assert math.isclose(float(model.optimizer.learning_rate), 3e-3, rel_tol=1e-6)
    assert model.output_shape == (None, 10)
