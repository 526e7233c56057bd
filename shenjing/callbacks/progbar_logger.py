"""The progress bar in Keras's format, and the callback that drives it during fit/evaluate.

    Epoch 1/5
    1875/1875 ━━━━━━━━━━━━━━━━━━━━ 3s 2ms/step - accuracy: 0.9123 - loss: 0.2900

On a terminal the line is redrawn as batches finish; when the output is not a
terminal (a log file, CI) one line is written per epoch, at its end.
"""

import sys

from ..utils.progbar import Progbar
from .callback import Callback

class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` and the progress bar; ``fit`` adds it when ``verbose`` is 1 or 2."""

    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream
        self.progbar = None
        self.seen = 0
        self._called_in_fit = False  # fit's validation passes fit's callbacks to evaluate

    def _in_fit(self):
        return self._called_in_fit or self.params.get("in_fit")

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_train_end(self, logs=None):
        self._called_in_fit = False

    def _verbose(self):
        return self.params.get("verbose", 1)

    def on_epoch_begin(self, epoch, logs=None):
        epochs = self.params.get("epochs", 1)
        if self._verbose():
            (self.stream or sys.stdout).write(f"Epoch {epoch + 1}/{epochs}\n")
        self._start(self.params.get("steps"))

    def on_test_begin(self, logs=None):
        if not self._in_fit():
            self._start(self.params.get("steps"))

    def _start(self, steps):
        self.seen = 0  # batches done: the count shown at the end when steps is None (unknown)
        self.progbar = Progbar(steps, verbose=self._verbose(), stream=self.stream)

    def on_train_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        if self.progbar and self._verbose() == 1:
            self.progbar.update(batch + 1, logs, finalize=False)

    def on_test_batch_end(self, batch, logs=None):
        if self._in_fit():
            return
        self.seen = batch + 1
        if self.progbar and self._verbose() == 1:
            self.progbar.update(batch + 1, logs, finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        if self.progbar and self._verbose():
            steps = self.progbar.target or self.seen
            self.progbar.update(steps, logs, finalize=True)

    def on_test_end(self, logs=None):
        if self.progbar and not self._in_fit() and self._verbose():
            self.progbar.update(self.progbar.target or self.seen, logs, finalize=True)
