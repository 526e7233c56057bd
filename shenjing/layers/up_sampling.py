"""Upsampling layers: ``UpSampling1D``, ``UpSampling2D`` (nearest or bilinear), ``UpSampling3D``.

Nearest repeats every position ``size`` times along each spatial axis; bilinear samples
output i at input coordinate (i + 0.5) / size - 0.5 (half-pixel, clamped at the edges),
as Keras's ``ops.image.resize`` does when enlarging.
"""

from ..autograd.ops.resample import upsample_linear, upsample_nearest
from ..autograd.ops.shape import transpose
from ..registry import keras_export
from .convolutional import standardize_data_format, standardize_tuple
from .input_spec import InputSpec
from .layer import Layer


class BaseUpSampling(Layer):
    """Upsampling over ``rank`` spatial axes by the integer factors ``size``."""

    def __init__(self, rank, size, data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self.size = standardize_tuple(size, rank, "size")
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)
        self.interpolation = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if self.interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"Layer '{self.name}': `interpolation` must be 'nearest' or 'bilinear' "
                             "(bicubic and lanczos are not supported yet). "
                             f"Received: interpolation={interpolation!r}")
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        first = self.data_format == "channels_first"
        x = transpose(inputs, (0, *range(2, self.rank + 2), 1)) if first else inputs
        resample = upsample_nearest if self.interpolation == "nearest" else upsample_linear
        y = resample(x, self.size)
        return transpose(y, (0, self.rank + 1, *range(1, self.rank + 1))) if first else y

    def compute_output_shape(self, input_shape):
        first = self.data_format == "channels_first"
        lengths = input_shape[2:] if first else input_shape[1:-1]
        spatial = tuple(None if n is None else n * f for n, f in zip(lengths, self.size))
        if first:
            return (input_shape[0], input_shape[1], *spatial)
        return (input_shape[0], *spatial, input_shape[-1])


@keras_export("keras.layers.UpSampling1D")
class UpSampling1D(BaseUpSampling):
    """Repeat each step ``size`` times: (batch, steps, features) -> (batch, steps*size, features)."""

    def __init__(self, size=2, **kwargs):
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"Expected an integer value for `size`, got {type(size)}.")
        if size <= 0:
            raise ValueError(f"Argument `size` should be a positive integer. Received: size={size}")
        super().__init__(1, size, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size[0]}


@keras_export("keras.layers.UpSampling2D")
class UpSampling2D(BaseUpSampling):
    """Enlarge height and width by ``size``: nearest (repeat) or bilinear (half-pixel)."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(2, size, data_format, interpolation, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


@keras_export("keras.layers.UpSampling3D")
class UpSampling3D(BaseUpSampling):
    """Repeat along the three spatial axes by ``size`` (nearest)."""

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(3, size, data_format, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
