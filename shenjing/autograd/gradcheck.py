"""``gradcheck``: backprop gradients against central finite differences, in float64.

The arrays are the array module's (``backend.xp``); the comparison and its report are
made on NumPy copies (``backend.to_numpy``), host-side.
"""

import numpy as np

from .. import backend
from .graph import no_grad
from .tensor import Tensor


def _projection(fn, inputs, weights):
    """sum(fn(*inputs) * weights): one scalar whose gradient tests every output."""
    out = fn(*inputs)
    return out, float((out.data * weights).sum())


def numerical_gradient(f, array, eps=1e-6):
    """d f / d array by central differences, changing ``array`` in place and restoring it."""
    grad = backend.get_array_module(array).zeros(array.shape, dtype=array.dtype)
    # Index element by element (host-side index tuples): a flat reshape would be a copy for a
    # non-contiguous view.
    for i in np.ndindex(array.shape):
        saved = array[i].copy()
        array[i] = saved + eps
        f_plus = f()
        array[i] = saved - eps
        f_minus = f()
        array[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Check ``fn``'s backprop gradients with respect to each floating input.

    ``inputs`` are arrays or Tensors; floating ones are copied to float64 and
    differentiated, others (integer labels, say) are passed through. The output
    is projected on fixed random weights so every element's gradient is tested.
    Returns True, or raises AssertionError naming the input, the element and both
    values where they disagree.
    """
    xp = backend.xp
    tensors, checked = [], []
    for i, x in enumerate(inputs):
        array = xp.array(getattr(x, "data", x))
        if array.dtype.kind == "f":
            tensors.append(Tensor(array.astype(np.float64), requires_grad=True))
            checked.append(i)
        else:
            tensors.append(Tensor(array))
    out = fn(*tensors)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, returned {type(out).__name__}")
    weights = xp.asarray(np.random.default_rng(seed).standard_normal(out.shape))  # seeded on the host
    (out * Tensor(weights)).sum().backward()
    for i in checked:
        analytic = tensors[i].grad
        if analytic is None:
            analytic = xp.zeros_like(tensors[i].data)
        with no_grad():
            numeric = numerical_gradient(
                lambda: _projection(fn, tensors, weights)[1], tensors[i].data, eps
            )
        analytic, numeric = backend.to_numpy(analytic), backend.to_numpy(numeric)
        bad = ~np.isclose(analytic, numeric, atol=atol, rtol=rtol)
        if bad.any():
            where = np.unravel_index(np.argmax(np.abs(analytic - numeric) * bad), numeric.shape)
            raise AssertionError(
                f"gradcheck: gradient of input {i} (shape {numeric.shape}) is wrong at {tuple(map(int, where))}: "
                f"backprop gives {analytic[where]:.8g}, finite differences give {numeric[where]:.8g} "
                f"({int(bad.sum())} of {bad.size} elements differ; atol={atol}, rtol={rtol})"
            )
    return True
