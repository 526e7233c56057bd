"""Missing values in tabular data: deletion, mean imputation, iterative imputation and a
missing-indicator input, each in a scikit-learn Pipeline in front of ``SKLearnClassifier``,
compared by stratified k-fold cross-validation.

Data: scikit-learn's breast cancer table (569 tumours, 30 features, benign or malignant;
shipped with scikit-learn, offline). Values are removed completely at random (MCAR, seeded):
``--missing-rate`` of the values in each of ``--missing-features`` columns chosen at random.
A network can't train on NaN, so each method turns the table into numbers first:

    deletion (rows)      drop every row with a NaN, before CV (fewer, different samples)
    deletion (columns)   drop every column with a NaN (all samples, fewer features)
    mean imputation      Pipeline([SimpleImputer(strategy="mean"), StandardScaler(), clf])
    iterative imputation Pipeline([IterativeImputer(), StandardScaler(), clf])  (each feature
                         regressed on the others, round after round)
    missing indicator    Pipeline([SimpleImputer(add_indicator=True), StandardScaler(), clf]):
                         the mean, plus a 0/1 input per column with NaN saying "this was missing"
    complete data        the table before removal: the reference

Deletion of rows loses a row when any of its values is missing: with 20% missing in each of
k columns, 0.8**k of the rows survive (10 columns: 11%; all 30: 0.1%, about one row).
Fitting the wrapper, or the model itself, on the table with NaN is an error that names the fix.

Run: python examples/missing_values.py [--missing-rate 0.2] [--missing-features 10] [--folds 5]
                                       [--epochs 40] [--seed 0]
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.experimental import enable_iterative_imputer
from sklearn.impute import IterativeImputer, SimpleImputer
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from shenjing import keras
from shenjing.keras import layers
from shenjing.keras.wrappers import SKLearnClassifier

del enable_iterative_imputer  # importing it is what makes IterativeImputer importable (scikit-learn's rule)


def build_model(X, y, hidden=16, learning_rate=1e-2, seed=0):
    """The wrapper's ``model(X=X, y=y, **model_kwargs)``: a compiled MLP whose input width is
    X's (it changes with add_indicator or dropped columns); y comes one-hot encoded."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((X.shape[1],)),
        layers.Dense(hidden, activation="relu"),
        layers.Dense(y.shape[1], activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="categorical_crossentropy")
    return model


def remove_values(X, rate=0.2, features=10, seed=0):
    """A copy of X with ``rate`` of the values of ``features`` random columns set to NaN (MCAR)."""
    rng = np.random.default_rng(seed)
    X = X.astype("float64")
    columns = np.sort(rng.choice(X.shape[1], size=min(features, X.shape[1]), replace=False))
    mask = np.zeros(X.shape, dtype=bool)
    mask[:, columns] = rng.random((X.shape[0], len(columns))) < rate
    X[mask] = np.nan
    return X


def classifier(epochs=40, seed=0):
    return SKLearnClassifier(model=build_model, model_kwargs={"seed": seed},
                             fit_kwargs={"epochs": epochs, "batch_size": 32, "verbose": 0})


def pipeline(imputer, epochs=40, seed=0):
    steps = [("impute", imputer)] if imputer is not None else []
    return Pipeline(steps + [("scale", StandardScaler()), ("net", classifier(epochs, seed))])


def methods(X, epochs=40, seed=0):
    """``(name, pipeline, X used)`` for each way of handling the NaN in X; deletion changes X."""
    rows = ~np.isnan(X).any(axis=1)
    columns = ~np.isnan(X).any(axis=0)
    return [
        ("deletion (rows)", pipeline(None, epochs, seed), rows, slice(None)),
        ("deletion (columns)", pipeline(None, epochs, seed), slice(None), columns),
        ("mean imputation", pipeline(SimpleImputer(strategy="mean"), epochs, seed), slice(None), slice(None)),
        ("iterative imputation", pipeline(IterativeImputer(max_iter=10, random_state=seed), epochs, seed),
         slice(None), slice(None)),
        ("missing indicator", pipeline(SimpleImputer(strategy="mean", add_indicator=True), epochs, seed),
         slice(None), slice(None)),
    ]


def evaluate(name, model, X, y, folds=5, seed=0):
    """One table row: ``folds``-fold stratified CV accuracy and ROC AUC (mean and std), the rows
    and the features the network saw; scores None (and a note) when too little is left for the folds."""
    row = {"method": name, "rows": int(X.shape[0]), "features": int(X.shape[1]), "note": None,
           "accuracy": None, "accuracy_std": None, "roc_auc": None, "roc_auc_std": None}
    if X.shape[1] == 0:
        row["note"] = "no column is complete"
        return row
    if np.bincount(y, minlength=2).min() < folds:
        row["note"] = f"fewer than {folds} rows of a class"
        return row
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = cross_validate(model, X, y, cv=cv, scoring=["accuracy", "roc_auc"],
                            return_estimator=True)
    widths = {int(fitted[-1].n_features_in_) for fitted in scores["estimator"]}
    row["features"] = widths.pop() if len(widths) == 1 else sorted(widths)
    for key in ("accuracy", "roc_auc"):
        row[key] = float(np.mean(scores[f"test_{key}"]))
        row[f"{key}_std"] = float(np.std(scores[f"test_{key}"]))
    return row


def nan_errors(X_missing, y, seed=0):
    """What a user sees when the table with NaN goes straight in: the wrapper's error
    (scikit-learn's validation) and ``Model.fit``'s own."""
    errors = {}
    try:
        classifier(epochs=1, seed=seed).fit(X_missing, y)
    except ValueError as error:
        errors["SKLearnClassifier.fit"] = str(error)
    onehot = np.eye(2, dtype="float32")[y]
    try:
        build_model(X_missing, onehot, seed=seed).fit(X_missing, onehot, epochs=1, verbose=0)
    except ValueError as error:
        errors["Model.fit"] = str(error)
    return errors


def format_table(rows):
    lines = [f"{'method':<22} {'rows':>5} {'features':>8}   {'accuracy':>15}   {'ROC AUC':>15}",
             "-" * 73]
    for row in rows:
        if row["accuracy"] is None:
            scores = f"{row['note']:>33}"
        else:
            scores = (f"{row['accuracy']:.3f} ± {row['accuracy_std']:.3f}".rjust(15) + "   "
                      + f"{row['roc_auc']:.3f} ± {row['roc_auc_std']:.3f}".rjust(15))
        lines.append(f"{row['method']:<22} {row['rows']:>5} {row['features']:>8}   {scores}")
    return "\n".join(lines)


def main(missing_rate=0.2, missing_features=10, folds=5, epochs=40, seed=0, verbose=True):
    """Remove values, cross-validate every method; returns the table (a list of dict rows)."""
    X, y = load_breast_cancer(return_X_y=True)
    X_missing = remove_values(X, missing_rate, missing_features, seed)
    if verbose:
        missing = np.isnan(X_missing)
        print(f"breast cancer: {X.shape[0]} rows x {X.shape[1]} features; removed {int(missing.sum())} values "
              f"({missing.mean():.1%} of the table) in {int(missing.any(axis=0).sum())} columns; "
              f"{int((~missing.any(axis=1)).sum())} rows are complete")
        for where, message in nan_errors(X_missing, y, seed).items():
            text = " ".join(message.split())
            print(f"\n{where} on the table with NaN raises ValueError:\n  {text[:400]}"
                  + (" ..." if len(text) > 400 else ""))
        print()
    rows = []
    for name, model, keep_rows, keep_columns in methods(X_missing, epochs, seed):
        started = time.perf_counter()
        rows.append(evaluate(name, model, X_missing[keep_rows][:, keep_columns], y[keep_rows], folds, seed))
        if verbose:
            print(f"  {name}: {time.perf_counter() - started:.1f} s")
    rows.append(evaluate("complete data", pipeline(None, epochs, seed), X, y, folds, seed))
    if verbose:
        print(f"\n{folds}-fold stratified cross-validation, {epochs} epochs a fit:\n")
        print(format_table(rows))
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing-rate", type=float, default=0.2,
                        help="fraction of the values removed in each chosen column")
    parser.add_argument("--missing-features", type=int, default=10, help="columns that lose values (of 30)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    main(args.missing_rate, args.missing_features, args.folds, args.epochs, args.seed)
