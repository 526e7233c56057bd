"""``RandomGrayscale``: each image replaced, with probability ``factor``, by its luminance
0.2989 R + 0.5870 G + 0.1140 B repeated over the channels (the shape is kept, as Keras)."""

import numpy as np  # host-side draws

from ... import ops
from ...registry import keras_export
from .image_augmentation import BaseImageAugmentationLayer


@keras_export("keras.layers.RandomGrayscale")
class RandomGrayscale(BaseImageAugmentationLayer):
    """``factor`` in [0, 1]: the probability of graying an image. Images with 3 (RGB) or 1
    channels; integer images keep their dtype. Keras's config has no ``seed``."""

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if isinstance(factor, bool) or not isinstance(factor, (int, float, np.integer, np.floating)) \
                or factor < 0 or factor > 1:
            raise ValueError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        self.factor = factor

    def get_random_transformation(self, data, training=True, seed=None):
        """Bool (N, 1, 1, 1): which images turn gray (u < factor); None when not training."""
        if not training:
            return None
        batch, _, _ = self._image_size(self._images_of(data))
        return self._rng(seed).uniform(size=(batch, 1, 1, 1)) < self.factor

    def _cast_images(self, images, training):
        return images if images.dtype.kind != "f" else super()._cast_images(images, training)

    def _symbolic_call(self, inputs, args, kwargs):
        """Integer images keep their dtype symbolically as they do eagerly (Keras's
        ``compute_output_spec`` gives the input's dtype; float inputs arrive cast to the
        compute dtype)."""
        outputs = super()._symbolic_call(inputs, args, kwargs)
        dtype = np.dtype(self._images_of(inputs).dtype)
        if dtype.kind != "f":
            self._images_of(outputs).dtype = dtype.name
        return outputs

    def _transform_batch(self, images, transformation):
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        should_apply = ops.convert_to_tensor(np.asarray(transformation, dtype=bool))
        return ops.where(should_apply, gray, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
