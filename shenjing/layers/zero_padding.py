"""Zero padding layers: ``ZeroPadding1D``, ``ZeroPadding2D``, ``ZeroPadding3D``.

``padding`` per spatial axis is (before, after); an int pads every side by it, a tuple of
``rank`` ints pads both sides of each axis symmetrically.
"""

from .. import ops
from ..registry import keras_export
from .convolutional import standardize_data_format, standardize_tuple
from .input_spec import InputSpec
from .layer import Layer


def standardize_pairs(value, rank, name):
    """An int, ``rank`` ints or ``rank`` (before, after) pairs as ``rank`` pairs of ints >= 0."""
    if rank == 1:
        return (standardize_tuple(value, 2, name, allow_zero=True),)
    if isinstance(value, int) and not isinstance(value, bool):
        value = standardize_tuple(value, 1, name, allow_zero=True)[0]
        return ((value, value),) * rank
    if not hasattr(value, "__len__") or len(value) != rank:
        raise ValueError(f"`{name}` should be either an int, a tuple of {rank} ints, or a tuple of {rank} "
                         f"tuples of 2 ints. Received: {name}={value}.")
    pairs = []
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool):
            item = (item, item)
        pairs.append(standardize_tuple(item, 2, name, allow_zero=True))
    return tuple(pairs)


class BaseZeroPadding(Layer):
    """Pads ``rank`` spatial axes with zeros."""

    def __init__(self, rank, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)
        self.pairs = standardize_pairs(padding, rank, "padding")
        self.padding = self.pairs[0] if rank == 1 else self.pairs
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        if self.data_format == "channels_first":
            widths = ((0, 0), (0, 0), *self.pairs)
        else:
            widths = ((0, 0), *self.pairs, (0, 0))
        return ops.pad(inputs, widths)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        start = 2 if self.data_format == "channels_first" else 1
        for i, (before, after) in enumerate(self.pairs):
            if shape[start + i] is not None:
                shape[start + i] += before + after
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


@keras_export("keras.layers.ZeroPadding1D")
class ZeroPadding1D(BaseZeroPadding):
    """Zeros before and after the steps: padding=(before, after) or an int."""

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(1, padding, data_format, **kwargs)


@keras_export("keras.layers.ZeroPadding2D")
class ZeroPadding2D(BaseZeroPadding):
    """Zeros around height and width: ((top, bottom), (left, right))."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(2, padding, data_format, **kwargs)


@keras_export("keras.layers.ZeroPadding3D")
class ZeroPadding3D(BaseZeroPadding):
    """Zeros around the three spatial axes: ((before, after),) * 3."""

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(3, padding, data_format, **kwargs)
