"""``RandomTranslation``: each image shifted by (dy, dx) = (u_h H, u_w W) pixels, u drawn
uniformly from each factor's range (positive: down / right), filled by ``fill_mode``."""

import numpy as np  # host-side draws and matrices

from ...registry import keras_export
from .image_augmentation import AffineAugmentation, _is_number


def _translation_factor(factor, name):
    """Keras's translation factor: a number or a pair, each in [-1, 1]."""
    message = ("The `factor` argument should be a number (or a list of two numbers) in the range "
               "[-1.0, 1.0]. ")
    pair = isinstance(factor, (tuple, list))
    values = list(factor) if pair else [factor]
    if (pair and len(values) != 2) or not all(_is_number(v) for v in values):
        raise ValueError(message + f"Received: {name}={factor}")
    for value in values:
        if value > 1.0 or value < -1.0:
            raise ValueError(message + f"Received: {name}={factor}")
    return tuple(sorted(values)) if pair else (-abs(factor), abs(factor))


@keras_export("keras.layers.RandomTranslation")
class RandomTranslation(AffineAugmentation):
    """``height_factor``, ``width_factor``: fractions of the height / width, f (the range
    [-f, f]) or (lower, upper), in [-1, 1]."""

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear",
                 seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = _translation_factor(height_factor, "height_factor")
        self.width_factor = width_factor
        self.width_lower, self.width_upper = _translation_factor(width_factor, "width_factor")

    def get_random_transformation(self, data, training=True, seed=None):
        """{"translations": (N, 2) pixels (dx, dy), "input_shape"}; None when not training."""
        if not training:
            return None
        images = self._images_of(data)
        batch, height, width = self._image_size(images)
        rng = self._rng(seed)
        dy = rng.uniform(self.height_lower, self.height_upper, size=(batch, 1)) * height
        dx = rng.uniform(self.width_lower, self.width_upper, size=(batch, 1)) * width
        return {"translations": np.concatenate([dx, dy], axis=1).astype(np.float32),
                "input_shape": tuple(images.shape)}

    def _matrices(self, transformation, height, width):
        """[1, 0, -dx, 0, 1, -dy, 0, 0] per image."""
        t = np.asarray(transformation["translations"], dtype=np.float32).reshape(-1, 2)
        ones, zeros = np.ones(len(t), np.float32), np.zeros(len(t), np.float32)
        return np.stack([ones, zeros, -t[:, 0], zeros, ones, -t[:, 1], zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}
