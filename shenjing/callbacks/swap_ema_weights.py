"""``keras.callbacks.SwapEMAWeights``: evaluate (and predict) with the optimizer's moving
averages of the weights (``use_ema=True``), training going on with the raw weights.

Before ``evaluate``/``predict`` (and the validation inside ``fit``) the weights and their
moving averages are exchanged, and exchanged back after. With ``swap_on_epoch=True`` the
averages are also put in the model at each epoch's end (so checkpoints and the epoch's
validation see them) and taken out at the next epoch's start; at the last epoch's end the
averages are set to those weights, so the end of ``fit`` (which writes the averages into the
model) leaves them in place.
"""

from .callback import Callback


class SwapEMAWeights(Callback):
    """``SwapEMAWeights(swap_on_epoch=False)``; the model's optimizer needs ``use_ema=True``."""

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _optimizer(self):
        optimizer = self.model.optimizer
        return getattr(optimizer, "inner_optimizer", optimizer)  # LossScaleOptimizer

    def _swap(self, into_model):
        if self._ema_weights_in_model != into_model:
            self._optimizer()._swap_moving_averages()
            self._ema_weights_in_model = into_model

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._swap(False)

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap(True)
            if epoch == self.params["epochs"] - 1:
                self._optimizer()._swap_moving_averages(copy_weights_into_averages=True)

    def on_test_begin(self, logs=None):
        self._swap(True)

    def on_test_end(self, logs=None):
        self._swap(False)

    def on_predict_begin(self, logs=None):
        self._swap(True)

    def on_predict_end(self, logs=None):
        self._swap(False)
