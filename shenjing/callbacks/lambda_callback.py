"""``LambdaCallback``: a callback made of plain functions, one per hook."""

from .callback import Callback

# Keras's batch aliases: ``on_batch_*`` is the training batch hook.
_ALIASES = {"on_batch_begin": "on_train_batch_begin", "on_batch_end": "on_train_batch_end"}
_HOOKS = frozenset(name for name in vars(Callback) if name.startswith("on_"))


class LambdaCallback(Callback):
    """``LambdaCallback(on_epoch_end=lambda epoch, logs: ..., on_train_begin=lambda logs: ...)``.

    Each function is called with the hook's positional arguments: ``(epoch, logs)`` for
    epoch hooks, ``(batch, logs)`` for batch hooks, ``(logs)`` for begin/end hooks.
    ``on_batch_begin``/``on_batch_end`` are the training batch hooks (as in Keras). Any
    other hook of ``Callback`` may be passed by name; hooks not given do nothing.
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_batch_begin=on_batch_begin, on_batch_end=on_batch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end, **kwargs)
        self._functions = {}
        for name, fn in given.items():
            if fn is None:
                continue
            hook = _ALIASES.get(name, name)
            if hook not in _HOOKS:
                raise ValueError(
                    f"LambdaCallback got an unknown hook {name!r}; hooks are {sorted(_HOOKS | set(_ALIASES))}"
                )
            if not callable(fn):
                raise ValueError(f"LambdaCallback: {name} must be a function. Received: {fn!r}")
            if hook in self._functions:
                raise ValueError(f"LambdaCallback: {name} and its alias both set the hook {hook}")
            self._functions[hook] = fn
        # CallbackList skips hooks that a callback's class does not override (fit calls
        # them every batch), so the hooks given here get a class of this instance's own.
        methods = {hook: _forward(hook) for hook in self._functions}
        self.__class__ = type(type(self).__name__, (type(self),), methods)


def _forward(hook):
    # Epoch and batch hooks take (index, logs); begin/end hooks take (logs).
    with_index = "epoch" in hook or "batch" in hook

    if with_index:
        def method(self, index, logs=None):
            return self._functions[hook](index, logs)
    else:
        def method(self, logs=None):
            return self._functions[hook](logs)

    method.__name__ = hook
    return method
