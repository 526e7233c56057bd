"""Floor 1: the array module, the default float dtype and the random generator.

Everything above this file asks here for ``xp`` (NumPy, or CuPy when asked),
``floatx()`` and ``rng()`` instead of importing them itself, so that there is
one place to switch arrays, precision and seeding.
"""

import numpy as np

xp = np

_FLOATX = "float32"
_RNG = np.random.default_rng()


def floatx():
    """The default float dtype name (``"float32"`` unless changed)."""
    return _FLOATX


def set_floatx(value):
    """Set the default float dtype: ``"float16"``, ``"float32"`` or ``"float64"``."""
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError(
            f"Unknown floatx value: expected 'float16', 'float32' or 'float64', received: {value!r}"
        )
    _FLOATX = value


def rng():
    """The process-wide ``numpy.random.Generator`` used for dropout and initializers."""
    return _RNG


def set_seed(seed):
    """Reseed the generator: the same seed gives the same random numbers."""
    global _RNG
    _RNG = np.random.default_rng(seed)


def make_rng(seed=None):
    """A generator of its own for ``seed``, or the global one when ``seed`` is None."""
    if seed is None:
        return _RNG
    return np.random.default_rng(seed)


def to_numpy(array):
    """A NumPy array from any array of ``xp`` (a no-op for NumPy)."""
    if xp is np:
        return np.asarray(array)
    return xp.asnumpy(array)
