"""``GradientTape``: TensorFlow's way to ask for gradients, on shenjing's graph.

    with GradientTape() as tape:
        loss = f(w, x)
    dw = tape.gradient(loss, w)          # d(loss)/dw, as a Tensor; w.grad stays as it was

The engine records every op whose input requires grad, so the tape does not
keep a graph of its own: inside its block it switches grad recording on (TF
records even where the code runs under ``no_grad``), makes the tensors passed to
``watch`` require grad while the block is open (so the ops on them record), and
notes which variables the ops read (``watched_variables``). ``gradient`` runs
``graph.grad`` from the targets: the sum of their gradients, as in TF, returned
in the structure of ``sources``, without writing any ``.grad``.

Not as in TF: shenjing has one graph per thread, so ``stop_recording`` stops
every tape of the thread (it refuses while another tape is open); ``watch`` sets
the tensor's own ``requires_grad`` while the block is open, which other threads
using that same tensor see too; and a target
computed outside the block still has its graph (TF would answer None). Tapes open
together (a GAN's two) share the graph, which the last of them to ask frees. There
is no double backward: a gradient computed while a tape is recording is marked, and
differentiating it again (second derivatives, gradient penalties) raises
``NotImplementedError`` instead of returning a wrong answer.
"""

import contextlib
import warnings
import weakref

from .. import backend
from ..backend import tree
from . import graph
from .tape_arguments import (FirstOrderGradient, UnconnectedGradients, flat_output_gradients,
                             flat_sources, flat_targets, unconnected_mode)
from .tensor import Tensor
from .variable import Variable

_NON_PERSISTENT_MESSAGE = (
    "A non-persistent GradientTape can only be used to compute one set of gradients "
    "(or jacobians)"
)


def _recording():
    """Whether a tape of this thread records now (what is computed joins its graph)."""
    state = graph._state
    return state.grad_enabled and bool(state.tapes)


class GradientTape:
    """Record operations for automatic differentiation (``tf.GradientTape``).

    ``persistent``: allow several ``gradient``/``jacobian`` calls (the graph is
    kept until the tape and the targets go away). ``watch_accessed_variables``:
    whether every trainable variable read inside the block is a source that gets a
    gradient; with False only tensors passed to ``watch`` do.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._watched = {}      # id -> tensor, in the order watched
        self._accessed = {}     # id -> leaf requiring grad read by an op in the block
        self._flipped = {}      # id -> tensor whose requires_grad this tape switched on
        self._active = False
        self._used = False
        self._saved_grad_mode = None
        # Tapes open at the same time as this one (in this thread) record the same graph:
        # a gradient call frees it only once none of them may still need it.
        self._overlapping = weakref.WeakSet()

    # -- the ``with`` block ----------------------------------------------------
    def __enter__(self):
        if self._active:
            raise ValueError(
                "Tape is still recording. This can happen if you try to re-enter an "
                "already-active tape."
            )
        state = graph._state
        self._saved_grad_mode = state.grad_enabled
        state.grad_enabled = True
        for other in state.tapes:
            other._overlapping.add(self)
            self._overlapping.add(other)
        state.tapes = state.tapes + (self,)
        self._active = True
        for tensor in self._watched.values():
            self._switch_on(tensor)
        return self

    def __exit__(self, *exc):
        state = graph._state
        state.tapes = tuple(t for t in state.tapes if t is not self)
        state.grad_enabled = self._saved_grad_mode
        self._active = False
        self._switch_all_off()
        return False

    def _switch_on(self, tensor):
        if not tensor.requires_grad:
            tensor.requires_grad = True
            self._flipped[id(tensor)] = tensor

    def _switch_all_off(self):
        """Give back ``requires_grad`` to the watched tensors, unless another open tape of
        this thread watches them too (that tape then owns the switch)."""
        for key, tensor in self._flipped.items():
            for other in graph._state.tapes:
                if other is not self and key in other._watched:
                    other._flipped[key] = tensor
                    break
            else:
                tensor.requires_grad = False
        self._flipped = {}

    def _record_access(self, inputs):
        """Called by ``Function.apply`` for each op recorded while this tape is open."""
        if not self._watch_accessed_variables:
            return
        accessed = self._accessed
        for t in inputs:
            if t._ctx is None and t.requires_grad and id(t) not in accessed:
                accessed[id(t)] = t

    # -- what is watched -----------------------------------------------------
    def watch(self, tensor):
        """Ensure that ``tensor`` (a Tensor, a Variable or a nested structure) is traced.

        Call it before the ops that use the tensor: they record the graph from then on.
        """
        for t in tree.flatten(tensor):
            if not isinstance(t, Tensor):
                raise ValueError(
                    f"Passed in object {t!r} of type {type(t).__name__!r}, not a shenjing "
                    f"Tensor or Variable. Expected watch() to receive Tensors, Variables or a "
                    f"nested structure of them (convert arrays with shenjing.tensor first)."
                )
            if t.dtype.kind != "f":
                warnings.warn(
                    f"The dtype of the watched tensor must be floating (e.g. float32), "
                    f"got {t.dtype}; it is not watched.",
                    stacklevel=2,
                )
                continue
            self._watched.setdefault(id(t), t)
            if self._active:
                self._switch_on(t)

    def watched_variables(self):
        """The variables watched or read inside the block, in the order first seen."""
        seen = dict(self._watched)
        for key, t in self._accessed.items():
            seen.setdefault(key, t)
        return tuple(t for t in seen.values() if isinstance(t, Variable))

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily record nothing: ops inside the block build no graph."""
        if not self._active:
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        others = [t for t in graph._state.tapes if t is not self]
        if others and graph._state.grad_enabled:
            raise NotImplementedError(
                "stop_recording() while another GradientTape is open in this thread is not "
                "supported: shenjing records one graph per thread, so it would stop the "
                "other tape too. Stop recording on the outermost tape instead."
            )
        state = graph._state
        saved = state.grad_enabled
        state.grad_enabled = False
        try:
            yield
        finally:
            state.grad_enabled = saved

    def reset(self):
        """Forget what was watched and read (as a new tape); graphs already built stay."""
        self._switch_all_off()
        self._watched = {}
        self._accessed = {}
        self._used = False

    # -- gradients ---------------------------------------------------------------
    def _start_call(self):
        if self._used and not self._persistent:
            raise RuntimeError(_NON_PERSISTENT_MESSAGE)
        self._used = True

    def _retain(self):
        """Whether this call must keep the graph: a persistent tape, a tape that overlapped
        this one and may still ask (GANs: two tapes over one forward pass), or a gradient
        that an open tape records."""
        if self._persistent or _recording():
            return True
        return any(t._persistent or not t._used for t in self._overlapping)

    def _eligible(self, source):
        """Whether ``source`` may get a gradient from this tape."""
        if id(source) in self._watched:
            return True
        if self._watch_accessed_variables:
            return source.requires_grad
        return source._ctx is not None and source._ctx is not graph.FREED

    def _run(self, targets, seeds, sources, retain_graph):
        """Arrays d(sum of targets)/d(source) for the eligible sources, else None."""
        eligible = [s for s in sources if self._eligible(s)]
        filled = []
        for t, seed in zip(targets, seeds):
            if seed is None and t.requires_grad:
                seed = backend.xp.ones_like(t.data)
            filled.append(seed)
        try:
            found = graph.grad(targets, eligible, filled, retain_graph=retain_graph)
        except graph.GraphFreedError as error:
            raise RuntimeError(
                "GradientTape.gradient(): part of the target's graph was freed by an earlier "
                "gradient() call of a non-persistent GradientTape (or by backward()). Create "
                "the earlier tape with persistent=True, or open both tapes together."
            ) from error
        arrays = dict(zip(map(id, eligible), found))
        return [arrays.get(id(s)) for s in sources]

    def _finish(self, arrays, sources, mode, targets):
        """Tensors for the arrays: zeros or None where unconnected, marked while recording."""
        recording = _recording()
        if recording:
            differentiable_targets = [t for t in targets if t.requires_grad]
        out = []
        for array, source in zip(arrays, sources):
            if array is None:
                out.append(Tensor(backend.xp.zeros_like(source.data))
                           if mode is UnconnectedGradients.ZERO else None)
                continue
            result = Tensor(array)
            if recording:
                result = FirstOrderGradient.apply(result, *differentiable_targets, source)
            out.append(result)
        return out

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """d(target)/d(sources) in the structure of ``sources`` (Tensors, or None).

        ``target``: a Tensor or a nested structure (their sum is differentiated);
        ``output_gradients``: a gradient per target (None: ones);
        ``unconnected_gradients``: "none" or "zero" for sources the target does not reach.
        """
        mode = unconnected_mode(unconnected_gradients)
        self._start_call()
        targets = flat_targets(target)
        seeds = flat_output_gradients(output_gradients, len(targets))
        flat = flat_sources(sources)
        arrays = self._run(targets, seeds, flat, self._retain())
        grads = self._finish(arrays, flat, mode, targets)
        return tree.pack_sequence_as(sources, grads)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """d(target[i])/d(source) for every element i: shape ``target.shape + source.shape``."""
        mode = unconnected_mode(unconnected_gradients)
        self._start_call()
        if not isinstance(target, Tensor):
            raise ValueError(
                f"Expected target to be a single Tensor for jacobian(). Received: "
                f"target of type {type(target).__name__}"
            )
        target_tensor = target
        flat = flat_sources(sources)
        n = target_tensor.data.size
        retain_last = self._retain()
        rows = [[] for _ in flat]
        connected = [False] * len(flat)
        for i in range(n):
            seed = backend.xp.zeros(n, dtype=target_tensor.dtype)
            seed[i] = 1
            retain = retain_last or i < n - 1
            arrays = self._run([target_tensor], [seed.reshape(target_tensor.shape)],
                               flat, retain)
            for k, (array, source) in enumerate(zip(arrays, flat)):
                connected[k] = connected[k] or array is not None
                rows[k].append(backend.xp.zeros_like(source.data) if array is None else array)
        out = []
        for k, source in enumerate(flat):
            if not connected[k] and mode is UnconnectedGradients.NONE:
                out.append(None)
                continue
            shape = target_tensor.shape + source.shape
            stacked = (backend.xp.stack(rows[k]).reshape(shape) if n
                       else backend.xp.zeros(shape, dtype=source.dtype))
            out.append(stacked)
        grads = self._finish(out, flat, UnconnectedGradients.NONE, [target_tensor])
        if mode is UnconnectedGradients.ZERO:
            grads = [Tensor(backend.xp.zeros(target_tensor.shape + s.shape, dtype=s.dtype))
                     if g is None else g for g, s in zip(grads, flat)]
        return tree.pack_sequence_as(sources, grads)
