"""The switch for the recurrent ops' per-step gate arithmetic: compiled loops or NumPy.

``steps(*arrays)`` gives the module whose functions do one timestep's elementwise work
(``recurrent_numba`` where ``backend.kernels`` would run its compiled loops on these
arrays, else ``recurrent_numpy``); both have the same functions and ``NO_MASK``, the
value to pass as a step's mask when no step is masked.
"""

import warnings

from . import compiled, recurrent_numpy

_state = {"module": None, "tried": False}


def _compiled_steps():
    if not _state["tried"]:
        _state["tried"] = True
        try:
            from . import recurrent_numba
            recurrent_numba.exercise()
            _state["module"] = recurrent_numba
        except ImportError:
            pass
        except Exception as error:  # noqa: BLE001 - any failure here means: use NumPy
            warnings.warn(f"shenjing: the compiled recurrent loops could not be loaded "
                          f"({type(error).__name__}: {error}); recurrent layers run on NumPy code.",
                          RuntimeWarning, stacklevel=3)
    return _state["module"]


def steps(*arrays):
    """The step functions for ``arrays`` (all the float buffers one op works on)."""
    if compiled(*arrays) is not None:
        module = _compiled_steps()
        if module is not None:
            return module
    return recurrent_numpy
