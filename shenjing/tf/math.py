"""TensorFlow-style ``tf.math``: elementwise math, comparisons, logic and reductions, each an
alias of one ``shenjing.ops`` function (a thin wrapper where TensorFlow's argument names or
semantics differ: ``reduce_*(input_tensor, axis, keepdims)``, ``argmax`` along axis 0 by
default with int64 indices, integer ``reduce_mean`` staying integer, ``cumsum`` with
``exclusive``/``reverse``). ``tf.reduce_sum`` and friends are these same functions."""

import collections

import numpy as np  # dtypes only

from .. import backend
from .. import ops
from ..autograd import Tensor
from ..ops import numpy as knp
from ..ops.numpy_common import to_tensor

__all__ = ["abs", "add", "argmax", "argmin", "ceil", "cos", "cosh", "count_nonzero", "cumprod",
           "cumsum", "divide", "divide_no_nan", "equal", "exp", "expm1", "floor", "floordiv",
           "floormod", "greater", "greater_equal", "is_finite", "is_inf", "is_nan", "less",
           "less_equal", "log", "log1p", "logical_and", "logical_not", "logical_or",
           "logical_xor", "maximum", "minimum", "mod", "multiply", "negative", "not_equal", "pow",
           "reciprocal", "reduce_all", "reduce_any", "reduce_euclidean_norm", "reduce_logsumexp",
           "reduce_max", "reduce_mean", "reduce_min", "reduce_prod", "reduce_std", "reduce_sum",
           "reduce_variance", "round", "rsqrt", "segment_sum", "sigmoid", "sign", "sin", "sinh", "sqrt",
           "square", "squared_difference", "subtract", "tan", "tanh", "top_k", "truediv"]

abs, exp, expm1, log, log1p, sqrt, square = knp.abs, knp.exp, knp.expm1, knp.log, knp.log1p, knp.sqrt, knp.square  # noqa: A001
sin, cos, tan, sinh, cosh, tanh = knp.sin, knp.cos, knp.tan, knp.sinh, knp.cosh, knp.tanh
floor, ceil, sign, reciprocal, negative = knp.floor, knp.ceil, knp.sign, knp.reciprocal, knp.negative
add, subtract, multiply, divide, truediv = knp.add, knp.subtract, knp.multiply, knp.divide, knp.true_divide
maximum, minimum, divide_no_nan = knp.maximum, knp.minimum, knp.divide_no_nan
floordiv, floormod, mod = knp.floor_divide, knp.mod, knp.mod
equal, not_equal, less, less_equal = knp.equal, knp.not_equal, knp.less, knp.less_equal
greater, greater_equal = knp.greater, knp.greater_equal
logical_and, logical_or, logical_xor, logical_not = knp.logical_and, knp.logical_or, knp.logical_xor, knp.logical_not
is_nan, is_finite, is_inf = knp.isnan, knp.isfinite, knp.isinf
sigmoid = ops.sigmoid  # tf.math.sigmoid and tf.sigmoid (tf.nn.sigmoid is the same op)


def pow(x, y, name=None):  # noqa: A001  (tf.pow)
    return knp.power(x, y)


def round(x, name=None):  # noqa: A001  (tf.round: half to even)
    return knp.round(x)


def rsqrt(x, name=None):
    """1 / sqrt(x) (``shenjing.ops.rsqrt``)."""
    return ops.rsqrt(x)


def squared_difference(x, y, name=None):
    """(x - y)**2."""
    return knp.square(knp.subtract(x, y))


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    return knp.sum(input_tensor, axis=axis, keepdims=keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """The mean; as in TensorFlow, an integer tensor's mean is an integer (truncated)."""
    x = to_tensor(input_tensor)
    if x.dtype.kind in "iu":
        total = knp.sum(x, axis=axis, keepdims=keepdims)
        count = x.size // max(total.size, 1) if x.size else 1
        return Tensor(backend.xp.trunc(total.data / count).astype(x.dtype))
    return knp.mean(x, axis=axis, keepdims=keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    return knp.max(input_tensor, axis=axis, keepdims=keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    return knp.min(input_tensor, axis=axis, keepdims=keepdims)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    return knp.prod(input_tensor, axis=axis, keepdims=keepdims)


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    return knp.any(input_tensor, axis=axis, keepdims=keepdims)


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    return knp.all(input_tensor, axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    return knp.std(input_tensor, axis=axis, keepdims=keepdims)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    return knp.var(input_tensor, axis=axis, keepdims=keepdims)


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x**2)) over ``axis``."""
    return knp.sqrt(knp.sum(knp.square(input_tensor), axis=axis, keepdims=keepdims))


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """log(sum(exp(x))) over ``axis``, computed stably."""
    x = knp.array(input_tensor)
    x = x if x.dtype.kind == "f" else knp.array(x, backend.floatx())
    return ops.logsumexp(x, axis=axis, keepdims=keepdims)


def _index_type(out, output_type):
    return Tensor(out.data.astype(np.dtype(getattr(output_type, "name", output_type))))


def argmax(input, axis=None, output_type="int64", name=None):  # noqa: A002  (tf's argument name)
    """Index of the largest value along ``axis`` (axis 0 when None, as TensorFlow)."""
    return _index_type(knp.argmax(input, axis=0 if axis is None else axis), output_type)


def argmin(input, axis=None, output_type="int64", name=None):  # noqa: A002
    return _index_type(knp.argmin(input, axis=0 if axis is None else axis), output_type)


def count_nonzero(input, axis=None, keepdims=None, dtype="int64", name=None):  # noqa: A002
    out = knp.count_nonzero(input, axis=axis)
    if keepdims:
        x = to_tensor(input)
        axes = range(x.ndim) if axis is None else ([axis] if isinstance(axis, int) else axis)
        out = knp.expand_dims(out, tuple(a % x.ndim for a in axes))
    return Tensor(out.data.astype(np.dtype(dtype)))


def _running(op, x, axis, exclusive, reverse):
    x = to_tensor(x)
    if reverse:
        x = knp.flip(x, axis)
    out = op(x, axis=axis)
    if exclusive:
        neutral = 0 if op is knp.cumsum else 1
        n = x.shape[axis % x.ndim]
        pad = [(0, 0)] * x.ndim
        pad[axis % x.ndim] = (1, 0)
        head = (slice(None),) * (axis % x.ndim)
        out = knp.pad(knp.get_item(out, head + (slice(0, n - 1),)), pad, constant_values=neutral)
    return knp.flip(out, axis) if reverse else out


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sums along ``axis``; ``exclusive`` leaves each element out, ``reverse`` runs
    from the end."""
    return _running(knp.cumsum, x, axis, exclusive, reverse)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    return _running(knp.cumprod, x, axis, exclusive, reverse)


def top_k(input, k=1, sorted=True, index_type="int32", name=None):  # noqa: A002
    """TF's ``TopKV2(values, indices)`` of the ``k`` largest entries of the last axis
    (``shenjing.ops.top_k``; ``tf.nn.top_k`` is the same function)."""
    values, indices = ops.top_k(input, k=k, sorted=sorted)
    return TopKV2(values, Tensor(indices.data.astype(np.dtype(index_type))))


TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def segment_sum(data, segment_ids, name=None):
    """out[i] = sum of data[j] over j with segment_ids[j] == i (``shenjing.ops.segment_sum``)."""
    return ops.segment_sum(data, segment_ids)
