"""``RandomContrast``: per image and channel, y = (x - mean) * c + mean, clipped to
``value_range``; mean over height and width, c drawn uniformly from
[1 - factor[0], 1 + factor[1]] once per image."""

import numpy as np  # host-side draws

from ... import ops
from ...registry import keras_export
from .image_augmentation import BaseImageAugmentationLayer, check_value_range, parse_factor


@keras_export("keras.layers.RandomContrast")
class RandomContrast(BaseImageAugmentationLayer):
    """``factor`` in [0, 1]: a number f gives (0, f) by Keras's rule (c in [1, 1 + f]), a pair
    (a, b) gives c in [1 - a, 1 + b]. Integer images stay integer at inference."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = parse_factor(factor, (0, 1))
        self.value_range = check_value_range("RandomContrast", value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        """{"contrast_factor": (N, 1, 1, 1)} (zeros when not training, as Keras)."""
        batch, _, _ = self._image_size(self._images_of(data))
        if not training:
            return {"contrast_factor": np.zeros((batch, 1, 1, 1), dtype=self.compute_dtype)}
        factor = self._rng(seed).uniform(1.0 - self.factor[0], 1.0 + self.factor[1],
                                         size=(batch, 1, 1, 1))
        return {"contrast_factor": factor.astype(self.compute_dtype)}

    def _cast_images(self, images, training):
        if not training and images.dtype.kind != "f":
            return images
        return super()._cast_images(images, training)

    def _transform_batch(self, images, transformation):
        h_axis, w_axis, _ = self._axes(images.ndim)
        factor = ops.convert_to_tensor(np.asarray(transformation["contrast_factor"],
                                                  dtype=images.dtype))
        mean = ops.mean(images, axis=(h_axis, w_axis), keepdims=True)
        outputs = ops.add(ops.multiply(ops.subtract(images, mean), factor), mean)
        return ops.clip(outputs, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range,
                "seed": self.seed}
