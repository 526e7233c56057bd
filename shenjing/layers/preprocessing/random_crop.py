"""``RandomCrop``: in training, one (height, width) window at a random offset, the same for
the whole batch; an image not larger than the target on both sides is sliced from Keras's
centred offsets and resized (bilinear) to the target. At inference the images pass through
unchanged (Keras 3 behaviour), though ``compute_output_shape`` gives the target size."""


import numpy as np

from ... import backend, ops
from ...registry import keras_export
from .image_augmentation import BaseImageAugmentationLayer
from .resizing import _image_output_shape


@keras_export("keras.layers.RandomCrop")
class RandomCrop(BaseImageAugmentationLayer):
    """``height``, ``width``: the crop size, positive ints. ``seed`` None: a random int, kept
    in the config (as Keras's ``make_default_seed``)."""

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        for arg, value in (("height", height), ("width", width)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Layer RandomCrop{'' if name is None else f' {name!r}'}: "
                                 f"`{arg}` must be a positive integer. Received: {arg}={value!r}")
        height, width = int(height), int(width)
        if seed is None:
            seed = backend.python_random().randint(1, int(1e9))
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height, self.width = height, width

    def get_random_transformation(self, data, training=True, seed=None):
        """(h_start, w_start): random in training when the images are larger than the crop
        on both sides, else Keras's centred offsets of the target's aspect ratio."""
        _, in_h, in_w = self._image_size(self._images_of(data))
        if training and in_h > self.height and in_w > self.width:
            rng = self._rng(seed)
            return (int(rng.integers(0, in_h - self.height + 1)),
                    int(rng.integers(0, in_w - self.width + 1)))
        crop_h = max(min(in_h, int(float(in_w * self.height) / self.width)), 1)
        crop_w = max(min(in_w, int(float(in_h * self.width) / self.height)), 1)
        return int(float(in_h - crop_h) / 2), int(float(in_w - crop_w) / 2)

    def transform_images(self, images, transformation, training=True):
        images = ops.convert_to_tensor(images)
        if not training:
            return images
        images = self._cast_images(images, training)
        h_start, w_start = transformation
        h_axis, w_axis, _ = self._axes(images.ndim)
        index = [slice(None)] * images.ndim
        index[h_axis] = slice(h_start, h_start + self.height)
        index[w_axis] = slice(w_start, w_start + self.width)
        images = images[tuple(index)]
        if (images.shape[h_axis], images.shape[w_axis]) != (self.height, self.width):
            images = ops.image.resize(images, size=(self.height, self.width),
                                      data_format=self.data_format)
            images = self._cast_images(images, training)
        return images

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training=training)

    def compute_output_shape(self, input_shape):
        return _image_output_shape(input_shape, self.height, self.width, self.data_format)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "seed": self.seed}
