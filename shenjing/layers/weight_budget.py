"""What creating a weight costs, checked and charged before anything is allocated.

``Layer.add_weight`` calls ``check_weight_shape`` then ``charge_weight``: every
dimension must be a non-negative Python/NumPy integer that NumPy can hold, and,
inside a load (``shenjing.safety.load_budget``), the bytes the creation allocates
at its peak are charged to the load's budget first, so that a small config
declaring a huge layer is refused before the allocation. The bytes are counted
with Python integers (no overflow):

    kept   = prod(shape) * itemsize                       the variable itself
    peak   = kept + initializer's temporaries + kept       (the initializer's array is copied)

The peak must fit in what the budget has left; only ``kept`` stays charged (the
temporaries are freed before the next weight is made).

The initializers draw in float64 and cast, so their temporaries are, measured per
element: constants 0, uniform/normal draws 8 bytes, truncated normal 16 bytes,
orthogonal (QR of a float64 matrix) 32 bytes. Outside a load nothing is charged.
"""

import math

import numpy as np

from .. import safety
from ..initializers import Orthogonal, RandomInitializer, TruncatedNormal, VarianceScaling

# The largest element count NumPy accepts for one array (its sizes are intp).
_MAX_ELEMENTS = np.iinfo(np.intp).max


def check_weight_shape(layer_name, weight_name, shape):
    """``shape`` as a tuple of Python ints, or a ValueError naming the layer and the weight."""
    dims = []
    for d in shape:
        if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)):
            raise ValueError(
                f"Layer '{layer_name}': cannot create weight {weight_name!r}: expected every "
                f"dimension of its shape to be a non-negative integer. Received: shape={shape} "
                f"(a {type(d).__name__} {d!r})")
        d = int(d)
        if d < 0:
            raise ValueError(
                f"Layer '{layer_name}': cannot create weight {weight_name!r} with a negative "
                f"dimension. Received: shape={shape}")
        dims.append(d)
    if math.prod(dims) > _MAX_ELEMENTS:
        raise ValueError(
            f"Layer '{layer_name}': cannot create weight {weight_name!r}: its shape {tuple(dims)} "
            f"holds {math.prod(dims)} numbers, more than one array can hold ({_MAX_ELEMENTS})")
    return tuple(dims)


def _temporary_bytes_per_element(initializer):
    """What ``initializer(shape)`` allocates besides its result, per element (measured)."""
    if isinstance(initializer, Orthogonal):
        return 32
    if isinstance(initializer, TruncatedNormal):
        return 16
    if isinstance(initializer, VarianceScaling):
        return 16 if initializer.distribution == "truncated_normal" else 8
    if isinstance(initializer, RandomInitializer):
        return 8
    return 0


def weight_bytes(shape, dtype, initializer=None):
    """``(kept, peak)``: the bytes of the variable, and what creating it allocates at most."""
    count = math.prod(int(d) for d in shape)
    kept = count * np.dtype(dtype).itemsize
    return kept, 2 * kept + count * _temporary_bytes_per_element(initializer)


def check_transient(nbytes, what):
    """Refuse, inside a load, a temporary allocation of ``nbytes`` that the budget's remainder
    cannot hold (it is freed at once, so it is not added to the running total)."""
    budget = safety.current_budget()
    if budget is not None and budget.used + int(nbytes) > budget.allowed:
        budget.charge(nbytes, what)   # raises ResourceLimitError with the budget's message


def charge_weight(layer_name, weight_name, shape, dtype, initializer=None):
    """Charge the current load's budget for creating this weight: its peak must fit, its kept
    bytes are added to the total (no-op outside a load)."""
    if safety.current_budget() is None:
        return
    kept, peak = weight_bytes(shape, dtype, initializer)
    what = f"layer '{layer_name}': weight '{weight_name}' of shape {tuple(shape)}"
    check_transient(peak, f"{what} (with the initializer's temporaries)")
    safety.charge(kept, what)
