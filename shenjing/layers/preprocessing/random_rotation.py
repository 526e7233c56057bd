"""``RandomRotation``: each image rotated about its centre by an angle drawn uniformly from
[factor[0], factor[1]] x 360 degrees (positive: counter-clockwise), filled by ``fill_mode``."""

from ...registry import keras_export
from .image_augmentation import AffineAugmentation, affine_matrix, parse_factor


@keras_export("keras.layers.RandomRotation")
class RandomRotation(AffineAugmentation):
    """``factor``: a fraction of a full turn, f (the range [-f, f]) or (lower, upper), in
    [-1, 1]. ``fill_mode``: reflect, wrap, constant (``fill_value``) or nearest;
    ``interpolation``: bilinear or nearest."""

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.factor = parse_factor(factor, (-1, 1))

    def get_random_transformation(self, data, training=True, seed=None):
        """{"angle" (degrees, (N,)), "rotation_matrix" ((N, 8); (8,) for one image),
        "image_height", "image_width", "batch_size"}; None when not training."""
        if not training:
            return None
        images = self._images_of(data)
        batch, height, width = self._image_size(images)
        angle = self._rng(seed).uniform(self.factor[0] * 360.0, self.factor[1] * 360.0,
                                        size=(batch,)).astype("float32")
        matrix = affine_matrix(angle, 0.0, 0.0, 1.0, height, width)
        return {"angle": angle, "rotation_matrix": matrix[0] if len(images.shape) == 3 else matrix,
                "image_height": height, "image_width": width, "batch_size": batch}

    def _matrices(self, transformation, height, width):
        return transformation["rotation_matrix"]

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
