"""``Callback``: hooks that ``fit``, ``evaluate`` and ``predict`` call at the start and
end of training, of each epoch and of each batch (Keras 3's contract).

A callback sees the model through ``self.model`` and the run's settings through
``self.params`` (``epochs``, ``steps``, ``verbose``); ``logs`` carry the metric
values of the batch or epoch, with ``val_``-prefixed keys for validation.
``on_batch_begin``/``on_batch_end`` (the tf.keras 2 names) are called by the default
``on_train_batch_begin``/``on_train_batch_end``, as in Keras 3.
"""


class Callback:
    def __init__(self):
        self.model = None
        self.params = {}
        self.validation_data = None

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        """tf.keras's name of ``on_train_batch_begin``, which calls it."""

    def on_batch_end(self, batch, logs=None):
        """tf.keras's name of ``on_train_batch_end``, which calls it."""

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass
