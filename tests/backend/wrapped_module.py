"""A thin array module over NumPy whose arrays are a type of their own, to prove the seam.

``WrappedModule()`` has NumPy's functions, ufuncs and sub-namespaces (``lib.stride_tricks``)
and SciPy's ``special``; each unwraps its arguments, calls NumPy and returns its arrays
as ``WrappedArray``, an ndarray subclass. A NumPy function called directly does two
things that the seam test catches:

* an allocation with no array argument (``np.zeros``, ``np.empty``, ``np.array(list)``)
  returns a plain ndarray, which the test finds among an op's outputs or gradients;
* a NumPy function or ufunc applied to a ``WrappedArray`` (``np.where(x, ...)``,
  ``np.exp(x)``) raises ``DirectNumPyCall``: only the module's functions, and the
  arrays' own operators and methods (``a + b``, ``a.sum()``, which CuPy arrays have too),
  may touch them.
"""

import types

import numpy as np
import scipy.special


class DirectNumPyCall(AssertionError):
    """NumPy was called directly on an array of the backend's array module."""


_depth = [0]  # > 0 while the module's functions or the arrays' own operators and methods run


class WrappedArray(np.ndarray):
    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        if not _depth[0]:
            name = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
            raise DirectNumPyCall(f"numpy.{name} was called directly on an array of the array module")
        if out is not None:
            kwargs["out"] = tuple(_unwrap(o) for o in out)
        result = getattr(ufunc, method)(*_unwrap(inputs), **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(result)

    def __array_function__(self, func, types_, args, kwargs):
        if not _depth[0]:
            raise DirectNumPyCall(f"numpy.{func.__name__} was called directly on an array of the array module")
        return _wrap(func(*_unwrap(args), **_unwrap(kwargs)))


def _entered(function):
    def call(*args, **kwargs):
        _depth[0] += 1
        try:
            return function(*args, **kwargs)
        finally:
            _depth[0] -= 1

    call.__name__ = getattr(function, "__name__", "call")
    return call


# The arrays' own operators and methods (CuPy arrays have them): allowed, and their
# results stay WrappedArray.
_OWN = [f"__{op}__" for base in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul",
                                 "and", "or", "xor", "lshift", "rshift")
        for op in (base, "r" + base, "i" + base)]
_OWN += ["__neg__", "__pos__", "__abs__", "__invert__", "__lt__", "__le__", "__gt__", "__ge__",
         "__eq__", "__ne__", "__divmod__", "__rdivmod__", "__getitem__", "__setitem__",
         "sum", "prod", "mean", "max", "min", "std", "var", "any", "all", "clip", "round",
         "cumsum", "cumprod", "argmax", "argmin", "dot", "astype", "copy", "fill", "ravel",
         "nonzero", "take", "repeat", "sort", "argsort", "trace", "conj", "ptp"]
for _name in _OWN:
    if hasattr(np.ndarray, _name):
        setattr(WrappedArray, _name, _entered(getattr(np.ndarray, _name)))


def _unwrap(value):
    if isinstance(value, WrappedArray):
        return value.view(np.ndarray)
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


def _wrap(value):
    if type(value) is np.ndarray:
        return value.view(WrappedArray)
    if isinstance(value, np.generic):  # a reduction's scalar: a 0-d array, as CuPy returns
        return np.asarray(value).view(WrappedArray)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # linalg's EighResult, SVDResult
        return type(value)(*(_wrap(v) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)(_wrap(v) for v in value)
    return value


def _function(function):
    def call(*args, **kwargs):
        _depth[0] += 1
        try:
            return _wrap(function(*_unwrap(args), **_unwrap(kwargs)))
        finally:
            _depth[0] -= 1

    call.__name__ = getattr(function, "__name__", "function")
    return call


class _Ufunc:
    def __init__(self, ufunc):
        self._ufunc = ufunc

    def __call__(self, *args, **kwargs):
        return _function(self._ufunc)(*args, **kwargs)

    def __getattr__(self, name):  # reduce, at, accumulate, outer, nin, ...
        attr = getattr(self._ufunc, name)
        return _function(attr) if callable(attr) else attr


class _Namespace:
    """NumPy's (or SciPy's) names, each function wrapped."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        attr = getattr(self._module, name)
        if isinstance(attr, types.ModuleType):
            return _Namespace(attr)
        if isinstance(attr, np.ufunc):
            return _Ufunc(attr)
        if isinstance(attr, type) or not callable(attr):
            return attr  # dtypes, errstate, finfo, constants: the same objects as NumPy's
        return _function(attr)


class WrappedModule(_Namespace):
    ndarray = WrappedArray

    def __init__(self):
        super().__init__(np)
        self.special = _Namespace(scipy.special)

    @staticmethod
    def asnumpy(array):
        return np.asarray(array).view(np.ndarray)

    def __repr__(self):
        return "<array module: NumPy behind WrappedArray>"
