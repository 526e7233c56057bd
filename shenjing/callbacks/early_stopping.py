"""``EarlyStopping``: stop ``fit`` when the monitored value has stopped improving."""

from .monitor_callback import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop training after ``patience`` epochs without an improvement of ``monitor``.

    An improvement is a change of more than ``min_delta`` in the good direction
    (``mode``; "auto" reads it from the name). Epochs before ``start_from_epoch`` are
    not watched. With a ``baseline``, the patience counter restarts only when the value
    also beats the baseline. With ``restore_best_weights``, the weights of the best
    epoch are put back when training ends (stopped early or not), as Keras 3 does.
    After training: ``stopped_epoch`` (0 when it did not stop), ``best``, ``best_epoch``,
    ``wait``.
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, baseline=None, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best_weights = None

    def on_train_begin(self, logs=None):
        # Reset, so that one instance can serve several fits.
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best_weights = None
        self.best = None

    def on_epoch_end(self, epoch, logs=None):
        current = self._monitor_value(logs, "Early stopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.best is None:
            # Unlike ModelCheckpoint, the baseline is not the starting best: it only
            # decides whether an improvement restarts the patience counter.
            self.best = float("inf") if self.monitor_direction == "min" else float("-inf")
        if self.restore_best_weights and self.best_weights is None:
            # The first watched epoch is the best so far, even if it misses the baseline.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
