"""Optuna's Keras pruning example, on shenjing: a study searches an MLP's depth, widths,
dropouts, optimizer and learning rate for handwritten digits, and a pruner stops the trials
whose validation accuracy falls behind the others' at the same epoch.

Only the imports differ from Optuna's example (optuna-examples, keras/keras_integration.py):

    import keras                                          ->  from shenjing import keras
    from optuna_integration import KerasPruningCallback   ->  from shenjing.integration.optuna import KerasPruningCallback

Data: scikit-learn's 1,797 8x8 digits (``keras.datasets.digits``, offline): 1,438 to train on,
359 to validate on (the accuracy each trial reports and returns). Each trial draws its
weights from ``keras.utils.set_random_seed(seed + trial.number)`` and the sampler is
``TPESampler(seed=seed)``, so a run with the same arguments gives the same study.

Run: python examples/optuna_study.py [--trials 30] [--epochs 20] [--seed 0] [--quiet]

The defaults take 10 to 45 s on two shared cores: about half the trials are pruned after their
third epoch, and the best reaches about 0.96 validation accuracy.
"""

import argparse
import contextlib
import time

import optuna
from optuna.trial import TrialState

from shenjing import keras
from shenjing.integration.optuna import KerasPruningCallback

BATCHSIZE = 128
CLASSES = 10


def load_data():
    """Digits as floats in [0, 1], flattened to 64 features, with one-hot labels."""
    (x_train, y_train), (x_valid, y_valid) = keras.datasets.digits.load_data()
    x_train = x_train.reshape(len(x_train), 64).astype("float32") / 255
    x_valid = x_valid.reshape(len(x_valid), 64).astype("float32") / 255
    return (x_train, keras.utils.to_categorical(y_train, CLASSES)), \
           (x_valid, keras.utils.to_categorical(y_valid, CLASSES))


OPTIMIZERS = {"RMSprop": keras.optimizers.RMSprop, "Adam": keras.optimizers.Adam, "SGD": keras.optimizers.SGD}


def create_model(trial):
    """1 to 3 hidden Dense+Dropout blocks (4..128 units, log scale; dropout 0.2..0.5) and a
    softmax output, compiled with a searched optimizer and learning rate (1e-5..1e-1, log)."""
    n_layers = trial.suggest_int("n_layers", 1, 3)
    model = keras.Sequential([keras.Input(shape=(64,))])
    for i in range(n_layers):
        model.add(keras.layers.Dense(trial.suggest_int(f"n_units_l{i}", 4, 128, log=True), activation="relu"))
        model.add(keras.layers.Dropout(rate=trial.suggest_float(f"dropout_l{i}", 0.2, 0.5)))
    model.add(keras.layers.Dense(CLASSES, activation="softmax"))
    optimizer = trial.suggest_categorical("optimizer", sorted(OPTIMIZERS))
    learning_rate = trial.suggest_float("learning_rate", 1e-5, 1e-1, log=True)
    model.compile(loss="categorical_crossentropy", optimizer=OPTIMIZERS[optimizer](learning_rate=learning_rate),
                  metrics=["accuracy"])
    return model


def make_objective(data, epochs, seed):
    (x_train, y_train), (x_valid, y_valid) = data

    def objective(trial):
        keras.utils.set_random_seed(seed + trial.number)
        model = create_model(trial)
        # The pruning callback reports val_accuracy after every epoch and raises
        # optuna.TrialPruned when the pruner says so; study.optimize records the trial as PRUNED.
        model.fit(x_train, y_train, batch_size=BATCHSIZE, epochs=epochs, validation_data=(x_valid, y_valid),
                  callbacks=[KerasPruningCallback(trial, "val_accuracy")], verbose=0)
        return model.evaluate(x_valid, y_valid, verbose=0)[1]

    return objective


@contextlib.contextmanager
def optuna_verbosity(level):
    before = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(level)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(before)


def main(n_trials=30, epochs=20, seed=0, quiet=False):
    """Run the study and print its statistics and best trial; returns the ``optuna.Study``."""
    objective = make_objective(load_data(), epochs, seed)
    with optuna_verbosity(optuna.logging.WARNING if quiet else optuna.logging.INFO):
        study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed),
                                    pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=2))
        study.optimize(objective, n_trials=n_trials)

    pruned = study.get_trials(deepcopy=False, states=[TrialState.PRUNED])
    complete = study.get_trials(deepcopy=False, states=[TrialState.COMPLETE])
    print("Study statistics:")
    print(f"  Number of finished trials: {len(study.trials)}")
    print(f"  Number of pruned trials: {len(pruned)}")
    print(f"  Number of complete trials: {len(complete)}")
    best = study.best_trial
    print(f"Best trial: #{best.number}")
    print(f"  Value (validation accuracy): {best.value:.4f}")
    print("  Params:")
    for key, value in best.params.items():
        print(f"    {key}: {value}")
    return study


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no line per trial from Optuna")
    args = parser.parse_args()
    start = time.perf_counter()
    main(args.trials, args.epochs, args.seed, args.quiet)
    print(f"Wall time: {time.perf_counter() - start:.1f} s")
