"""Pooling layers (1-3 spatial axes, channels-last or channels-first): max and average over
windows, and global pooling.

Output length per spatial axis: 'valid' floor((L - pool) / stride) + 1, 'same' ceil(L / stride).
"""

from .. import backend, ops
from ..ops import nn_conv
from .convolutional import standardize_data_format, standardize_padding, standardize_tuple
from .input_spec import InputSpec
from .layer import Layer
from ..registry import keras_export


class BasePooling(Layer):
    """Max or average pooling over ``rank`` spatial axes; ``strides`` default to ``pool_size``."""

    def __init__(self, rank, mode, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.mode = mode
        self.pool_size = standardize_tuple(pool_size, rank, "pool_size")
        self.strides = self.pool_size if strides is None else standardize_tuple(strides, rank, "strides")
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        pool = nn_conv.max_pool if self.mode == "max" else nn_conv.average_pool
        return pool(inputs, self.pool_size, strides=self.strides, padding=self.padding,
                    data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        spatial = []
        first = self.data_format == "channels_first"
        for length, p, s in zip(input_shape[2:] if first else input_shape[1:-1], self.pool_size, self.strides):
            if length is None:
                spatial.append(None)
                continue
            size = (length - 1) // s + 1 if self.padding == "same" else (length - p) // s + 1
            if size <= 0:
                raise ValueError(
                    f"Layer '{self.name}': computed output size would be negative or zero. Received "
                    f"`inputs shape={tuple(input_shape)}`, `pool_size={self.pool_size}`, "
                    f"padding={self.padding!r}.")
            spatial.append(size)
        if first:
            return (input_shape[0], input_shape[1], *spatial)
        return (input_shape[0], *spatial, input_shape[-1])

    def build(self, input_shape):
        self.compute_output_shape(input_shape)  # a window larger than the input fails here

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


@keras_export("keras.layers.MaxPooling1D", "keras.layers.MaxPool1D")
class MaxPooling1D(BasePooling):
    """Max over windows of ``pool_size`` steps: (batch, steps, channels)."""

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(1, "max", pool_size, strides, padding, data_format, **kwargs)


@keras_export("keras.layers.MaxPooling2D", "keras.layers.MaxPool2D")
class MaxPooling2D(BasePooling):
    """Max over ``pool_size`` windows: (batch, height, width, channels)."""

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(2, "max", pool_size, strides, padding, data_format, **kwargs)


@keras_export("keras.layers.AveragePooling1D", "keras.layers.AvgPool1D")
class AveragePooling1D(BasePooling):
    """Mean over windows of ``pool_size`` steps ('same' divides by the real values only)."""

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(1, "average", pool_size, strides, padding, data_format, **kwargs)


@keras_export("keras.layers.AveragePooling2D", "keras.layers.AvgPool2D")
class AveragePooling2D(BasePooling):
    """Mean over ``pool_size`` windows ('same' divides by the real values only)."""

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(2, "average", pool_size, strides, padding, data_format, **kwargs)


class BaseGlobalPooling(Layer):
    """Max or mean over every spatial axis: (batch, ..., channels) -> (batch, channels)."""

    def __init__(self, rank, mode, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.mode = mode
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        if self.data_format == "channels_first":
            reduce = ops.max if self.mode == "max" else ops.mean
            return reduce(inputs, axis=tuple(range(2, self.rank + 2)), keepdims=self.keepdims)
        pool = ops.global_max_pool if self.mode == "max" else ops.global_average_pool
        return pool(inputs, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        first = self.data_format == "channels_first"
        channels = input_shape[1] if first else input_shape[-1]
        if self.keepdims:
            ones = (1,) * self.rank
            return (input_shape[0], channels, *ones) if first else (input_shape[0], *ones, channels)
        return (input_shape[0], channels)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


@keras_export("keras.layers.GlobalAveragePooling1D", "keras.layers.GlobalAvgPool1D")
class GlobalAveragePooling1D(BaseGlobalPooling):
    """Mean over the steps: (batch, steps, channels) -> (batch, channels).

    With a mask (batch, steps): sum(m x) / sum(m) over the unmasked steps only (0 / 0 = nan
    for a sample with every step masked, as in Keras); the output carries no mask."""

    supports_masking = True

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, "average", data_format, keepdims, **kwargs)

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        first = self.data_format == "channels_first"
        keep = backend.xp.expand_dims(
            backend.xp.asarray(getattr(mask, "data", mask)).astype(bool), 1 if first else 2)
        steps = 2 if first else 1
        counts = keep.astype(inputs.dtype).sum(axis=steps, keepdims=self.keepdims)
        return ops.sum(ops.where(keep, inputs, 0.0), axis=steps, keepdims=self.keepdims) / counts

    def compute_mask(self, inputs, mask=None):
        return None


@keras_export("keras.layers.GlobalAveragePooling2D", "keras.layers.GlobalAvgPool2D")
class GlobalAveragePooling2D(BaseGlobalPooling):
    """Mean over height and width: (batch, h, w, channels) -> (batch, channels)."""

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, "average", data_format, keepdims, **kwargs)


@keras_export("keras.layers.GlobalMaxPooling1D", "keras.layers.GlobalMaxPool1D")
class GlobalMaxPooling1D(BaseGlobalPooling):
    """Max over the steps: (batch, steps, channels) -> (batch, channels)."""

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, "max", data_format, keepdims, **kwargs)


@keras_export("keras.layers.GlobalMaxPooling2D", "keras.layers.GlobalMaxPool2D")
class GlobalMaxPooling2D(BaseGlobalPooling):
    """Max over height and width: (batch, h, w, channels) -> (batch, channels)."""

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, "max", data_format, keepdims, **kwargs)


@keras_export("keras.layers.MaxPooling3D", "keras.layers.MaxPool3D")
class MaxPooling3D(BasePooling):
    """Max over ``pool_size`` windows: (batch, d1, d2, d3, channels)."""

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(3, "max", pool_size, strides, padding, data_format, **kwargs)


@keras_export("keras.layers.AveragePooling3D", "keras.layers.AvgPool3D")
class AveragePooling3D(BasePooling):
    """Mean over ``pool_size`` windows of (batch, d1, d2, d3, channels) ('same': real values only)."""

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(3, "average", pool_size, strides, padding, data_format, **kwargs)


@keras_export("keras.layers.GlobalAveragePooling3D", "keras.layers.GlobalAvgPool3D")
class GlobalAveragePooling3D(BaseGlobalPooling):
    """Mean over the three spatial axes: (batch, d1, d2, d3, channels) -> (batch, channels)."""

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, "average", data_format, keepdims, **kwargs)


@keras_export("keras.layers.GlobalMaxPooling3D", "keras.layers.GlobalMaxPool3D")
class GlobalMaxPooling3D(BaseGlobalPooling):
    """Max over the three spatial axes: (batch, d1, d2, d3, channels) -> (batch, channels)."""

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, "max", data_format, keepdims, **kwargs)


MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                                     GlobalAveragePooling3D)
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
