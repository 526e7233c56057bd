"""The backward pass: reverse topological order, gradient accumulation, freeing.

Also the switches that every op consults: whether gradients are recorded
(``no_grad``) and whether outputs are checked for NaN/inf (``check_numerics``).
"""

import contextlib
import threading

import numpy as np  # dtype checks only: arrays go through backend.xp

from .. import backend


class _State(threading.local):
    """Per-thread switches (as Keras keeps its global state per thread): one thread's
    ``no_grad`` does not stop another thread from recording its graph."""

    grad_enabled = True
    check_numerics = False
    tapes = ()  # the GradientTapes whose ``with`` block is open, innermost last


_state = _State()

# Marks a tensor whose graph was freed by an earlier backward pass.
FREED = object()


class GraphFreedError(RuntimeError):
    """A backward pass reached a graph that an earlier pass freed (no ``retain_graph``)."""


def is_grad_enabled():
    return _state.grad_enabled


class _GradMode(contextlib.ContextDecorator):
    def __init__(self, enabled):
        self.enabled = enabled

    def __enter__(self):
        self.previous = _state.grad_enabled
        _state.grad_enabled = self.enabled
        return self

    def __exit__(self, *exc):
        _state.grad_enabled = self.previous
        return False

    def _recreate_cm(self):
        # As a decorator, each call gets its own instance: a shared one would lose
        # the outer ``previous`` when the decorated function recurses.
        return type(self)(self.enabled)


def no_grad():
    """Context manager (or decorator): ops inside record no graph."""
    return _GradMode(False)


def enable_grad():
    """Context manager (or decorator): record the graph again inside ``no_grad``."""
    return _GradMode(True)


def enable_check_numerics():
    """Raise ``FloatingPointError`` naming the first op whose output holds NaN or inf."""
    _state.check_numerics = True


def disable_check_numerics():
    _state.check_numerics = False


@contextlib.contextmanager
def check_numerics():
    """Check every op's forward output and backward gradients inside this block."""
    previous = _state.check_numerics
    _state.check_numerics = True
    try:
        yield
    finally:
        _state.check_numerics = previous


def numerics_checked():
    return _state.check_numerics


def raise_if_not_finite(array, fn, where):
    xp = backend.get_array_module(array)
    if np.issubdtype(array.dtype, np.floating) and not xp.isfinite(array).all():
        n_nan = int(xp.isnan(array).sum())
        n_inf = int(xp.isinf(array).sum())
        shapes = ", ".join(str(t.shape) for t in (fn.inputs or ()))
        raise FloatingPointError(
            f"{type(fn).__name__} produced {n_nan} NaN and {n_inf} inf values in its {where} "
            f"(output shape {array.shape}; input shapes {shapes or 'unknown'})"
        )


def unbroadcast(grad, shape):
    """Sum ``grad`` back to ``shape``: the one place where broadcasting is undone."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    elif extra < 0:
        grad = grad.reshape((1,) * -extra + grad.shape)
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    if grad.shape != shape:
        # Not a broadcast: an op's backward returned a gradient of the wrong shape.
        raise RuntimeError(
            f"internal error: a gradient of shape {grad.shape} cannot be summed back to its "
            f"input's shape {shape}"
        )
    return grad


def _topological_order(roots):
    """Non-leaf tensors reachable from ``roots``, each after every tensor it feeds."""
    order, visited = [], set()
    stack = [(root, False) for root in reversed(roots)]
    while stack:
        tensor, expanded = stack.pop()
        if expanded:
            order.append(tensor)
            continue
        if id(tensor) in visited:
            continue
        visited.add(id(tensor))
        stack.append((tensor, True))
        for parent in tensor._ctx.inputs:
            ctx = parent._ctx
            if ctx is FREED and parent.requires_grad:
                raise GraphFreedError(
                    "Trying to backward through a graph a second time: its intermediate "
                    "values were freed by the first backward(). Pass retain_graph=True to "
                    "the first call if you need to backward twice."
                )
            if ctx is not None and ctx is not FREED and id(parent) not in visited:
                stack.append((parent, False))
    order.reverse()
    return order


def _accumulate(leaf, grad):
    """Add ``grad`` to ``leaf.grad``.

    The first gradient is copied: ops may hand one array to several inputs (add),
    or a read-only broadcast view (sum), and every leaf must own a writable
    ``.grad`` that an optimizer can update in place.
    """
    leaf.grad = backend.xp.array(grad) if leaf.grad is None else leaf.grad + grad


def _seed_gradient(root, grad, caller):
    """The gradient that starts the walk at ``root``: ones for a scalar, else ``grad``."""
    if grad is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"{caller} without a gradient needs a scalar output, received shape "
                f"{root.shape}; reduce it first (e.g. loss.mean()) or pass grad="
            )
        return backend.xp.ones_like(root.data)
    grad = backend.xp.asarray(getattr(grad, "data", grad), dtype=root.data.dtype)
    if grad.shape != root.shape:
        raise ValueError(f"{caller}: grad has shape {grad.shape}, expected {root.shape}")
    return grad


def _propagate(roots, grads, retain_graph, on_leaf, on_node=None):
    """The one backward walk: push ``grads`` (id -> array, seeded at ``roots``) to the inputs.

    Each leaf that receives a gradient is handed to ``on_leaf(leaf, grad)`` (once per
    path); each non-leaf, once its gradient is complete, to ``on_node(tensor, grad)``.
    Without ``retain_graph`` every op walked through is released.
    """
    check = _state.check_numerics
    for tensor in _topological_order(roots):
        g = grads.pop(id(tensor), None)
        fn = tensor._ctx
        if g is None:
            continue
        if on_node is not None:
            on_node(tensor, g)
        input_grads = fn.backward(g)
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        for parent, pgrad, needed in zip(fn.inputs, input_grads, fn.needs_input_grad):
            if not needed or pgrad is None:
                continue
            if pgrad.shape != parent.data.shape:
                pgrad = unbroadcast(pgrad, parent.data.shape)
            if pgrad.dtype != parent.data.dtype:
                pgrad = pgrad.astype(parent.data.dtype)
            if check:
                raise_if_not_finite(pgrad, fn, "gradient")
            if parent._ctx is None:
                on_leaf(parent, pgrad)
            else:
                key = id(parent)
                previous = grads.get(key)
                grads[key] = pgrad if previous is None else previous + pgrad
        if not retain_graph:
            fn.release()
            tensor._ctx = FREED


def _raise_if_freed(root, caller):
    if root._ctx is FREED:
        raise GraphFreedError(
            f"Trying to backward through a graph a second time: pass retain_graph=True "
            f"to the first {caller} call."
        )


def backward(root, grad=None, retain_graph=False):
    """Fill ``.grad`` of every leaf that ``root`` depends on with d(root)/d(leaf)."""
    if not root.requires_grad:
        raise RuntimeError(
            "backward() called on a tensor that does not require grad: no input of the "
            "computation had requires_grad=True (or it ran inside no_grad())."
        )
    grad = _seed_gradient(root, grad, "backward()")
    if root._ctx is None:  # a leaf: d(root)/d(root) = 1
        _accumulate(root, grad)
        return
    _raise_if_freed(root, "backward()")
    _propagate([root], {id(root): grad}, retain_graph, _accumulate)


def grad(outputs, inputs, grad_outputs=None, retain_graph=False):
    """d(sum of outputs)/d(input) for each of ``inputs``, as ``torch.autograd.grad``.

    ``outputs``: a tensor or a list of tensors; ``grad_outputs``: matching
    gradients (None: ones, for a scalar output). ``inputs``: a tensor or a list
    of tensors, leaves or intermediate results. Returns a tuple of arrays, one
    per input (like ``.grad``; ``None`` where the input is not connected to the
    outputs) and writes no ``.grad`` anywhere. Outputs that do not require grad
    contribute nothing. Without ``retain_graph`` the walked graph is freed.
    """
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    else:
        grad_outputs = (list(grad_outputs) if isinstance(grad_outputs, (list, tuple))
                        else [grad_outputs])
        if len(grad_outputs) != len(outputs):
            raise ValueError(
                f"grad(): expected one grad_output per output ({len(outputs)}), "
                f"received {len(grad_outputs)}"
            )
    wanted = {id(t): t for t in inputs}
    found = {}

    def collect(tensor, g):
        key = id(tensor)
        if key in wanted:
            previous = found.get(key)
            found[key] = backend.xp.array(g) if previous is None else previous + g

    roots, seeds = [], {}
    for output, seed in zip(outputs, grad_outputs):
        if not getattr(output, "requires_grad", False):
            continue
        seed = _seed_gradient(output, seed, "grad()")
        if output._ctx is None:
            collect(output, seed)
            continue
        _raise_if_freed(output, "grad()")
        key = id(output)
        seeds[key] = seed if key not in seeds else seeds[key] + seed
        roots.append(output)
    if roots and wanted:
        _propagate(roots, seeds, retain_graph, collect, collect)
    return tuple(found.get(id(t)) for t in inputs)
