"""examples/learning_rate_search.py runs offline: a small grid, its table, plot and refit."""

import numpy as np

from example_loader import load


def test_learning_rate_search_prints_the_table_and_saves_the_plot(tmp_path, capsys):
    module = load("learning_rate_search")
    path, curve = tmp_path / "lr.png", tmp_path / "curve.png"
    search, test_accuracy = module.main(epochs=3, folds=2, jobs=1, plot_path=str(path),
                                        learning_rates=(1e-5, 1e-2), optimizers=("adam",),
                                        learning_curve_path=str(curve))
    rows = module.table(search)
    assert [(r["optimizer"], r["learning_rate"]) for r in rows] == [("adam", 1e-5), ("adam", 1e-2)]
    assert rows[1]["mean"] > rows[0]["mean"]
    assert search.best_params_ == {"net__model_kwargs__learning_rate": 1e-2, "net__model_kwargs__optimizer": "adam"}
    assert 0.5 < test_accuracy <= 1.0 and path.stat().st_size > 1000 and curve.stat().st_size > 1000
    printed = capsys.readouterr().out
    assert "2 settings x 2 folds on 1437 digits" in printed and "Best: adam with learning rate 0.01" in printed
    assert "Learning curve (training digits: CV accuracy): 71: " in printed
    fitted = search.best_estimator_.named_steps["net"]
    assert fitted.epoch_ <= 3 and np.isfinite(fitted.history_.history["val_loss"]).all()
