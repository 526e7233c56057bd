"""``Resizing``: images (N, H, W, C) or (H, W, C) resized to (height, width) with
``ops.image.resize`` (Keras 3's arguments, config and values)."""

from ... import ops
from ...registry import keras_export
from ..convolutional import standardize_data_format
from ..layer import Layer


def _image_output_shape(input_shape, height, width, data_format):
    """``input_shape`` with its two spatial sizes replaced by (height, width)."""
    shape = list(input_shape)
    if len(shape) not in (3, 4):
        raise ValueError("`input_shape` must be of rank 3 (unbatched) or 4 (batched). "
                         f"Received: input_shape={tuple(input_shape)}")
    h_axis = len(shape) - (3 if data_format == "channels_last" else 2)
    shape[h_axis], shape[h_axis + 1] = height, width
    return tuple(shape)


@keras_export("keras.layers.Resizing")
class Resizing(Layer):
    """Resize images to (height, width); optionally crop or pad to the target aspect ratio
    first (``crop_to_aspect_ratio`` / ``pad_to_aspect_ratio``, padded with ``fill_value``).
    Floating images come out in the compute dtype; integer images keep their dtype (rounded),
    as in Keras."""

    _autocast_inputs = False  # integer images stay integer

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = height, width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = antialias
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(f"Resizing '{self.name}': only one of `pad_to_aspect_ratio` and "
                             "`crop_to_aspect_ratio` can be True.")

    def call(self, inputs):
        if inputs.dtype.kind == "f":
            inputs = ops.cast(inputs, self.compute_dtype)
        return ops.image.resize(inputs, size=(self.height, self.width),
                                interpolation=self.interpolation, antialias=self.antialias,
                                crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                                pad_to_aspect_ratio=self.pad_to_aspect_ratio,
                                fill_mode=self.fill_mode, fill_value=self.fill_value,
                                data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        return _image_output_shape(input_shape, self.height, self.width, self.data_format)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "height": self.height,
                "width": self.width, "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}
