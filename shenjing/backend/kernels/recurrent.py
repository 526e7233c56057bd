"""The switch for the recurrent ops' per-step gate arithmetic: compiled loops or NumPy.

``steps(*arrays)`` gives the module whose functions do one timestep's elementwise work
(``recurrent_numba`` where ``backend.kernels`` would run its compiled loops on these
arrays, else ``recurrent_numpy``); both have the same functions and ``NO_MASK``, the
value to pass as a step's mask when no step is masked.
"""

from . import compiled, recurrent_numpy
from .lazy_loop import LazyLoop

_LOOPS = LazyLoop("recurrent_numba", "recurrent loops", "recurrent layers")


def steps(*arrays):
    """The step functions for ``arrays`` (all the float buffers one op works on)."""
    if compiled(*arrays) is not None:
        module = _LOOPS.get()
        if module is not None:
            return module
    return recurrent_numpy
