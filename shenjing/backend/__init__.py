"""Floor 1: the array module, the default float dtype and the random generator.

Everything above this file asks here for ``xp`` (NumPy, or CuPy when asked),
``floatx()`` and ``rng()`` instead of importing them itself, so that there is
one place to switch arrays, precision and seeding.

The array module is read at call time: code above this floor writes
``backend.xp.zeros(...)`` (one attribute lookup, as cheap as ``np.zeros``), never
``from ..backend import xp``, which would keep the module of import time.
``set_array_module`` switches it; ``get_array_module(*arrays)`` is the module of
given arrays, for code that must follow its input (as ``cupy.get_array_module``).
NumPy stays in use directly for dtypes (``np.float32``, ``np.dtype``: CuPy takes
them), for host-side bookkeeping on shapes and indices, and for the seeded
generators (so that a seed gives the same numbers whatever the array module).
The compiled loops are in ``backend.kernels``.
"""

import contextlib
import os
import random
import sys
import threading

import numpy as np

xp = np

_FLOATX = "float32"
_RNG = np.random.default_rng()
class _ThreadGenerators(threading.local):
    """This thread's own generators inside ``seeded`` (None: the process-wide ones). Class-level
    defaults keep ``rng()`` a plain attribute read on threads that never set them."""
    rng = None
    python_random = None


_THREAD = _ThreadGenerators()


def _forget_thread_generators():
    # A process forked inside `seeded` (a PyDataset worker) must not replay the parent's stream.
    _THREAD.rng = _THREAD.python_random = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_thread_generators)


def set_array_module(module):
    """Make ``module`` (NumPy, CuPy, or any module with NumPy's functions and an ``ndarray``
    type) the array module of every allocation and array function; returns the previous one.
    Tensors made before keep their arrays: switch before building a model."""
    global xp
    if not hasattr(module, "ndarray") or not hasattr(module, "asarray"):
        raise TypeError(f"set_array_module: Expected an array module with NumPy's functions "
                        f"(numpy, cupy), received: module={module!r}")
    previous, xp = xp, module
    return previous


def get_array_module(*arrays):
    """The array module of ``arrays``: ``xp`` if any of them is an ``xp`` array, else NumPy."""
    module = xp
    if module is np:
        return np
    for a in arrays:
        if isinstance(a, module.ndarray):
            return module
    return np


def scipy_special():
    """``scipy.special`` for the array module (``erf`` and friends): SciPy's for NumPy,
    the module's own ``special`` where it has one, else CuPy's ``cupyx.scipy.special``."""
    if xp is np:
        import scipy.special

        return scipy.special
    own = getattr(xp, "special", None)
    if own is not None:
        return own
    import importlib

    return importlib.import_module("cupyx.scipy.special")


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
    """The ``numpy.random.Generator`` used for dropout, initializers and shuffling: the
    process-wide one, or this thread's own inside ``seeded(seed)``."""
    own = _THREAD.rng
    return _RNG if own is None else own


def python_random():
    """Where default seeds are drawn (``SeedGenerator(None)``): Python's ``random`` module, or
    this thread's own ``random.Random`` inside ``seeded(seed)``."""
    own = _THREAD.python_random
    return random if own is None else own


@contextlib.contextmanager
def seeded(seed):
    """Inside: this thread draws from its own generators seeded with ``seed`` (``rng()`` and
    ``python_random()`` give what ``keras.utils.set_random_seed(seed)`` would give them), and
    the process-wide ones are neither read nor changed, so seeded work in other threads, and
    the caller's own random draws, are unaffected; ``set_seed`` / ``set_random_seed`` inside
    reseed the thread's own. Not covered: NumPy's global generator (``ImageDataGenerator``'s
    transforms, ``seed=None`` in the dataset utilities), threads started inside and processes
    forked inside (they use the process-wide generators). Nests."""
    previous = _THREAD.rng, _THREAD.python_random
    _THREAD.rng, _THREAD.python_random = np.random.default_rng(seed), random.Random(seed)
    try:
        yield
    finally:
        _THREAD.rng, _THREAD.python_random = previous


def set_seed(seed):
    """Reseed the generator ``rng()`` gives (this thread's own inside ``seeded``): the same seed
    gives the same random numbers."""
    global _RNG
    if _THREAD.rng is not None:
        _THREAD.rng = np.random.default_rng(seed)
    else:
        _RNG = np.random.default_rng(seed)


def make_rng(seed=None):
    """A generator of its own for ``seed``, or the global one when ``seed`` is None."""
    if seed is None:
        return rng()
    return np.random.default_rng(seed)


def to_numpy(array):
    """A NumPy array from any array of ``xp`` (a no-op for NumPy)."""
    if xp is np or not isinstance(array, xp.ndarray):
        return np.asarray(array)
    return xp.asnumpy(array)


def tune_allocator():
    """Keep the memory of freed arrays in the process (glibc's malloc), so that each
    training step reuses the previous step's buffers instead of getting fresh pages
    from the kernel. Without it, a 5 MB activation freed and allocated again every step
    can cost thousands of page faults per step (measured by benchmarks/run.py).
    Arrays under 128 MiB come from the heap, and up to 256 MiB of free heap is kept. (With
    64 MiB, the CNN's 86 MiB first-layer output at batch 1,000 was mapped and faulted in
    afresh on every batch of predict, which then took up to twice as long.)
    Set SHENJING_MALLOC_TUNING=0 to leave the allocator alone; glibc's own MALLOC_*
    environment variables, when set, win. Returns whether it was applied.
    """
    if os.environ.get("SHENJING_MALLOC_TUNING", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    if "MALLOC_MMAP_THRESHOLD_" in os.environ or "MALLOC_TRIM_THRESHOLD_" in os.environ:
        return False
    try:
        import ctypes

        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(mallopt(m_mmap_threshold, 128 << 20)) and bool(mallopt(m_trim_threshold, 256 << 20))


tune_allocator()
