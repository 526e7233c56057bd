"""``MetricVariable``: a metric's state array that also answers Keras's ``Variable`` calls.

Built-in metrics update their state in place (``self.total[...] += x``); Keras 3's custom
metrics call ``self.var.assign(v)``, ``self.var.assign_add(d)``, ``self.var.assign_sub(d)``
and read ``self.var.value`` or ``self.var.numpy()``. A ``MetricVariable`` is a NumPy array
(a view of the state, so both styles write the same memory) with those methods; values
may be arrays, scalars or shenjing Tensors. Arithmetic on it gives plain arrays.

Under an array module other than NumPy (``backend.xp``), the state stays a plain ``xp``
array: ``wrap`` returns it unchanged.
"""

import numpy as np


def _value(x):
    return np.asarray(getattr(x, "data", x))


class MetricVariable(np.ndarray):
    def assign(self, value):
        """``self = value`` in place (broadcast to the state's shape)."""
        self[...] = _value(value)
        return self

    def assign_add(self, delta):
        """``self += delta`` in place."""
        self[...] += _value(delta)
        return self

    def assign_sub(self, delta):
        """``self -= delta`` in place."""
        self[...] -= _value(delta)
        return self

    @property
    def value(self):
        """The current state as a plain array (Keras's ``Variable.value``)."""
        return self.view(np.ndarray)

    def numpy(self):
        """A NumPy copy of the state."""
        return np.array(self.view(np.ndarray), copy=True)

    def __array_wrap__(self, array, context=None, return_scalar=False):
        # Results of arithmetic on the state are plain values, not state; an in-place result
        # (``out=self``) is the state itself.
        if array is self:
            return self
        array = array.view(np.ndarray)
        return array[()] if return_scalar else array


def _in_place(ufunc, name):
    def method(self, other):
        # ``state += x`` keeps the attribute bound to the state (the object in ``variables``).
        ufunc(self.view(np.ndarray), _value(other), out=self.view(np.ndarray))
        return self

    method.__name__ = name
    return method


for _name, _ufunc in (("__iadd__", np.add), ("__isub__", np.subtract), ("__imul__", np.multiply),
                      ("__itruediv__", np.true_divide), ("__ifloordiv__", np.floor_divide),
                      ("__imod__", np.remainder), ("__ipow__", np.power)):
    setattr(MetricVariable, _name, _in_place(_ufunc, _name))


def wrap(array):
    """The state ``array`` as a ``MetricVariable`` (same memory) when it is a NumPy array."""
    if type(array) is np.ndarray:
        return array.view(MetricVariable)
    return array
