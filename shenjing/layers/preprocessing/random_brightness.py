"""``RandomBrightness``: y = clip(x + d, value_range), d = u (high - low) with u drawn
uniformly from the factor's range once per image."""

import numpy as np  # host-side draws

from ... import ops
from ...registry import keras_export
from .image_augmentation import BaseImageAugmentationLayer, parse_factor


@keras_export("keras.layers.RandomBrightness")
class RandomBrightness(BaseImageAugmentationLayer):
    """``factor`` in [-1, 1]: f (the range [-f, f]) or (lower, upper), a fraction of the value
    range. ``value_range``: (low, high) of the inputs, e.g. (0, 255) or (0, 1). Integer images
    keep their dtype (the sum is computed in floats, clipped, then cast back)."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = parse_factor(factor or 0.0, (-1, 1))
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError("The `value_range` argument should be a list of two numbers. "
                             f"Received: value_range={value_range}")
        self.value_range = sorted(value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        """{"rgb_delta": (N, 1, 1, 1)} (zeros when not training, as Keras)."""
        batch, _, _ = self._image_size(self._images_of(data))
        if not training:
            return {"rgb_delta": np.zeros((batch, 1, 1, 1), dtype=np.float32)}
        delta = self._rng(seed).uniform(self.factor[0], self.factor[1], size=(batch, 1, 1, 1))
        delta = delta * (self.value_range[1] - self.value_range[0])
        return {"rgb_delta": delta.astype(np.float32)}

    def _cast_images(self, images, training):
        return images if images.dtype.kind != "f" else super()._cast_images(images, training)

    def _transform_batch(self, images, transformation):
        dtype = images.dtype
        work = images if dtype.kind == "f" else ops.cast(images, self.compute_dtype)
        delta = ops.convert_to_tensor(np.asarray(transformation["rgb_delta"], dtype=work.dtype))
        out = ops.clip(ops.add(work, delta), self.value_range[0], self.value_range[1])
        return out if out.dtype == dtype else ops.cast(out, dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range,
                "seed": self.seed}
