"""``CenterCrop``: the central (height, width) window of each image; an image smaller than
the target on either side is cropped to the target's aspect ratio and resized (bilinear),
as Keras 3 does (``smart_resize``). Output in the compute dtype."""

from ... import ops
from ...registry import keras_export
from ..convolutional import standardize_data_format
from ..layer import Layer
from .resizing import _image_output_shape


@keras_export("keras.layers.CenterCrop")
class CenterCrop(Layer):
    """Crop the center (height, width) of images (N, H, W, C) or (H, W, C)."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = height, width
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)

    def call(self, inputs):
        inputs = ops.cast(inputs, self.compute_dtype)
        if inputs.ndim not in (3, 4):
            raise ValueError(f"CenterCrop '{self.name}': expected images of rank 3 or 4. "
                             f"Received: inputs.shape={tuple(inputs.shape)}")
        h_axis = inputs.ndim - (3 if self.data_format == "channels_last" else 2)
        h_diff = inputs.shape[h_axis] - self.height
        w_diff = inputs.shape[h_axis + 1] - self.width
        if h_diff >= 0 and w_diff >= 0:
            top, left = h_diff // 2, w_diff // 2
            index = [slice(None)] * inputs.ndim
            index[h_axis] = slice(top, top + self.height)
            index[h_axis + 1] = slice(left, left + self.width)
            return inputs[tuple(index)]
        return ops.image.resize(inputs, (self.height, self.width), interpolation="bilinear",
                                crop_to_aspect_ratio=True, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        return _image_output_shape(input_shape, self.height, self.width, self.data_format)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "height": self.height,
                "width": self.width}
