"""``KerasPruningCallback``: Optuna's pruning of unpromising trials, for shenjing's ``fit``.

The same name, arguments and behaviour as ``optuna_integration.KerasPruningCallback``; code
written for it changes one import::

    from optuna_integration import KerasPruningCallback
    ->  from shenjing.integration.optuna import KerasPruningCallback

Every ``interval``-th epoch (``(epoch + 1) % interval == 0``, epochs counted from 0) it reports
``logs[monitor]`` to the trial as ``trial.report(value, step=epoch)``, and raises
``optuna.TrialPruned("Trial was pruned at epoch <epoch>.")`` when ``trial.should_prune()``.
The exception leaves ``fit`` as it came (no callback's ``on_train_end`` runs, as in Keras);
``study.optimize`` records the trial as PRUNED. A ``monitor`` missing from the epoch's logs
is a warning that names the keys there, and the epoch is not reported.

Through ``keras.wrappers.SKLearnClassifier(..., fit_kwargs={"callbacks": [callback]})``: the
estimator's clones (``cross_val_score``, ``GridSearchCV``) deep-copy the callback, and each copy
reports to the same trial (``__deepcopy__`` shares it; Optuna keeps the first report of each
epoch and warns about the other folds'). Give the search
``error_score="raise"``, or scikit-learn turns a pruned fold into a NaN score and goes on.
"""

import copy
import warnings

try:
    import optuna
except ImportError as error:  # pragma: no cover - optuna is in the `selection` extra
    raise ImportError(
        "shenjing.integration.optuna needs the `optuna` package, which is not installed: "
        "pip install optuna (or pip install 'shenjing[selection]')") from error

from ..callbacks import Callback


class KerasPruningCallback(Callback):
    """Prune an Optuna trial from inside ``fit``.

    Args:
        trial: the ``optuna.trial.Trial`` of the objective being evaluated.
        monitor: the epoch log to report, e.g. ``"val_loss"`` or ``"val_accuracy"``.
        interval: report and check for pruning every ``interval``-th epoch (default 1).
    """

    def __init__(self, trial, monitor, interval=1):
        super().__init__()
        if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
            raise ValueError(
                "KerasPruningCallback: `interval` must be a positive integer (check every n-th "
                f"epoch). Received: interval={interval!r}")
        self._trial = trial
        self._monitor = monitor
        self._interval = interval

    def __deepcopy__(self, memo):
        """A deep copy of everything but the trial, which the copy reports to as well."""
        memo[id(self._trial)] = self._trial
        copied = type(self).__new__(type(self))
        memo[id(self)] = copied
        for name, value in self.__dict__.items():
            setattr(copied, name, copy.deepcopy(value, memo))
        return copied

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self._interval != 0:
            return
        logs = logs or {}
        current_score = logs.get(self._monitor)
        if current_score is None:
            warnings.warn(
                f"The metric '{self._monitor}' is not in the evaluation logs for pruning "
                f"(epoch {epoch}). Please make sure you set the correct metric name; "
                f"the logs hold: {sorted(logs)}", stacklevel=2)
            return
        self._trial.report(float(current_score), step=epoch)
        if self._trial.should_prune():
            raise optuna.TrialPruned(f"Trial was pruned at epoch {epoch}.")
