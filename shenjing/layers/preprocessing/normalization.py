"""``Normalization``: y = (x - mean) / max(sqrt(variance), epsilon), or with ``invert=True``
x = mean + y * max(sqrt(variance), epsilon); mean and variance per position of ``axis``,
given or learnt by ``adapt(data)``. Keras 3's contract: the adapted statistics live in the
non-trainable weights ``mean``, ``variance`` (shape of the kept axes) and ``count`` (int32,
unused, as in Keras) and are saved in ``.keras`` files; given ones are config only."""

import math

import numpy as np

from ... import ops
from ...autograd import Tensor
from ...registry import keras_export
from ..layer import Layer

EPSILON = 1e-7  # keras.backend.epsilon()


def _first(batch):
    """The inputs of an (x, y) or (x, y, sample_weight) batch."""
    return batch[0] if isinstance(batch, tuple) else batch


def _array(x):
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


@keras_export("keras.layers.Normalization")
class Normalization(Layer):
    """Feature-wise normalization over the positions of ``axis`` (None: one mean/variance)."""

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        axis = () if axis is None else (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        self.axis = tuple(int(a) for a in axis)
        self.input_mean, self.input_variance = mean, variance
        self.invert = invert
        self.supports_masking = True
        self.mean = self.variance = None
        if (mean is not None) != (variance is not None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be set. "
                             f"Received: mean={mean} and variance={variance}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError("When setting values directly, `mean` and `variance` must have the "
                                 f"same shape. Received: mean shape {np.shape(mean)} and variance "
                                 f"shape {np.shape(variance)}")
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError("The rank of `mean` must be less than or equal to the number of axes "
                                 f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for "
                                 f"axis {self.axis}")

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError("All `axis` values must be in the range [-ndim, ndim). Received inputs "
                             f"with ndim={ndim}, while axis={self.axis}")
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(f"All `axis` values to be kept must have a known shape. Received "
                                 f"axis={self.axis}, inputs.shape={tuple(input_shape)}, with unknown "
                                 f"axis at index {d}")
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = [input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)]
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        self._adapt_shape = tuple(input_shape)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int32",
                                         initializer="zeros", trainable=False)
            self.built = True
            self.finalize_state()
            return
        mean = np.asarray(self.input_mean, dtype=self.compute_dtype)
        variance = np.asarray(self.input_variance, dtype=self.compute_dtype)
        if mean.ndim > 0:  # its axes are the last kept axes
            expanded = [1] * ndim
            for i in range(1, mean.ndim + 1):
                expanded[self._keep_axis[-i]] = mean.shape[-i]
            mean, variance = mean.reshape(expanded), variance.reshape(expanded)
        shape = tuple(self._broadcast_shape)
        self.mean = ops.convert_to_tensor(np.broadcast_to(mean, shape).copy())
        self.variance = ops.convert_to_tensor(np.broadcast_to(variance, shape).copy())

    def adapt(self, data):
        """Set ``mean`` and ``variance`` from ``data``: an array or Tensor, or a
        ``shenjing.data.Dataset`` / iterable of batches (an (x, y) batch uses x; an unbatched
        Dataset of rank-1 elements is batched by 128, as Keras does with tf.data)."""
        from ...data import Dataset

        if isinstance(data, (np.ndarray, Tensor)):
            batches, shape = None, tuple(data.shape)
        elif hasattr(data, "__iter__"):
            if isinstance(data, Dataset):
                spec = _first(data.element_spec)
                if len(spec.shape) == 1:
                    data = data.batch(128)
            iterator = iter(data)
            first = next(iterator, None)
            if first is None:
                raise ValueError("adapt() received an empty iterable (no batches). Expected at least "
                                 "one batch, e.g. layer.adapt([x]).")
            first = _first(first)
            if not hasattr(first, "shape"):
                raise TypeError("adapt() expects batches with a `.shape` (arrays or tensors). "
                                f"Got an element of type {type(first).__name__}.")
            shape = tuple(first.shape)
            batches = _chain(first, iterator)
        else:
            raise TypeError(f"Unsupported data type: {type(data)}. `adapt` supports arrays, tensors, "
                            "a shenjing.data.Dataset and iterables of batches.")
        if self.input_mean is not None:
            raise ValueError(f"Normalization '{self.name}' was given `mean` and `variance`; it "
                             "cannot be adapted.")
        if not self.built:
            self.build(shape)
            self.built, self._build_input_shape = True, shape
        else:
            self._check_batch_shape(shape)
        if batches is None:
            values = _array(data).astype("float64")
            total_mean = values.mean(axis=self._reduce_axis)
            total_var = values.var(axis=self._reduce_axis)
        else:
            total_mean = np.zeros(self._mean_and_var_shape)
            total_var = np.zeros(self._mean_and_var_shape)
            total_count = 0
            for batch in batches:
                batch = _array(_first(batch)).astype(self.compute_dtype)
                self._check_batch_shape(batch.shape)
                batch_mean = batch.mean(axis=self._reduce_axis)
                batch_var = batch.var(axis=self._reduce_axis)
                count = math.prod(batch.shape[d] for d in self._reduce_axis)
                total_count += count
                w = float(count) / total_count
                new_mean = total_mean * (1.0 - w) + batch_mean * w
                total_var = ((total_var + (total_mean - new_mean) ** 2) * (1.0 - w)
                             + (batch_var + (batch_mean - new_mean) ** 2) * w)
                total_mean = new_mean
        self.adapt_mean.assign(np.asarray(total_mean, dtype=self.adapt_mean.dtype))
        self.adapt_variance.assign(np.asarray(total_var, dtype=self.adapt_variance.dtype))
        self.finalize_state()

    def _check_batch_shape(self, shape):
        for d in self._keep_axis:
            if len(shape) != len(self._adapt_shape) or shape[d] != self._adapt_shape[d]:
                raise ValueError(f"Normalization '{self.name}' was built with input_shape="
                                 f"{self._adapt_shape}, but adapt() received data with an "
                                 f"incompatible shape, data.shape={tuple(shape)}")

    def finalize_state(self):
        if self.input_mean is not None or not self.built:
            return
        shape = tuple(self._broadcast_shape)
        self.mean = ops.cast(ops.reshape(self.adapt_mean.value, shape), self.compute_dtype)
        self.variance = ops.cast(ops.reshape(self.adapt_variance.value, shape), self.compute_dtype)

    def call(self, inputs):
        if self.mean is None:
            raise ValueError("You must call `.build(input_shape)` on the layer before using it.")
        inputs = ops.cast(inputs, self.compute_dtype)
        std = ops.maximum(ops.sqrt(self.variance), EPSILON)
        if self.invert:
            return ops.add(self.mean, ops.multiply(inputs, std))
        return ops.divide(ops.subtract(inputs, self.mean), std)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(),
                "variance": np.array(self.input_variance).tolist()}

    def load_own_variables(self, store):
        super().load_own_variables(store)
        self.finalize_state()


def _chain(first, rest):
    yield first
    yield from rest
