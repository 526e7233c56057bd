"""``CustomGradient``: an op whose forward and backward are the user's (``keras.ops.custom_gradient``).

``f(*tensors)`` returns ``(y, grad_fn)``; y is computed without recording a graph, and
backward returns ``grad_fn(upstream)``: one gradient per tensor input (None for none).
"""

from ... import backend
from ..function import Function
from ..graph import no_grad
from ..tensor import Tensor


def _array(value, like):
    if value is None:
        return None
    array = value.data if isinstance(value, Tensor) else backend.xp.asarray(value)
    return array.astype(like.dtype, copy=False)


class CustomGradient(Function):
    """y = f(x...) (the user's forward);  dx... = grad_fn(g) (the user's backward)."""

    def forward(self, *arrays, call):
        self.arrays = arrays
        with no_grad():
            result = call(*[Tensor(a) for a in arrays])
            if not (isinstance(result, (tuple, list)) and len(result) == 2 and callable(result[1])):
                raise TypeError("custom_gradient: Expected the decorated function to return "
                                f"(output, grad_fn). Received: {type(result).__name__}")
            y, self.grad_fn = result
        if not isinstance(y, Tensor):
            y = Tensor(y)
        return y.data

    def backward(self, g):
        with no_grad():
            grads = self.grad_fn(Tensor(g))
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        if len(grads) != len(self.arrays):
            raise ValueError(f"custom_gradient: Expected grad_fn to return {len(self.arrays)} "
                             f"gradient(s), one per tensor input. Received: {len(grads)}")
        out = tuple(_array(grad, a) for grad, a in zip(grads, self.arrays))
        return out[0] if len(out) == 1 else out
