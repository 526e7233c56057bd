"""How a ``keras.ops`` function meets a symbolic tensor: the one decorator every op wears.

``@keras_op("mean")`` registers the function under Keras 3's class name (``Mean`` in
``keras.src.ops.numpy``). Called on values, it runs the function. Called with a symbolic
tensor among its arguments (an object whose class sets ``_is_symbolic = True``: the
functional API's ``KerasTensor``), it hands the call to the handler that the layers floor
installs with ``set_symbolic_handler``; the handler records a graph node and returns a new
symbolic tensor. This floor knows nothing of layers: the handler is injected from above.
"""

import functools

OPS = {}  # (keras module, class name) -> the op, e.g. ("numpy", "Mean") -> mean
_handler = None


def set_symbolic_handler(handler):
    """``handler(op, args, kwargs)`` is called instead of ``op`` when an argument is symbolic."""
    global _handler
    _handler = handler


def is_symbolic(value):
    return getattr(value, "_is_symbolic", False) is True


def any_symbolic(args, kwargs=None):
    """True when an argument, or an item of a list/tuple argument, is symbolic."""
    values = list(args) + list((kwargs or {}).values())
    for value in values:
        if is_symbolic(value):
            return True
        if isinstance(value, (list, tuple)) and any(is_symbolic(v) for v in value):
            return True
    return False


def _camel(name):
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def keras_op(name, module="numpy", class_name=None):
    """Registers ``fn`` as ``keras.ops.<module>.<name>``; Keras's class is ``class_name``
    (default: ``name`` in CamelCase) in ``keras.src.ops.<module>``."""
    def decorate(fn):
        @functools.wraps(fn)
        def op(*args, **kwargs):
            if _handler is not None and any_symbolic(args, kwargs):
                return _handler(op, args, kwargs)
            return fn(*args, **kwargs)

        op.keras_module = module
        op.keras_class_name = class_name or _camel(name)
        op.eager = fn
        OPS[(module, op.keras_class_name)] = op
        return op
    return decorate
