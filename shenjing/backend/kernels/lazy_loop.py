"""``LazyLoop``: a compiled-loop module (numba) imported and exercised on first use, once per
process, or None where it cannot load (numba missing, or a failure, said once as a warning).

While one thread loads it, other threads asking for it get None and take the NumPy path
rather than wait; every later call returns the loaded module.
"""

import importlib
import threading
import warnings


class LazyLoop:
    def __init__(self, module, what, fallback):
        """``module``: the name under ``backend.kernels`` (its ``exercise()`` compiles or loads
        every specialization); ``what``/``fallback`` name it and what runs without it in
        the warning."""
        self.module_name, self.what, self.fallback = module, what, fallback
        self.module, self.tried = None, False
        self._loading = threading.Lock()

    def get(self):
        """The loaded module, or None (not available, or being loaded by another thread)."""
        if self.tried:
            return self.module
        if not self._loading.acquire(blocking=False):
            return None
        try:
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
                self.tried = True  # only once loaded (or failed): others saw None meanwhile
        finally:
            self._loading.release()
        return self.module
