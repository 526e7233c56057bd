"""``SpectralNormalization``: keep the spectral norm of a wrapped layer's kernel at 1.

In training, with W the kernel reshaped to (-1, units) and u (1, units) a persistent estimate
of its top right singular vector, ``power_iterations`` times: v = l2n(u W^T), u = l2n(v W);
then sigma = v W u^T and the kernel is overwritten by W / sigma (as Keras does: the update is
an assignment, so no gradient flows through sigma). Inference uses the kernel as it is.
l2n(x) = x * min(1 / ||x||, 1 / 1e-7).
"""

import numpy as np

from .. import backend, initializers
from .input_spec import InputSpec
from .wrapper import Wrapper
from ..registry import keras_export


def _l2n(x):
    norm = backend.xp.sqrt(backend.xp.sum(x * x))
    return x * (1e7 if norm == 0 else min(1.0 / norm, 1e7))


@keras_export("keras.layers.SpectralNormalization")
class SpectralNormalization(Wrapper):
    """``SpectralNormalization(Dense(8))``: the wrapped layer must have a ``kernel`` or
    ``embeddings`` weight."""

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, (int, np.integer)) \
                or power_iterations <= 0:
            raise ValueError("`power_iterations` should be greater than zero. Received: "
                             f"`power_iterations={power_iterations}`")
        self.power_iterations = int(power_iterations)

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if getattr(self.layer, "kernel", None) is not None:
            self.kernel = self.layer.kernel
        elif getattr(self.layer, "embeddings", None) is not None:
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(f"{type(self.layer).__name__} object has no attribute 'kernel' nor "
                             "'embeddings'")
        self.kernel_shape = tuple(self.kernel.shape)
        self.vector_u = self.add_weight(shape=(1, self.kernel_shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02),
                                        trainable=False, name="vector_u", dtype=self.kernel.dtype)

    def normalized_weights(self):
        """(new u, W / sigma) as arrays, from the kernel's current value."""
        weights = self.kernel.data.reshape(-1, self.kernel_shape[-1])
        u = self.vector_u.data
        for _ in range(self.power_iterations):
            v = _l2n(u @ weights.T)
            u = _l2n(v @ weights)
        sigma = (v @ weights) @ u.T
        return u, (self.kernel.data / sigma).reshape(self.kernel_shape)

    def call(self, inputs, training=False):
        if training and backend.xp.any(self.kernel.data != 0):
            new_u, new_kernel = self.normalized_weights()
            self.vector_u.assign(new_u.astype(self.vector_u.dtype))
            self.kernel.assign(new_kernel.astype(self.kernel.dtype))
        return self.layer(inputs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
