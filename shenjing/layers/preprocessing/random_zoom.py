"""``RandomZoom``: each image scaled about its centre by 1 + z, z drawn uniformly from the
factor's range (z > 0 zooms out, z < 0 zooms in), filled by ``fill_mode``."""

import numpy as np  # host-side draws and matrices

from ...registry import keras_export
from .image_augmentation import AffineAugmentation, _is_number


def _zoom_factor(factor, name):
    """Keras's zoom factor: a number or a pair, each in (-1, 1]."""
    message = ("The `height_factor` and `width_factor` arguments should be a number (or a list of "
               "two numbers) in the range (-1.0, 1.0]. ")
    values = list(factor) if isinstance(factor, (tuple, list)) else [factor]
    if len(values) not in (1, 2) or (isinstance(factor, (tuple, list)) and len(values) != 2) \
            or not all(_is_number(v) for v in values):
        raise ValueError(message + f"Received: {name}={factor}")
    for value in values:
        if value > 1.0 or value <= -1.0:
            raise ValueError(message + f"Received: {name}={factor}")
    if len(values) == 2:
        return tuple(sorted(values))
    return -abs(factor), abs(factor)


@keras_export("keras.layers.RandomZoom")
class RandomZoom(AffineAugmentation):
    """``height_factor`` (and ``width_factor``; None: the height's zoom for both, keeping the
    aspect ratio): f (the range [-f, f]) or (lower, upper), in (-1, 1]."""

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = _zoom_factor(height_factor, "height_factor")
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = _zoom_factor(width_factor, "width_factor")

    def get_random_transformation(self, data, training=True, seed=None):
        """{"height_zoom", "width_zoom" (N, 1), "input_shape"}; None when not training."""
        if not training:
            return None
        images = self._images_of(data)
        batch, _, _ = self._image_size(images)
        rng = self._rng(seed)
        height_zoom = rng.uniform(1.0 + self.height_lower, 1.0 + self.height_upper,
                                  size=(batch, 1)).astype("float32")
        width_zoom = height_zoom if self.width_factor is None else rng.uniform(
            1.0 + self.width_lower, 1.0 + self.width_upper, size=(batch, 1)).astype("float32")
        return {"height_zoom": height_zoom, "width_zoom": width_zoom,
                "input_shape": tuple(images.shape)}

    def _matrices(self, transformation, height, width):
        """[zx, 0, (W-1)/2 (1-zx), 0, zy, (H-1)/2 (1-zy), 0, 0] per image."""
        zx = np.asarray(transformation["width_zoom"], dtype=np.float32).reshape(-1)
        zy = np.asarray(transformation["height_zoom"], dtype=np.float32).reshape(-1)
        zeros = np.zeros_like(zx)
        return np.stack([zx, zeros, (width - 1) / 2.0 * (1.0 - zx), zeros, zy,
                         (height - 1) / 2.0 * (1.0 - zy), zeros, zeros], axis=1).astype(np.float32)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}
