"""``CallbackList``: calls one hook on every callback, in order."""

from .callback import Callback
from .history import History
from .progbar_logger import ProgbarLogger

_HOOKS = [name for name in vars(Callback) if name.startswith("on_")]
# A callback that overrides only the alias still wants the hook (the default forwards to it).
_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _overrides(cb, hook):
    """Whether ``cb`` has its own ``hook`` (or alias): in its class, or set on the instance
    (``cb.on_epoch_end = fn``, which Keras calls too)."""
    return any(getattr(type(cb), name) is not getattr(Callback, name) or name in getattr(cb, "__dict__", {})
               for name in (hook, _ALIASES.get(hook, hook)))


class CallbackList(Callback):
    """The user's callbacks, plus a ``History`` and (when verbose) a ``ProgbarLogger``
    added for them as Keras does; each hook is forwarded to all of them."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        if isinstance(callbacks, Callback):
            callbacks = [callbacks]  # one callback, not in a list: Keras accepts it too
        elif callbacks is not None and not isinstance(callbacks, (list, tuple)):
            raise TypeError(
                "Expected `callbacks` to be a list of keras.callbacks.Callback instances. "
                f"Received: callbacks={callbacks!r:.100} (of type {type(callbacks).__name__})")
        self.callbacks = list(callbacks or [])
        for i, cb in enumerate(self.callbacks):
            if not isinstance(cb, Callback):
                raise TypeError(
                    "Expected `callbacks` to be a list of keras.callbacks.Callback instances. "
                    f"Received: callbacks[{i}]={cb!r:.100} (of type {type(cb).__name__})")
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self.history = None
        if add_history:
            self.history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
            if self.history is None:
                self.history = History()
                self.callbacks.append(self.history)
        # Hooks that no callback overrides are skipped: fit calls them every batch.
        self._active = {
            hook: [getattr(cb, hook) for cb in self.callbacks if _overrides(cb, hook)]
            for hook in _HOOKS
        }
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)

    def wants(self, hook):
        """Whether any callback overrides ``hook`` (so fit can skip building its logs)."""
        return bool(self._active[hook])

    def _call(self, hook, *args):
        callbacks = self._active[hook]
        if callbacks and args[-1] is None:
            args = args[:-1] + ({},)  # Keras hands every hook a dict (`logs.keys()`), never None
        for fn in callbacks:
            fn(*args)

    def _call_batch(self, hook, batch, logs):
        """A batch hook, with ``logs`` passed by keyword as Keras's CallbackList passes it."""
        callbacks = self._active[hook]
        if callbacks and logs is None:
            logs = {}
        for fn in callbacks:
            fn(batch, logs=logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch("on_train_batch_end", batch, logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch("on_predict_batch_end", batch, logs)
