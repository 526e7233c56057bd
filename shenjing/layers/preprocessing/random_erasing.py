"""``RandomErasing``: with a per-image probability, one rectangle of each image replaced by
``fill_value`` (None: Gaussian noise times ``value_range[1]``), clipped to ``value_range``.
The rectangle's sides are sqrt(s) of the image's, s drawn from ``scale`` per side; its
corner uniform over the positions that keep it inside."""

import numpy as np  # host-side draws and masks

from ... import ops
from ...registry import keras_export
from .image_augmentation import (BaseImageAugmentationLayer, _is_number, check_value_range,
                                 parse_factor)


def _check_fill_value(value):
    """None, a number or three numbers (one per channel)."""
    if value is None or _is_number(value):
        return value
    if isinstance(value, (tuple, list)) and len(value) == 3 and all(_is_number(v) for v in value):
        return value
    raise ValueError("Layer RandomErasing: the `fill_value` argument should be a number (or a "
                     f"list of three numbers). Received: fill_value={value!r}")


@keras_export("keras.layers.RandomErasing")
class RandomErasing(BaseImageAugmentationLayer):
    """``factor`` in [0, 1] (a number f gives (0, f)): the range the erasing probability p is
    drawn from; an image is erased when u < p. ``scale``: the range of each side's area
    fraction. ``fill_value``: None, a number or three numbers (one per channel)."""

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(factor, (0, 1))
        self.scale = parse_factor(scale, (0, 1), name="scale")
        self.fill_value = _check_fill_value(fill_value)
        self.value_range = check_value_range("RandomErasing", value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        """{"apply_erasing": bool (N,), "batch_masks": bool images' shape (batched),
        "fill_value": the fill (images' shape)}; None when not training."""
        if not training:
            return None
        images = self._images_of(data)
        batch, height, width = self._image_size(images)
        rng = self._rng(seed)
        dtype = np.dtype(self.compute_dtype)
        sides = np.sqrt(rng.uniform(self.scale[0], self.scale[1], size=(batch, 2)))
        x0, x1 = self._bounds(rng, width, sides[:, 0])
        y0, y1 = self._bounds(rng, height, sides[:, 1])
        shape = tuple(images.shape) if len(images.shape) == 4 else (1,) + tuple(images.shape)
        h_axis, w_axis, c_axis = self._axes(4)
        grid = [1, 1, 1, 1]
        grid[h_axis], grid[w_axis] = height, width
        ys = np.arange(height, dtype=dtype)[:, None] * np.ones((1, width), dtype)
        xs = np.ones((height, 1), dtype) * np.arange(width, dtype=dtype)[None, :]
        ys, xs = ys.reshape(grid), xs.reshape(grid)
        column = (-1, 1, 1, 1)
        masks = ((xs >= x0.reshape(column)) & (xs < x1.reshape(column))
                 & (ys >= y0.reshape(column)) & (ys < y1.reshape(column)))
        masks = np.broadcast_to(masks, shape)
        probability = rng.uniform(self.factor[0], self.factor[1], size=(batch,))
        apply = rng.uniform(size=(batch,)) < probability
        return {"apply_erasing": apply, "batch_masks": masks,
                "fill_value": self._fill(rng, shape, c_axis)}

    @staticmethod
    def _bounds(rng, length, ratio):
        size = (ratio * length).astype(np.float32)
        start = rng.uniform(size=ratio.shape).astype(np.float32) * (length - size)
        return start, start + size

    def _fill(self, rng, shape, c_axis):
        dtype = np.dtype(self.compute_dtype)
        value = self.fill_value
        if value is None:
            fill = rng.standard_normal(shape).astype(dtype) * self.value_range[1]
        elif isinstance(value, (tuple, list)):
            if shape[c_axis] != 3:
                raise ValueError(f"Layer '{self.name}' (RandomErasing): a fill_value of three "
                                 f"numbers needs images of 3 channels; received images of shape "
                                 f"{shape}")
            per_channel = [1, 1, 1, 1]
            per_channel[c_axis] = 3
            fill = np.broadcast_to(np.asarray(value, dtype).reshape(per_channel), shape)
        else:
            fill = np.full(shape, value, dtype)
        return np.clip(fill, self.value_range[0], self.value_range[1]).astype(dtype)

    def _transform_batch(self, images, transformation):
        apply = np.asarray(transformation["apply_erasing"], dtype=bool).reshape(-1, 1, 1, 1)
        erase = ops.convert_to_tensor(np.asarray(transformation["batch_masks"], dtype=bool) & apply)
        fill = ops.convert_to_tensor(np.asarray(transformation["fill_value"], dtype=images.dtype))
        return ops.where(erase, fill, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "fill_value": self.fill_value, "value_range": self.value_range, "seed": self.seed}
