"""A stand-in model for driving callbacks by hand: weights, an optimizer with a settable
``learning_rate`` and a state, ``stop_training``, and ``save``/``save_weights`` that write
small files (so a test can see what was saved, and when)."""

import json

import numpy as np

from shenjing.callbacks import CallbackList


class FakeOptimizer:
    def __init__(self, learning_rate=0.01):
        self.learning_rate = learning_rate
        self.name = "fake"
        self.built = False
        self.iterations = 0
        self.slots = []

    def build(self, var_list):
        self.slots = [np.zeros_like(v) for v in var_list]
        self.built = True

    def get_state(self):
        return [np.array(self.iterations, dtype=np.int64)] + [s.copy() for s in self.slots]

    def set_state(self, arrays):
        self.iterations = int(arrays[0])
        self.slots = [np.array(a, copy=True) for a in arrays[1:]]


class FakeModel:
    def __init__(self, weights=None, learning_rate=0.01):
        self.weights = [np.asarray(w, dtype=np.float32) for w in
                        (weights if weights is not None else [np.zeros((2, 2)), np.zeros(2)])]
        self.optimizer = FakeOptimizer(learning_rate)
        self.stop_training = False
        self.built = True
        self.metrics_names = ["loss"]
        self.saved = []  # (kind, path) in order

    @property
    def trainable_weights(self):
        return self.weights

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        assert len(weights) == len(self.weights)
        self.weights = [np.array(w, dtype=np.float32, copy=True) for w in weights]

    def set_weight_value(self, value):
        """Make every weight equal ``value`` (a quick way to mark "the weights of epoch k")."""
        self.weights = [np.full_like(w, value) for w in self.weights]

    def train_one_step(self):
        """What an optimizer step would change: weights, iterations and slots."""
        if not self.optimizer.built:
            self.optimizer.build(self.weights)
        self.optimizer.iterations += 1
        self.weights = [w + 1.0 for w in self.weights]
        self.optimizer.slots = [s + 0.5 for s in self.optimizer.slots]

    def save(self, filepath, overwrite=True):
        self._write("model", filepath)

    def save_weights(self, filepath, overwrite=True):
        self._write("weights", filepath)

    def _write(self, kind, filepath):
        with open(filepath, "w") as f:
            json.dump({"kind": kind, "first": float(self.weights[0].flat[0])}, f)
        self.saved.append((kind, str(filepath)))


def run_epochs(callbacks, model, values, monitor="val_loss", on_epoch=None, epochs=None):
    """Drive ``callbacks`` through a fit of ``len(values)`` epochs whose logs hold
    ``{monitor: value, "loss": value}``; the weights are set to the epoch's index before
    its end, and the run stops when a callback sets ``model.stop_training``.
    Returns the epochs that ran."""
    cbs = CallbackList(list(callbacks), model=model, verbose=0, epochs=epochs or len(values), steps=1)
    model.stop_training = False
    cbs.on_train_begin()
    ran = []
    logs = {}
    for epoch, value in enumerate(values):
        cbs.on_epoch_begin(epoch)
        model.set_weight_value(epoch)
        if on_epoch is not None:
            on_epoch(epoch)
        logs = {"loss": value, monitor: value}
        cbs.on_epoch_end(epoch, logs)
        ran.append(epoch)
        if model.stop_training:
            break
    cbs.on_train_end(logs)
    return ran
