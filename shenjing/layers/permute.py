"""``Permute``: reorder the non-batch axes, y = transpose(x, (0, *dims)); ``dims`` counts from 1."""

from .. import ops
from .input_spec import InputSpec
from .layer import Layer
from ..registry import keras_export


@keras_export("keras.layers.Permute")
class Permute(Layer):
    """``Permute((2, 1))`` swaps the two axes of (batch, steps, features) inputs."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            dims = tuple(int(d) for d in dims)
        except (TypeError, ValueError):
            raise ValueError(f"Invalid permutation argument `dims` for Permute Layer. Expected a "
                             f"tuple of ints. Received: dims={dims}") from None
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received: dims={dims}")
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}
