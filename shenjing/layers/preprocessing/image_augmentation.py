"""The base of the random image augmentation layers (Keras 3's ``BaseImagePreprocessingLayer``).

A call is two steps, as in Keras, so the drawn parameters can be read:

    transformation = layer.get_random_transformation(images, training=True)   # host arrays
    outputs = layer.transform_images(images, transformation, training=True)

Images are (N, H, W, C) or (H, W, C) (``data_format="channels_first"``: (N, C, H, W) or
(C, H, W)); an unbatched image is drawn for and transformed as a batch of one. Layers
transform only when called with ``training=True`` (the default of ``call``, as in Keras;
``predict`` and ``evaluate`` pass False). The parameters are drawn on the host with NumPy
from the layer's own generator (``seed``: a reproducible sequence) or, without a seed, from
the process-wide generator (``shenjing.random.set_seed``); they are constants of the graph,
so no gradient reaches them while gradients still flow to the images.

Threads (``Dataset.map(..., num_parallel_calls=...)``): each training call takes one key from
that generator under a lock, then draws the whole transformation from a child generator seeded
by the key. A transformation is thus never a mix of two calls' draws, and a seeded layer hands
out the same keys in the same order in every run; which batch gets which key follows the order
in which the calls reach the lock (deterministic for sequential calls or an order-keeping map
with one worker; with several workers the set of transformations repeats, their assignment to
batches may not).
"""

import math
import threading

import numpy as np  # host-side random draws and transform matrices

from ... import ops
from ...random.seed_generator import keras_rng
from ..convolutional import standardize_data_format
from ..layer import Layer

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_KEY_LOCK = threading.Lock()  # one key per call from a shared generator (module docstring)
_INTERPOLATIONS = ("nearest", "bilinear")


def parse_factor(factor, bounds, name="factor"):
    """Keras's ``factor`` rule: a number f in ``bounds`` gives (max(-|f|, low), |f|); a pair
    (a, b) with a <= high and b >= low gives (min, max). Anything else is a ValueError."""
    low, high = bounds
    message = (f"The `{name}` argument should be a number (or a list of two numbers) in the "
               f"range [{low}, {high}]. Received: {name}={factor}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(_is_number(v) for v in factor):
            raise ValueError(message)
        if factor[0] > high or factor[1] < low:
            raise ValueError(message)
        lower, upper = sorted(factor)
        return lower, upper
    if _is_number(factor):
        if factor < low or factor > high:
            raise ValueError(message)
        factor = abs(factor)
        return max(-factor, low), factor
    raise ValueError(message)


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def check_value_range(layer, value_range):
    """``value_range``: (low, high), two numbers (Keras fails later, at the first call, on
    anything else)."""
    if (not isinstance(value_range, (tuple, list)) or len(value_range) != 2
            or not all(_is_number(v) for v in value_range)):
        raise ValueError(f"Layer {layer}: the `value_range` argument should be a list of two "
                         f"numbers. Received: value_range={value_range!r}")
    return value_range


def check_fill_and_interpolation(fill_mode, interpolation):
    """The fill modes and interpolations of the geometric layers (Keras raises
    NotImplementedError for others)."""
    if fill_mode not in _FILL_MODES:
        raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one {_FILL_MODES}.")
    if interpolation not in _INTERPOLATIONS:
        raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of one "
                                  f"{_INTERPOLATIONS}.")


def affine_matrix(angle, translate_x, translate_y, scale, height, width):
    """Keras's per-sample transform [a0, a1, a2, b0, b1, b2, 0, 0] (float32, shape (N, 8)) that
    maps an output pixel to the input point it samples: a rotation by ``angle`` degrees
    (counter-clockwise) and a ``scale`` about the image centre ((W-1)/2, (H-1)/2), then a shift
    by (translate_x, translate_y) pixels."""
    theta = np.asarray(angle, dtype=np.float64) * (math.pi / 180.0)
    cos, sin = np.cos(theta), np.sin(theta)
    cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
    a0, a1 = scale * cos, -scale * sin
    b0, b1 = scale * sin, scale * cos
    a2 = translate_x + cx - cx * a0 - cy * a1
    b2 = translate_y + cy - cx * b0 - cy * b1
    zeros = np.zeros_like(a0)
    return np.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1).astype(np.float32)


class BaseImageAugmentationLayer(Layer):
    """Shared by the RandomX layers: arguments (``seed``, ``data_format``), the layer's
    generator, the training rule, unbatched inputs and the ``data_format`` config key.
    Subclasses write ``get_random_transformation`` and ``_transform_batch`` (4-D images)."""

    _autocast_inputs = False  # each layer casts as Keras does (some keep integer images)

    def __init__(self, seed=None, data_format=None, bounding_box_format=None, **kwargs):
        super().__init__(**kwargs)
        if seed is not None and not (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)):
            raise ValueError(f"{type(self).__name__} '{self.name}': argument `seed` must be an "
                             f"integer. Received: seed={seed!r}")
        self.seed = None if seed is None else int(seed)
        self._generator = None if seed is None else np.random.default_rng([int(seed) & 0xFFFFFFFF])
        self.data_format = standardize_data_format(data_format, self, allow_channels_first=True)
        self.bounding_box_format = bounding_box_format

    # -- randomness -------------------------------------------------------------------
    def _rng(self, seed=None):
        """The generator for one draw: ``seed`` (an int: the same values each time; a
        SeedGenerator or a NumPy Generator) if given, else the layer's own sequence."""
        if seed is not None:
            return keras_rng(seed)
        return keras_rng(None) if self._generator is None else self._generator

    def _call_rng(self, training):
        """The generator of one call: a child of the layer's (or the process-wide) generator,
        seeded by a key drawn under a lock; None when not training (nothing is drawn)."""
        if not training:
            return None
        with _KEY_LOCK:
            key = int(self._rng().integers(0, 2 ** 63 - 1))
        return np.random.default_rng(key)

    # -- shapes -----------------------------------------------------------------------
    def _axes(self, ndim):
        """(height axis, width axis, channel axis) of images of rank ``ndim``."""
        if self.data_format == "channels_last":
            return ndim - 3, ndim - 2, ndim - 1
        return ndim - 2, ndim - 1, ndim - 3

    def _image_size(self, images):
        """(batch size, height, width): batch 1 for an unbatched image."""
        shape = tuple(np.shape(images) if not hasattr(images, "shape") else images.shape)
        if len(shape) not in (3, 4):
            raise ValueError(f"{type(self).__name__} '{self.name}': expected image tensor to have "
                             "rank 3 (single image) or 4 (batch of images). "
                             f"Received: data.shape={shape}")
        h_axis, w_axis, _ = self._axes(len(shape))
        return (shape[0] if len(shape) == 4 else 1), shape[h_axis], shape[w_axis]

    # -- the two steps ------------------------------------------------------------------
    def get_random_transformation(self, data, training=True, seed=None):
        """The parameters drawn for ``data`` (host arrays, one row per image), or None."""
        return None

    def _cast_images(self, images, training):
        """Images in the compute dtype (Keras's rule for most of these layers)."""
        return images if images.dtype == np.dtype(self.compute_dtype) else \
            ops.cast(images, self.compute_dtype)

    def transform_images(self, images, transformation, training=True):
        """``images`` (3-D or 4-D) transformed by ``transformation`` when ``training``."""
        images = self._cast_images(ops.convert_to_tensor(images), training)
        if not training or transformation is None:
            return images
        if images.ndim == 3:
            return ops.squeeze(self._transform_batch(ops.expand_dims(images, 0), transformation), 0)
        return self._transform_batch(images, transformation)

    def transform_single_image(self, image, transformation, training=True):
        """Keras's name for ``transform_images`` on one (H, W, C) image."""
        return self.transform_images(image, transformation, training=training)

    def _transform_batch(self, images, transformation):
        raise NotImplementedError(f"{type(self).__name__} must implement `_transform_batch`.")

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        """Masks follow the geometric layers' transform (nearest sampling); colour layers
        leave them unchanged."""
        return segmentation_masks

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):
            return self._call_dict(inputs, training)
        self._image_size(inputs)
        transformation = self.get_random_transformation(inputs, training=training,
                                                        seed=self._call_rng(training))
        return self.transform_images(inputs, transformation, training=training)

    def _call_dict(self, data, training):
        """Keras's dict inputs: "images" plus optional "labels" and "segmentation_masks"."""
        if "images" not in data:
            raise ValueError(f"{type(self).__name__} '{self.name}': a dict input needs an "
                             f"'images' entry. Received keys: {sorted(data)}")
        if "bounding_boxes" in data:
            raise NotImplementedError(f"{type(self).__name__} '{self.name}': bounding boxes "
                                      "are not supported yet by shenjing's augmentation layers.")
        self._image_size(data["images"])
        transformation = self.get_random_transformation(data, training=training,
                                                        seed=self._call_rng(training))
        out = dict(data)
        out["images"] = self.transform_images(data["images"], transformation, training=training)
        if "labels" in data:
            out["labels"] = self.transform_labels(data["labels"], transformation, training=training)
        if "segmentation_masks" in data:
            out["segmentation_masks"] = self.transform_segmentation_masks(
                data["segmentation_masks"], transformation, training=training)
        return out

    @staticmethod
    def _images_of(data):
        return data["images"] if isinstance(data, dict) else data

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {**super().get_config(), "data_format": self.data_format}
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config


class AffineAugmentation(BaseImageAugmentationLayer):
    """The geometric layers (rotation, zoom, translation): one ``ops.image.affine_transform``
    over the batch with a transform per image (``_matrices``), filled by ``fill_mode``."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        check_fill_and_interpolation(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def _matrices(self, transformation, height, width):
        """The (N, 8) transforms of a drawn ``transformation`` for images of this size."""
        raise NotImplementedError

    def _affine(self, images, transformation, interpolation):
        h_axis, w_axis, _ = self._axes(images.ndim)
        matrices = self._matrices(transformation, images.shape[h_axis], images.shape[w_axis])
        return ops.image.affine_transform(images, matrices, interpolation=interpolation,
                                          fill_mode=self.fill_mode, fill_value=self.fill_value,
                                          data_format=self.data_format)

    def _transform_batch(self, images, transformation):
        return self._affine(images, transformation, self.interpolation)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        masks = ops.convert_to_tensor(segmentation_masks)
        if not training or transformation is None:
            return masks
        if masks.ndim == 3:
            return ops.squeeze(self._affine(ops.expand_dims(masks, 0), transformation, "nearest"), 0)
        return self._affine(masks, transformation, "nearest")

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                "interpolation": self.interpolation, "seed": self.seed}
