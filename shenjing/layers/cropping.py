"""Cropping layers: ``Cropping1D``, ``Cropping2D``, ``Cropping3D``.

``cropping`` per spatial axis is (before, after), normalized like ZeroPadding's padding;
what is left must be at least one position along every axis.
"""

from .. import ops
from ..registry import keras_export
from .convolutional import standardize_data_format
from .input_spec import InputSpec
from .layer import Layer
from .zero_padding import standardize_pairs


class BaseCropping(Layer):
    """Removes (before, after) positions from each of ``rank`` spatial axes."""

    def __init__(self, rank, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)
        self.pairs = standardize_pairs(cropping, rank, "cropping")
        self.cropping = self.pairs[0] if rank == 1 else self.pairs
        self.input_spec = InputSpec(ndim=rank + 2)

    def _start(self):
        return 2 if self.data_format == "channels_first" else 1

    def _check(self, shape, what):
        start = self._start()
        for i, (before, after) in enumerate(self.pairs):
            length = shape[start + i]
            if length is not None and length - before - after <= 0:
                raise ValueError(f"Values in `cropping` argument should be smaller than the corresponding "
                                 f"spatial dimension of the input. Received: {what}={tuple(shape)}, "
                                 f"cropping={self.cropping} (layer '{self.name}')")

    def call(self, inputs):
        self._check(inputs.shape, "inputs.shape")
        index = [slice(None)] * inputs.ndim
        start = self._start()
        for i, (before, after) in enumerate(self.pairs):
            index[start + i] = slice(before, inputs.shape[start + i] - after)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape):
        self._check(input_shape, "input_shape")
        shape = list(input_shape)
        start = self._start()
        for i, (before, after) in enumerate(self.pairs):
            if shape[start + i] is not None:
                shape[start + i] -= before + after
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


@keras_export("keras.layers.Cropping1D")
class Cropping1D(BaseCropping):
    """Remove (before, after) steps: (batch, steps, features)."""

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(1, cropping, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        return config


@keras_export("keras.layers.Cropping2D")
class Cropping2D(BaseCropping):
    """Remove ((top, bottom), (left, right)) from height and width."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(2, cropping, data_format, **kwargs)


@keras_export("keras.layers.Cropping3D")
class Cropping3D(BaseCropping):
    """Remove ((before, after),) * 3 from the three spatial axes."""

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, cropping, data_format, **kwargs)
