"""The missing-values example runs offline on scikit-learn's breast cancer table, with few folds
and epochs: deletion, imputation and the missing indicator give the rows and widths they should."""

import numpy as np
import pytest

pytest.importorskip("sklearn")

from example_loader import load  # noqa: E402


@pytest.fixture(scope="module")
def example():
    return load("missing_values")


def test_remove_values_blanks_the_asked_columns_at_the_asked_rate(example):
    X = np.ones((2000, 30))
    missing = np.isnan(example.remove_values(X, rate=0.2, features=7, seed=3))
    assert missing.any(axis=0).sum() == 7
    assert 0.17 < missing[:, missing.any(axis=0)].mean() < 0.23
    assert not np.isnan(X).any()  # a copy
    assert np.array_equal(missing, np.isnan(example.remove_values(X, rate=0.2, features=7, seed=3)))


def test_main_compares_the_methods_on_the_right_rows_and_features(example, capsys):
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    table = example.main(missing_rate=0.2, missing_features=5, folds=3, epochs=2, seed=1)
    rows = {row["method"]: row for row in table}
    assert list(rows) == ["deletion (rows)", "deletion (columns)", "mean imputation", "iterative imputation",
                          "missing indicator", "complete data"]
    X_missing = example.remove_values(X, 0.2, 5, seed=1)
    complete = int((~np.isnan(X_missing).any(axis=1)).sum())
    assert 100 < complete < 569 and rows["deletion (rows)"]["rows"] == complete
    assert rows["deletion (columns)"]["features"] == 30 - 5
    assert rows["missing indicator"]["features"] == 30 + 5  # one 0/1 input per column with NaN
    for name in ("mean imputation", "iterative imputation", "complete data"):
        assert rows[name]["rows"] == 569 and rows[name]["features"] == 30
    for row in table:
        assert 0.0 <= row["accuracy"] <= 1.0 and 0.0 <= row["roc_auc"] <= 1.0
        assert row["accuracy_std"] >= 0.0
    printed = capsys.readouterr().out
    assert "missing indicator        569       35" in printed
    assert "SKLearnClassifier.fit on the table with NaN raises ValueError" in printed


def test_deletion_reports_what_it_cannot_score(example):
    table = example.main(missing_rate=0.2, missing_features=30, folds=3, epochs=1, seed=0, verbose=False)
    rows = {row["method"]: row for row in table}
    assert rows["deletion (columns)"]["features"] == 0 and rows["deletion (columns)"]["accuracy"] is None
    assert rows["deletion (rows)"]["rows"] < 10 and rows["deletion (rows)"]["accuracy"] is None
    assert rows["missing indicator"]["features"] == 60


def test_one_method_repeats_exactly(example):
    from sklearn.datasets import load_breast_cancer
    from sklearn.impute import SimpleImputer

    X, y = load_breast_cancer(return_X_y=True)
    X = example.remove_values(X, 0.2, 10, seed=0)
    runs = [example.evaluate("mean", example.pipeline(SimpleImputer(), epochs=2, seed=0), X, y, folds=3)
            for _ in range(2)]
    assert runs[0] == runs[1]


def test_nan_straight_into_the_wrapper_or_the_model_is_an_error_naming_the_fix(example):
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    errors = example.nan_errors(example.remove_values(X, 0.2, 10, seed=0), y)
    # The wrapper validates X with scikit-learn first: its own message, which names imputation.
    assert errors["SKLearnClassifier.fit"].startswith("Input X contains NaN")
    assert "imputer" in errors["SKLearnClassifier.fit"]
    model_error = errors["Model.fit"]
    assert model_error.startswith("fit: expected the input x to have no missing values (NaN). "
                                  "Received: x of shape (569, 30) with ")
    assert "SimpleImputer" in model_error and "add_indicator=True" in model_error
