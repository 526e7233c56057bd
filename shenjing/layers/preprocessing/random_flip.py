"""``RandomFlip``: each image flipped left-right and/or top-bottom with probability 1/2
(Keras 3: one draw per image, shared by both axes in "horizontal_and_vertical")."""

import numpy as np  # host-side draws

from ... import ops
from ...registry import keras_export
from .image_augmentation import BaseImageAugmentationLayer

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"
_MODES = (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL)


@keras_export("keras.layers.RandomFlip")
class RandomFlip(BaseImageAugmentationLayer):
    """``mode``: "horizontal" (left-right), "vertical" (top-bottom) or
    "horizontal_and_vertical". Outputs in the compute dtype."""

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if mode not in _MODES:
            raise ValueError(f"RandomFlip '{self.name}': `mode` must be one of {_MODES}. "
                             f"Received: mode={mode!r}")
        self.mode = mode

    def get_random_transformation(self, data, training=True, seed=None):
        """{"flips": bool (N, 1, 1, 1) (u <= 0.5), "input_shape"}; None when not training."""
        if not training:
            return None
        images = self._images_of(data)
        batch, _, _ = self._image_size(images)
        flips = self._rng(seed).uniform(size=(batch, 1, 1, 1)) <= 0.5
        return {"flips": flips, "input_shape": tuple(images.shape)}

    def _transform_batch(self, images, transformation):
        flips = ops.convert_to_tensor(np.asarray(transformation["flips"], dtype=bool))
        h_axis, w_axis, _ = self._axes(images.ndim)
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            images = ops.where(flips, ops.flip(images, axis=w_axis), images)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            images = ops.where(flips, ops.flip(images, axis=h_axis), images)
        return images

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training=training)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed, "mode": self.mode}
