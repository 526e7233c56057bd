"""``Embedding``: integer indices -> rows of a trainable table (input_dim, output_dim)."""

import warnings

import numpy as np  # dtypes and argument checks only: arrays go through backend.xp

from .. import backend, constraints, initializers, ops, regularizers
from ..autograd import Tensor
from .layer import Layer
from .layer_utils import reject_unsupported, serialize_constraint, serialize_regularizer
from ..registry import keras_export


@keras_export("keras.layers.Embedding")
class Embedding(Layer):
    """y[..., :] = embeddings[x[...]]; inputs stay integers (floats are truncated to ints).

    With ``mask_zero=True``, index 0 is padding: ``compute_mask`` marks it False.
    """

    _autocast_inputs = False

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        input_length = kwargs.pop("input_length", None)
        if input_length is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)
            if not any(k in kwargs for k in ("input_shape", "batch_input_shape", "input_dim")):
                kwargs["input_shape"] = (input_length,)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"Received an invalid value for `{arg}`, expected a positive integer. "
                                 f"Received: {arg}={value}")
        super().__init__(**kwargs)
        reject_unsupported(self.name, lora_rank=lora_rank, lora_alpha=lora_alpha,
                           quantization_config=quantization_config)
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = bool(mask_zero)
        if weights is not None:
            self.build()
            self.set_weights(weights if isinstance(weights, (list, tuple)) else [weights])

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint, name="embeddings")

    def call(self, inputs):
        indices = inputs.data if isinstance(inputs, Tensor) else backend.xp.asarray(inputs)
        if indices.dtype.kind != "i" and indices.dtype.kind != "u":
            indices = indices.astype(np.int64)
        if indices.size and (indices.min() < 0 or indices.max() >= self.input_dim):
            bad = int(indices.min() if indices.min() < 0 else indices.max())
            raise IndexError(f"Layer '{self.name}': index {bad} is out of range for an Embedding with "
                             f"input_dim={self.input_dim} (valid indices are 0 to {self.input_dim - 1}); "
                             f"input shape {tuple(indices.shape)}")
        return ops.take(self.embeddings, indices, axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": serialize_regularizer(self.embeddings_regularizer),
            "activity_regularizer": serialize_regularizer(self.activity_regularizer),
            "embeddings_constraint": serialize_constraint(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
