"""Which ops may use compiled loops (``_compiled``), and the switch that turns them off.

A few steps of a training step are memory-bound passes that NumPy makes slowly:
a bias added along a short last axis, ``maximum`` against a scalar, a mask
multiplied into a gradient, max pooling's argmax and routing, and im2col's
adjoint (col2im), and the Adam update. Where numba is installed, the ops run
these as compiled loops (one pass each); otherwise, or with ``SHENJING_COMPILED=0``
in the environment, or inside ``disabled()``, they run their NumPy code. Both give
the same values, NaN included (a NaN wins a max-pool window; a NaN or inf
upstream gradient where ReLU clipped or pooling did not pick a value gives 0,
as in torch); the tests run every op both ways.

``compiled(*arrays)`` is the one question an op asks: it returns the module of
compiled loops when they are on and every array is a C-contiguous NumPy float32
or float64 array, else None.
"""

import contextlib
import os
import warnings

import numpy as np

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_state = {"enabled": os.environ.get("SHENJING_COMPILED", "1").strip().lower() not in ("0", "false", "no", "off"),
          "module": None, "tried": False}


def _import_loops():
    from . import _compiled
    return _compiled


def _load():
    """Import the loops and run each once on float32 (loading or compiling it); on any failure
    (too old or too new for this NumPy, no compiler, no writable cache) warn once and stay on
    NumPy. Without numba, NumPy it is, silently."""
    _state["tried"] = True
    try:
        loops = _import_loops()
        _exercise(loops, np.dtype(np.float32))
    except ImportError:
        return None
    except Exception as error:  # noqa: BLE001 - any failure here means: do not use the loops
        warnings.warn(f"shenjing: the compiled loops could not be loaded ({type(error).__name__}: "
                      f"{error}); every op runs on its NumPy code (slower, same values). Set "
                      f"SHENJING_COMPILED=0 to silence this.", RuntimeWarning, stacklevel=3)
        return None
    _state["module"] = loops
    return loops


def _loops():
    """The module of loops when they are switched on and loaded (loading them on first use)."""
    if not _state["enabled"]:
        return None
    return _state["module"] or (None if _state["tried"] else _load())


def available():
    """True when the compiled loops are switched on and numba imports."""
    return _loops() is not None


def compiled(*arrays):
    """The compiled loops if they may run on ``arrays`` (C-contiguous NumPy floats), else None."""
    module = _loops()
    if module is None:
        return None
    for a in arrays:
        if type(a) is not np.ndarray or a.dtype not in _FLOATS or not a.flags.c_contiguous:
            return None
    return module


def warm_up(dtype="float32"):
    """Import numba and load (compiling if not cached yet) every loop for ``dtype`` now, rather
    than in the first training step; returns False when the loops are off or unavailable.

    The first use of a compiled op in a process costs about half a second (numba's
    import and its compiler), and the first use on a machine a few seconds more.
    """
    dtype = np.dtype(dtype)
    if not available() or dtype not in _FLOATS:
        return False
    _exercise(_state["module"], dtype)
    return True


def _exercise(loops, dtype):
    """Call every loop once on tiny arrays of ``dtype``."""
    x = np.zeros((1, 2, 2, 1), dtype=dtype)
    y = np.zeros((1, 1, 1, 1), dtype=dtype)
    index = np.zeros((1, 1, 1, 1), dtype=np.uint8)
    loops.bias_relu(x.reshape(4, 1), np.zeros(1, dtype), True)
    loops.relu(x, x.copy())
    loops.relu_grad(x, x, x.copy())
    loops.max_pool_tiled(x, 2, 2, y, index)
    loops.max_pool_tiled_grad(y, index, 2, 2, x)
    loops.col2im(np.zeros((1, 1, 1, 2, 2, 1), dtype=dtype), 1, 1, 1, 1, x)
    scalar = dtype.type(0.5)
    loops.adam_update(x, x, x.copy(), x.copy(), scalar, scalar, scalar, scalar)


def set_enabled(flag):
    """Turn the compiled loops on or off for this process; returns the previous setting."""
    previous, _state["enabled"] = _state["enabled"], bool(flag)
    return previous


@contextlib.contextmanager
def disabled():
    """Run the block with every op on its NumPy code."""
    previous = set_enabled(False)
    try:
        yield
    finally:
        set_enabled(previous)


# -- the steps, compiled where possible, else NumPy -----------------------------------

def bias_act(y, bias, relu):
    """y += bias, then y = max(y, 0) if ``relu``: in place on a GEMM's output y (M, F)."""
    if bias is None and not relu:
        return y
    if y.ndim != 2 or (bias is not None and (bias.shape != y.shape[1:] or bias.dtype != y.dtype)):
        loops = None  # the loop reads bias[k] for every column: shapes must match exactly
    else:
        loops = compiled(y) if bias is None else compiled(y, bias)
    if loops is not None:
        loops.bias_relu(y, np.zeros(y.shape[1], y.dtype) if bias is None else bias, relu)
        return y
    if bias is not None:
        y += bias
    if relu:
        np.maximum(y, 0, out=y)
    return y


def relu(x):
    """max(x, 0) as a new array (NaN stays NaN)."""
    loops = compiled(x)
    if loops is None:
        return np.maximum(x, 0)
    y = np.empty(x.shape, dtype=x.dtype)
    loops.relu(x, y)
    return y


def relu_grad(g, y):
    """g where y > 0, else 0: the ReLU's backward, from its output y (a NaN or inf in g where
    the ReLU clipped gives 0, as in torch)."""
    loops = compiled(g, y) if g.shape == y.shape and g.dtype == y.dtype else None
    if loops is None:
        return np.where(y > 0, g, np.zeros((), dtype=g.dtype))
    out = np.empty(g.shape, dtype=g.dtype)
    loops.relu_grad(g, y, out)
    return out
