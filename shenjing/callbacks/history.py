"""``History``: records each epoch's logs; ``fit`` returns it."""

from .callback import Callback


class History(Callback):
    """``history.history[key]`` is the list of that metric's value at each epoch's end."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
