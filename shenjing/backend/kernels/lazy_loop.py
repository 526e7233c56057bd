"""``LazyLoop``: a compiled-loop module (numba) imported and exercised on first use, once per
process, or None where it cannot load (numba missing, or a failure, said once as a warning).

While one thread loads it, other threads asking for it wait for it (so that every thread's
results come from the same code); a process forked meanwhile gets a fresh lock.
"""

import importlib
import os
import threading
import warnings
import weakref

_LOOPS = weakref.WeakSet()


class LazyLoop:
    def __init__(self, module, what, fallback):
        """``module``: the name under ``backend.kernels`` (its ``exercise()`` compiles or loads
        every specialization); ``what``/``fallback`` name it and what runs without it in
        the warning."""
        self.module_name, self.what, self.fallback = module, what, fallback
        self.module, self.tried = None, False
        self._loading = threading.Lock()
        _LOOPS.add(self)

    def get(self):
        """The loaded module, or None where it cannot load."""
        if self.tried:
            return self.module
        with self._loading:
            if not self.tried:
                try:
                    module = importlib.import_module(f"{__package__}.{self.module_name}")
                    module.exercise()
                    self.module = module
                except ImportError:
                    pass
                except Exception as error:  # noqa: BLE001 - any failure here means: use NumPy
                    warnings.warn(f"shenjing: the compiled {self.what} could not be loaded "
                                  f"({type(error).__name__}: {error}); {self.fallback} run on "
                                  "NumPy code.", RuntimeWarning, stacklevel=3)
                self.tried = True
        return self.module


def _fresh_locks():
    """In a forked child: the thread that held a loading lock is not there to release it."""
    for loop in list(_LOOPS):
        loop._loading = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_locks)
