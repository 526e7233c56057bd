"""``Tensor``: an array, the gradient that backward fills, and the op that made it."""

import numpy as np  # dtype checks only: arrays go through backend.xp

from .. import backend
from . import graph


class TensorShape(tuple):
    """A tensor's shape: a tuple of ints that also answers TensorFlow's ``as_list()``,
    ``rank`` and ``num_elements()``."""

    __slots__ = ()

    def as_list(self):
        return list(self)

    @property
    def rank(self):
        return len(self)

    def num_elements(self):
        n = 1
        for d in self:
            n *= d
        return n


class Tensor:
    """An n-dimensional array that records the ops applied to it for backprop.

    ``data`` is the array, ``grad`` the gradient backward left (same shape, or
    None), ``requires_grad`` whether gradients flow to it, and ``_ctx`` the
    ``Function`` that produced it (None for a leaf).

    NumPy: ufuncs (``np.add``, ``np.exp``) and the functions that convert their argument
    (``np.round``, ``np.sort``, ``np.prod``) return NumPy values, as for TensorFlow's eager
    tensors; the reductions NumPy hands to the array's own method (``np.sum``, ``np.mean``,
    ``np.max``, ``np.min``, ``np.argmax``) return a Tensor, and ``np.any``/``np.all`` a Python
    bool (a bool Tensor with ``axis``/``keepdims``). An integer scalar Tensor is an index
    (``__index__``): ``names[np.argmax(t)]``, ``range(t)``, ``x[t:]``, as TF's eager tensors.
    """

    # ``_keras_logits``: set only on a softmax or sigmoid output (see ops.activation.logits_of);
    # left unset elsewhere, so read it with getattr(t, "_keras_logits", None).
    # ``_keras_mask``: the mask a layer attached to its output (autograd.masking); None on a new
    # tensor (ops do not copy it); read it with get_keras_mask(t).
    __slots__ = ("data", "grad", "requires_grad", "_ctx", "name", "_keras_logits", "_keras_mask",
                 "__weakref__")
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy meets a Tensor. ``ndarray <op> Tensor`` (the Tensor second) goes to the Tensor's
        reflected operator and stays a differentiable Tensor, as TensorFlow's tensors win over
        arrays; a ufunc called on Tensors (``np.add(t, 1)``, ``np.exp(t)``) sees them as arrays
        and returns NumPy values, as it does for TensorFlow's eager tensors."""
        reflected = _REFLECTED.get(ufunc.__name__)
        if (method == "__call__" and reflected and not kwargs and len(inputs) == 2
                and not isinstance(inputs[0], Tensor) and isinstance(inputs[1], Tensor)):
            result = getattr(inputs[1], reflected)(inputs[0])
            if result is not NotImplemented:
                return result
        inputs = tuple(np.asarray(x) if isinstance(x, Tensor) else x for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(np.asarray(x) if isinstance(x, Tensor) else x for x in kwargs["out"])
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __init__(self, data, requires_grad=False, dtype=None, name=None):
        self.data = _to_array(data, dtype)
        self.grad = None
        self._ctx = None
        self.name = name
        self._keras_mask = None
        self.requires_grad_(requires_grad)

    # -- array facts -------------------------------------------------------
    @property
    def shape(self):
        return TensorShape(self.data.shape)

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def device(self):
        """Where the array lives, in TensorFlow's spelling (``.../device:CPU:0``; ``GPU:0`` for a
        CuPy array)."""
        kind = "CPU" if isinstance(self.data, (np.ndarray, np.generic)) else "GPU"
        return f"/job:localhost/replica:0/task:0/device:{kind}:0"

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def is_leaf(self):
        return self._ctx is None

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor (a scalar) is undefined")
        return len(self.data)

    def __iter__(self):
        """The slices along the first axis, as TensorFlow's eager tensors iterate."""
        if self.data.ndim == 0:
            raise TypeError("Cannot iterate over a 0-d tensor (a scalar)")
        return (self[i] for i in range(len(self.data)))

    def numpy(self):
        """The underlying NumPy array (shared, not copied); a 0-d tensor gives a NumPy scalar
        (``np.float32``, ``np.int32``), as TensorFlow's ``.numpy()`` does."""
        data = backend.to_numpy(self.data)
        return data[()] if data.ndim == 0 else data

    def item(self):
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def __array__(self, dtype=None, copy=None):
        data = backend.to_numpy(self.data)  # NumPy asks for a NumPy array, whatever the array module
        return data if dtype is None else data.astype(dtype)

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    def __index__(self):
        """An integer scalar tensor as a Python int, so it can index a list, bound a ``range`` or
        a slice (TF's eager tensors do the same); anything else is a TypeError, as Python expects."""
        if self.data.ndim != 0 or self.data.dtype.kind not in "iu":
            raise TypeError(
                "Only integer scalar tensors can be used as an index; received a tensor of shape "
                f"{tuple(self.shape)} and dtype {self.data.dtype}")
        return int(self.data)

    def __bool__(self):
        if self.data.size != 1:
            raise ValueError(
                f"The truth value of a tensor of shape {self.shape} is ambiguous; use .any() or .all()"
            )
        return bool(self.data)

    def __format__(self, format_spec):
        """``f"{t:.3f}"`` formats a scalar tensor as its number (as TF's eager tensors do); an empty
        spec gives ``str(t)``; a spec on a non-scalar is NumPy's error for an array."""
        if not format_spec:
            return str(self)
        data = backend.to_numpy(self.data)
        return format(data[()] if data.ndim == 0 else data, format_spec)

    def __repr__(self):
        body = np.array2string(backend.to_numpy(self.data), prefix="tensor(", separator=", ")  # host-side text
        extra = ", requires_grad=True" if self.requires_grad else ""
        return f"tensor({body}, dtype={self.data.dtype}{extra})"

    __hash__ = object.__hash__

    # -- autodiff ----------------------------------------------------------
    def backward(self, grad=None, retain_graph=False):
        """Backpropagate from this tensor, accumulating into the leaves' ``.grad``."""
        graph.backward(self, grad, retain_graph)

    def detach(self):
        """The same array, cut from the graph."""
        return Tensor(self.data)

    def requires_grad_(self, flag=True):
        if flag and not np.issubdtype(self.data.dtype, np.floating):
            raise TypeError(
                f"Only floating-point tensors can require gradients, received dtype {self.data.dtype}"
            )
        self.requires_grad = bool(flag)
        return self

    # -- operators (each builds one op) --------------------------------------
    def __add__(self, other):
        return _ops.add(self, other)

    def __radd__(self, other):
        return _ops.add(other, self)

    def __sub__(self, other):
        return _ops.subtract(self, other)

    def __rsub__(self, other):
        return _ops.subtract(other, self)

    def __mul__(self, other):
        return _ops.multiply(self, other)

    def __rmul__(self, other):
        return _ops.multiply(other, self)

    def __truediv__(self, other):
        return _ops.divide(self, other)

    def __rtruediv__(self, other):
        return _ops.divide(other, self)

    def __matmul__(self, other):
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.matmul(other, self)

    def __pow__(self, other):
        return _ops.power(self, other)

    def __rpow__(self, other):
        return _ops.power(other, self)

    def __neg__(self):
        return _ops.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops.abs(self)

    def __getitem__(self, index):
        return _ops.getitem(self, index)

    def __setitem__(self, index, value):
        raise TypeError(
            "Tensors do not support item assignment (it would break the gradient graph); "
            "build a new tensor with shenjing.ops.where or shenjing.ops.concatenate instead"
        )

    # Comparisons carry no gradient; they return boolean tensors.
    def __lt__(self, other):
        return _ops.less(self, other)

    def __le__(self, other):
        return _ops.less_equal(self, other)

    def __gt__(self, other):
        return _ops.greater(self, other)

    def __ge__(self, other):
        return _ops.greater_equal(self, other)

    def __eq__(self, other):
        return _ops.equal(self, other)

    def __ne__(self, other):
        return _ops.not_equal(self, other)

    # -- methods that mirror the ops -------------------------------------------
    def sum(self, axis=None, keepdims=False, out=None, dtype=None):
        _no_out(out, "sum")  # np.sum(tensor) calls this method with out=None (and dtype)
        x = self if dtype is None else _ops.cast(self, dtype)
        return _ops.sum(x, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False, out=None, dtype=None):
        _no_out(out, "mean")  # np.mean(tensor) calls this method with out=None (and dtype)
        x = self if dtype is None else _ops.cast(self, dtype)
        return _ops.mean(x, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False, out=None):
        _no_out(out, "max")  # np.max(tensor) calls this method with out=None
        return _ops.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False, out=None):
        _no_out(out, "min")  # np.min(tensor) calls this method with out=None
        return _ops.min(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return _ops.reshape(self, shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = axes[0]
        return _ops.transpose(self, axes or None)

    @property
    def T(self):
        return _ops.transpose(self)

    def exp(self):
        return _ops.exp(self)

    def log(self):
        return _ops.log(self)

    def sqrt(self):
        return _ops.sqrt(self)

    def abs(self):
        return _ops.abs(self)

    def clip(self, x_min, x_max):
        return _ops.clip(self, x_min, x_max)

    def astype(self, dtype):
        return _ops.cast(self, dtype)

    def argmax(self, axis=None, out=None, keepdims=False):
        _no_out(out, "argmax")  # np.argmax(tensor) calls this method with out=None (and keepdims)
        return _ops.argmax(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False, out=None):
        """Whether any element is true: a Python bool over the whole tensor, else a bool Tensor
        reduced over ``axis``. ``np.any(tensor)`` calls this with ``axis=None, out=None``."""
        return self._truth_reduction("any", axis, keepdims, out)

    def all(self, axis=None, keepdims=False, out=None):
        """Whether every element is true: a Python bool over the whole tensor, else a bool Tensor
        reduced over ``axis``. ``np.all(tensor)`` calls this with ``axis=None, out=None``."""
        return self._truth_reduction("all", axis, keepdims, out)

    def _truth_reduction(self, name, axis, keepdims, out):
        _no_out(out, name)
        result = getattr(backend.xp, name)(self.data, axis=axis, keepdims=keepdims)
        if axis is None and not keepdims:
            return bool(result)
        return Tensor(result)


def _no_out(out, method):
    if out is not None:
        raise TypeError(f"Tensor.{method} cannot write into `out` (tensors are immutable). "
                        f"Received: out={type(out).__name__}")


def _to_array(data, dtype=None):
    """An ndarray for ``data``: Python floats become floatx, arrays keep their dtype."""
    if isinstance(data, Tensor):
        data = data.data
    xp = backend.xp
    if isinstance(data, xp.ndarray):
        return data if dtype is None else data.astype(dtype, copy=False)
    if dtype is None:
        array = xp.asarray(data)
        if array.dtype == np.float64 and not isinstance(data, (np.generic, np.ndarray)):
            array = array.astype(backend.floatx())
        return array
    return xp.asarray(data, dtype=dtype)


def tensor(data, requires_grad=False, dtype=None):
    """Make a Tensor from an array, a list or a scalar (floats default to float32)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


# ufunc name -> the Tensor's method that ``ufunc(other, tensor)`` means (``ndarray + t`` -> ``t.__radd__``).
_REFLECTED = {"add": "__radd__", "subtract": "__rsub__", "multiply": "__rmul__",
              "divide": "__rtruediv__", "true_divide": "__rtruediv__", "matmul": "__rmatmul__",
              "power": "__rpow__", "less": "__gt__", "less_equal": "__ge__", "greater": "__lt__",
              "greater_equal": "__le__", "equal": "__eq__", "not_equal": "__ne__"}


def as_tensor(value, like=None):
    """``value`` as a Tensor; a plain number or array takes ``like``'s float dtype."""
    if isinstance(value, Tensor):
        return value
    if like is not None and like.data.dtype.kind == "f":
        array = backend.xp.asarray(value)
        if array.dtype != like.data.dtype and array.dtype.kind in "fiub":
            array = array.astype(like.data.dtype)
        return Tensor(array)
    return Tensor(value)


def _defer_to_symbolic(method):
    """``tensor + keras_tensor``: leave the operator to the symbolic tensor's reflected method
    (which records a graph node) instead of computing on a placeholder."""
    def operator(self, other):
        if getattr(other, "_is_symbolic", False) is True:
            return NotImplemented
        return method(self, other)

    operator.__name__ = method.__name__
    operator.__doc__ = method.__doc__
    return operator


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
              "__rtruediv__", "__matmul__", "__rmatmul__", "__pow__", "__rpow__", "__lt__", "__le__",
              "__gt__", "__ge__", "__eq__", "__ne__"):
    setattr(Tensor, _name, _defer_to_symbolic(getattr(Tensor, _name)))
del _name

from . import ops as _ops  # noqa: E402  (the ops import Tensor from this module)
