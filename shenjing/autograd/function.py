"""``Function``: one differentiable op, its forward and its backward side by side.

A subclass implements ``forward(*arrays, **options) -> array`` and
``backward(grad) -> grad or tuple of grads`` (one per input, ``None`` where an
input needs none). Gradients may keep the broadcast shape: the engine sums them
back to each input's shape (``graph.unbroadcast``). ``forward`` may read
``self.requires_grad`` to skip saving what only ``backward`` needs.
"""

from .. import backend
from . import graph
from .tensor import Tensor


class Function:
    inputs = None
    needs_input_grad = ()
    requires_grad = False

    def forward(self, *arrays, **options):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    def release(self):
        """Drop the inputs and everything saved for backward."""
        self.__dict__.clear()

    @classmethod
    def apply(cls, *inputs, **options):
        """Run ``forward`` on the inputs' arrays and record the op if a gradient is needed."""
        fn = cls()
        state = graph._state  # thread-local: read once per op
        requires_grad = False
        if state.grad_enabled:
            for t in inputs:
                if t.requires_grad:
                    requires_grad = True
                    break
        fn.requires_grad = requires_grad
        data = fn.forward(*[t.data for t in inputs], **options)
        if type(data) is not backend.xp.ndarray:  # a scalar from a reduction, say
            data = backend.xp.asarray(data)
        out = Tensor.__new__(Tensor)
        out.data = data
        out.grad = None
        out.name = None
        out._keras_mask = None  # set, not left unset: reading an unset slot raises (~0.7 us)
        if requires_grad:
            fn.inputs = inputs
            fn.needs_input_grad = tuple(t.requires_grad for t in inputs)
            out.requires_grad = True
            out._ctx = fn
            for tape in state.tapes:  # usually none open
                tape._record_access(inputs)
        else:
            out.requires_grad = False
            out._ctx = None
        if state.check_numerics:
            fn.inputs = inputs
            graph.raise_if_not_finite(data, fn, "forward output")
        return out
