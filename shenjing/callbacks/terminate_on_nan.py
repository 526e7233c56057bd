"""``TerminateOnNaN``: stop training as soon as a batch's loss is NaN or infinite."""

import math

from .callback import Callback


class TerminateOnNaN(Callback):
    """At each batch's end, a NaN or inf ``logs["loss"]`` stops training: gracefully by
    ``model.stop_training = True`` (``on_train_end`` still runs), or with ``raise_error``
    by a ``RuntimeError`` at once (no callback's ``on_train_end`` runs, so a
    ``BackupAndRestore`` backup is kept)."""

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                    "Terminating training immediately."
                )
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
