"""The few loops that NumPy makes slowly, each in two implementations, and the one switch.

A few steps of a training step are memory-bound passes that whole-array code makes
in several sweeps: a bias added along a short last axis, ``maximum`` against a
scalar, a mask multiplied into a gradient, max pooling's argmax and routing,
im2col's adjoint (col2im), and the Adam update. Each is a function of the same name
and arguments in ``numba_kernels`` (compiled loops, one pass each) and in
``numpy_kernels`` (array-module code). The ops and optimizers call the functions
below, which allocate through the array module and pick the implementation: the
compiled one where numba is installed, the switch is on (``SHENJING_COMPILED=0``
in the environment or ``disabled()`` turn it off) and every array is a C-contiguous
NumPy float32 or float64 array; else the array-module one. Both give the same
values, NaN included (a NaN wins a max-pool window; a NaN or inf upstream gradient
where ReLU clipped or pooling did not pick a value gives 0, as in torch); the tests
run every op both ways. A GPU backend adds its own implementation here.

The first use on a machine compiles the loops (a few seconds; numba caches them on disk,
next to this file or in ``NUMBA_CACHE_DIR``): one line on stderr says so when compiling,
not loading, starts (``compile_message``); nothing is said when they load from the cache
or are switched off.
"""

import contextlib
import os
import sys
import warnings

import numpy as np

from .. import get_array_module
from . import numpy_kernels

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_state = {"enabled": os.environ.get("SHENJING_COMPILED", "1").strip().lower() not in ("0", "false", "no", "off"),
          "module": None, "tried": False, "listening": False, "announced": False}


def _import_loops():
    from . import numba_kernels
    _announce_compiles(numba_kernels)
    return numba_kernels


# -- the one line said when the loops are compiled (not loaded from numba's disk cache) ---------

def compile_message(cache_path):
    """The line printed to stderr when a loop starts compiling: ``cache_path`` is numba's cache
    folder for the loops (None: numba caches nothing, so every process compiles them)."""
    where = f"cached in {cache_path}" if cache_path else "not cached: numba has no writable cache folder"
    return (f"shenjing: compiling the fast loops once ({where}); this takes a few seconds. "
            "SHENJING_COMPILED=0 runs NumPy code instead.")


def announces(event, module_name):
    """Whether numba's compile ``event`` is the start of compiling one of our loops (and the
    first such this process): numba raises "numba:compile" only on a cache miss, after its
    disk cache had no entry for that signature, so a cache load says nothing."""
    if _state["announced"] or not event.is_start:
        return False
    data = event.data if isinstance(event.data, dict) else {}
    func = getattr(data.get("dispatcher"), "py_func", None)
    return getattr(func, "__module__", None) == module_name


def _announce_compiles(loops):
    """Listen (once per process) for numba starting to compile a function of ``loops``."""
    if _state["listening"]:
        return
    try:
        from numba.core import event
    except ImportError:  # an old numba without the event API: compile silently, as before
        return

    class _Announce(event.Listener):
        def on_start(self, ev):
            if announces(ev, loops.__name__):
                _state["announced"] = True
                cache = getattr(ev.data["dispatcher"], "_cache", None)
                print(compile_message(getattr(cache, "cache_path", None)), file=sys.stderr, flush=True)

        def on_end(self, ev):
            pass

    event.register("numba:compile", _Announce())
    _state["listening"] = True


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


# -- the steps: each allocates through the array module and runs one implementation --------

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
    else:
        numpy_kernels.bias_relu(y, bias, relu)
    return y


def relu(x):
    """max(x, 0) as a new array (NaN stays NaN)."""
    y = get_array_module(x).empty(x.shape, dtype=x.dtype)
    (compiled(x) or numpy_kernels).relu(x, y)
    return y


def relu_grad(g, y):
    """g where y > 0, else 0: the ReLU's backward, from its output y (a NaN or inf in g where
    the ReLU clipped gives 0, as in torch)."""
    out = get_array_module(g).empty(g.shape, dtype=g.dtype)
    loops = compiled(g, y) if g.shape == y.shape and g.dtype == y.dtype else None
    (loops or numpy_kernels).relu_grad(g, y, out)
    return out


def max_pool_tiled(x, ph, pw, out_hw):
    """Max pooling of x (N, H, W, C) over its non-overlapping (ph, pw) tiles, ``out_hw`` of them:
    (y, index), both (N, Ho, Wo, C); index holds a*pw + b of each window's first maximum
    (uint8, or int32 for windows of over 256 values) for ``max_pool_tiled_grad``."""
    xp = get_array_module(x)
    shape = (x.shape[0], *out_hw, x.shape[3])
    y = xp.empty(shape, dtype=x.dtype)
    small = ph * pw <= 256
    index = xp.empty(shape, dtype=np.uint8 if small else np.int32)  # dtypes: NumPy's, as CuPy takes them
    loops = compiled(x) if small else None
    (loops or numpy_kernels).max_pool_tiled(x, ph, pw, y, index)
    return y, index


def max_pool_tiled_grad(g, index, ph, pw, x_shape):
    """dx (of ``x_shape``) for ``max_pool_tiled``'s y: g routed to the value ``index`` picked in
    each window; values no window covered get 0."""
    xp = get_array_module(g)
    n, h, w, _ = x_shape
    ho, wo = g.shape[1:3]
    covered = (ho * ph, wo * pw) == (h, w)
    gx = (xp.empty if covered else xp.zeros)(x_shape, dtype=g.dtype)
    loops = None
    if index.dtype == np.uint8 and type(g) is np.ndarray and _loops() is not None:
        g = np.ascontiguousarray(g)  # a broadcast upstream gradient (a NumPy view): copy it once
        loops = compiled(g, gx)
    (loops or numpy_kernels).max_pool_tiled_grad(g, index, ph, pw, gx)
    return gx


def col2im(dcols, strides, dilation, gx):
    """gx[n, i*sh + a*dh, j*sw + b*dw, :] += dcols[n, i, j, a, b, :]: each window's gradient
    (dcols, (N, Ho, Wo, kh, kw, C)) added back in place where the window read x (gx)."""
    (sh, sw), (dh, dw) = strides, dilation
    (compiled(dcols, gx) or numpy_kernels).col2im(dcols, sh, sw, dh, dw, gx)
    return gx


def adam_update(w, g, m, v, c1, c2, alpha, eps):
    """One Adam step in place on w, m, v (``c1 = 1 - beta_1``, ``c2 = 1 - beta_2``, ``alpha``
    the bias-corrected learning rate): m += (g - m) c1;  v += (g^2 - v) c2;
    w -= (m alpha) / (sqrt(v) + eps). Both implementations give bit-identical results."""
    loops = compiled(w, g, m, v) if w.dtype == g.dtype == m.dtype == v.dtype else None
    if loops is None:
        numpy_kernels.adam_update(w, g, m, v, c1, c2, alpha, eps)
        return
    cast = w.dtype.type  # float32 weights: float32 arithmetic, as NumPy does it
    loops.adam_update(w, g, m, v, cast(c1), cast(c2), cast(alpha), cast(eps))
