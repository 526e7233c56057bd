"""``keras.ops`` comparisons, logical and bitwise functions, and the ``is*`` tests.

All return boolean (or, for the bitwise ones, integer) tensors with no gradient.
"""

from .. import backend
from ..autograd import Tensor
from .dispatch import keras_op
from .numpy_common import plain, promote, to_tensor

__all__ = ["allclose", "bitwise_and", "bitwise_invert", "bitwise_left_shift", "bitwise_not",
           "bitwise_or", "bitwise_right_shift", "bitwise_xor", "equal", "greater",
           "greater_equal", "isclose", "isfinite", "isin", "isinf", "isnan", "isneginf",
           "isposinf", "isreal", "left_shift", "less", "less_equal", "logical_and",
           "logical_not", "logical_or", "logical_xor", "not_equal", "right_shift", "signbit"]


def _binary(name, xp_name, kind="compare"):
    def op(x1, x2):
        a, b = promote(x1, x2)
        if kind == "bitwise" and a.dtype.kind not in "iub":
            raise TypeError(f"Expected integer or boolean tensors for `{name}`. "
                            f"Received: x1.dtype={a.dtype}")
        if kind == "logical":
            return Tensor(getattr(backend.xp, xp_name)(a.data.astype(bool), b.data.astype(bool)))
        return Tensor(getattr(backend.xp, xp_name)(a.data, b.data))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{xp_name}`` (no gradient)."
    return keras_op(name)(op)


equal, not_equal = _binary("equal", "equal"), _binary("not_equal", "not_equal")
less, less_equal = _binary("less", "less"), _binary("less_equal", "less_equal")
greater, greater_equal = _binary("greater", "greater"), _binary("greater_equal", "greater_equal")
logical_and = _binary("logical_and", "logical_and", "logical")
logical_or = _binary("logical_or", "logical_or", "logical")
logical_xor = _binary("logical_xor", "logical_xor", "logical")
bitwise_and = _binary("bitwise_and", "bitwise_and", "bitwise")
bitwise_or = _binary("bitwise_or", "bitwise_or", "bitwise")
bitwise_xor = _binary("bitwise_xor", "bitwise_xor", "bitwise")
bitwise_left_shift = _binary("bitwise_left_shift", "left_shift", "bitwise")
bitwise_right_shift = _binary("bitwise_right_shift", "right_shift", "bitwise")
left_shift = _binary("left_shift", "left_shift", "bitwise")
right_shift = _binary("right_shift", "right_shift", "bitwise")


@keras_op("logical_not")
def logical_not(x):
    return Tensor(backend.xp.logical_not(plain(x).astype(bool)))


def _invert(x, name):
    x = to_tensor(x)
    if x.dtype.kind not in "iub":
        raise TypeError(f"Expected an integer or boolean tensor for `{name}`. Received: x.dtype={x.dtype}")
    return Tensor(backend.xp.invert(x.data))


@keras_op("bitwise_invert")
def bitwise_invert(x):
    return _invert(x, "bitwise_invert")


@keras_op("bitwise_not")
def bitwise_not(x):
    return _invert(x, "bitwise_not")


def _test(name, xp_name):
    def op(x):
        data = plain(x)
        if data.dtype.kind not in "fc":
            fill = name in ("isfinite", "isreal")
            return Tensor(backend.xp.full(data.shape, fill, dtype=bool))
        return Tensor(getattr(backend.xp, xp_name)(data))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{xp_name}``: a boolean tensor."
    return keras_op(name)(op)


isfinite, isinf, isnan = _test("isfinite", "isfinite"), _test("isinf", "isinf"), _test("isnan", "isnan")
isneginf, isposinf = _test("isneginf", "isneginf"), _test("isposinf", "isposinf")
isreal = _test("isreal", "isreal")


@keras_op("signbit")
def signbit(x):
    data = plain(x)
    if data.dtype == bool:
        return Tensor(backend.xp.zeros(data.shape, dtype=bool))
    return Tensor(backend.xp.signbit(data))


@keras_op("isclose")
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    a, b = promote(x1, x2)
    return Tensor(backend.xp.isclose(a.data, b.data, rtol=rtol, atol=atol, equal_nan=equal_nan))


@keras_op("allclose", class_name="AllClose")
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """True (a boolean scalar tensor) when every pair is close."""
    a, b = promote(x1, x2)
    return Tensor(backend.xp.asarray(backend.xp.allclose(a.data, b.data, rtol=rtol, atol=atol,
                                                         equal_nan=equal_nan)))


@keras_op("isin", class_name="IsIn")
def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of ``x1`` occurs in ``x2``."""
    a, b = promote(x1, x2)
    return Tensor(backend.xp.isin(a.data, b.data, assume_unique=assume_unique, invert=invert))
