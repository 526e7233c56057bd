"""How do I choose the learning rate? A cross-validated grid search, the scikit-learn way.

A Keras MLP wrapped in ``keras.wrappers.SKLearnClassifier`` sits at the end of a Pipeline
(StandardScaler in front); ``GridSearchCV`` tries each learning rate with each optimizer
over 5 stratified folds, in two worker processes (joblib), with ``EarlyStopping`` on a
validation split inside every fold (10% of the fold's training digits). The best setting is
refitted on the whole training split (again less the 10% EarlyStopping watches) and scored
once on the held-out test split. ``random_state`` seeds each fit, so a rerun (in threads or
processes, on this machine or a cluster) gives the same scores.

Data: scikit-learn's 8x8 handwritten digits (1,797 images, shipped with it: offline).

The same search on a Dask cluster, through joblib's Dask backend (``pip install
'shenjing[selection]'``): ``--dask local`` starts a LocalCluster of two worker processes;
``--dask tcp://scheduler-host:8786`` uses a running cluster (``dask scheduler`` on one machine,
``dask worker tcp://scheduler-host:8786`` on each of the others, each with shenjing installed).

``--learning-curve`` adds scikit-learn's learning curve of the best setting.

Run: python examples/learning_rate_search.py [--epochs 30] [--folds 5] [--jobs 2]
                                             [--dask local|ADDRESS] [--plot lr.png]
                                             [--learning-curve curve.png]
"""

import argparse
import contextlib
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import shenjing.keras as keras

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
OPTIMIZERS = ("adam", "sgd")


def build_model(X, y, learning_rate=1e-3, optimizer="adam", units=64, dropout=0.2):
    """An MLP from X's width to y's one-hot width, compiled with the given optimizer."""
    model = keras.Sequential([
        keras.layers.Input(shape=(X.shape[1],)),
        keras.layers.Dense(units, activation="relu"),
        keras.layers.Dropout(dropout),
        keras.layers.Dense(y.shape[1], activation="softmax"),
    ])
    optimizer = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}[optimizer]
    model.compile(optimizer=optimizer(learning_rate=learning_rate), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def make_search(epochs=30, folds=5, jobs=2, learning_rates=LEARNING_RATES, optimizers=OPTIMIZERS, seed=0):
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    net = keras.wrappers.SKLearnClassifier(
        build_model, random_state=seed,
        fit_kwargs={"epochs": epochs, "batch_size": 32, "validation_split": 0.1, "callbacks": [stop],
                    "verbose": 0})
    pipeline = Pipeline([("scale", StandardScaler()), ("net", net)])
    grid = {"net__model_kwargs__learning_rate": list(learning_rates),
            "net__model_kwargs__optimizer": list(optimizers)}
    return GridSearchCV(pipeline, grid, cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
                        n_jobs=jobs, return_train_score=True)


@contextlib.contextmanager
def dask_backend(address):
    """joblib's work goes to a Dask cluster: a LocalCluster for "local", else the scheduler at
    ``address``."""
    import joblib
    from dask.distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if address == "local":
            cluster = stack.enter_context(LocalCluster(n_workers=2, threads_per_worker=1,
                                                       dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        else:
            client = stack.enter_context(Client(address))
        print(f"Dask: {len(client.scheduler_info()['workers'])} workers at {client.scheduler.address}")
        stack.enter_context(joblib.parallel_backend("dask"))
        yield


def table(search):
    """One row per setting: optimizer, learning rate, mean and std of the fold accuracies."""
    results = search.cv_results_
    rows = []
    for i, params in enumerate(results["params"]):
        rows.append({"optimizer": params["net__model_kwargs__optimizer"],
                     "learning_rate": params["net__model_kwargs__learning_rate"],
                     "mean": results["mean_test_score"][i], "std": results["std_test_score"][i],
                     "train": results["mean_train_score"][i], "rank": results["rank_test_score"][i]})
    return sorted(rows, key=lambda row: (row["optimizer"], row["learning_rate"]))


def plot(search, path):
    """Cross-validated accuracy against the learning rate, one line per optimizer."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    rows = table(search)
    for name in sorted({row["optimizer"] for row in rows}):
        mine = [row for row in rows if row["optimizer"] == name]
        lrs = [row["learning_rate"] for row in mine]
        means = np.array([row["mean"] for row in mine])
        stds = np.array([row["std"] for row in mine])
        ax.plot(lrs, means, marker="o", label=name)
        ax.fill_between(lrs, means - stds, means + stds, alpha=0.2)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("cross-validated accuracy")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_learning_curve(search, X, y, path, folds=5, jobs=2, seed=0):
    """scikit-learn's LearningCurveDisplay of the best setting: train and CV accuracy against the
    number of training samples (does more data help, or is it over- or underfitting?)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.base import clone
    from sklearn.model_selection import LearningCurveDisplay

    display = LearningCurveDisplay.from_estimator(
        clone(search.best_estimator_), X, y, train_sizes=np.linspace(0.1, 1.0, 5),
        cv=StratifiedKFold(folds, shuffle=True, random_state=seed), n_jobs=jobs, score_name="accuracy")
    display.ax_.set_title("learning curve of the best setting")
    display.figure_.tight_layout()
    display.figure_.savefig(path)
    plt.close(display.figure_)
    return display


def main(epochs=30, folds=5, jobs=2, dask=None, plot_path=None, learning_rates=LEARNING_RATES,
         optimizers=OPTIMIZERS, data=None, seed=0, learning_curve_path=None):
    X, y = load_digits(return_X_y=True) if data is None else data
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=seed)
    search = make_search(epochs, folds, jobs, learning_rates, optimizers, seed)
    start = time.perf_counter()
    with dask_backend(dask) if dask else contextlib.nullcontext():
        search.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    print(f"{len(search.cv_results_['params'])} settings x {folds} folds on {len(X_train)} digits "
          f"in {seconds:.1f} s:")
    print(f"{'optimizer':>9} {'learning rate':>13} {'CV accuracy':>17} {'train':>6} {'rank':>4}")
    for row in table(search):
        print(f"{row['optimizer']:>9} {row['learning_rate']:>13g} {row['mean']:>10.4f} ± {row['std']:.4f} "
              f"{row['train']:>6.3f} {row['rank']:>4d}")
    best = search.best_params_
    test_accuracy = search.score(X_test, y_test)
    print(f"Best: {best['net__model_kwargs__optimizer']} with learning rate "
          f"{best['net__model_kwargs__learning_rate']:g} (CV accuracy {search.best_score_:.4f}); "
          f"refitted on the {len(X_train)} training digits: test accuracy {test_accuracy:.4f} "
          f"on {len(X_test)}.")
    if plot_path:
        plot(search, plot_path)
        print(f"Wrote {plot_path}")
    if learning_curve_path:
        display = plot_learning_curve(search, X_train, y_train, learning_curve_path, folds, jobs, seed)
        sizes = ", ".join(f"{n}: {score:.3f}" for n, score in
                          zip(display.train_sizes, display.test_scores.mean(axis=1)))
        print(f"Learning curve (training digits: CV accuracy): {sizes}. Wrote {learning_curve_path}")
    return search, test_accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=30, help="most epochs per fit (EarlyStopping stops sooner)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="joblib workers (-1: all; with --dask, all workers)")
    parser.add_argument("--dask", metavar="local|ADDRESS", help="run the search on a Dask cluster")
    parser.add_argument("--plot", metavar="PNG", help="save accuracy against learning rate")
    parser.add_argument("--learning-curve", metavar="PNG", help="save the best setting's learning curve")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    main(args.epochs, args.folds, -1 if args.dask else args.jobs, args.dask, args.plot, seed=args.seed,
         learning_curve_path=args.learning_curve)
