"""``NumpyArrayIterator``: batches of augmented images from an array (``ImageDataGenerator.flow``).

Each batch is ``x``, ``(x, y)`` or ``(x, y, sample_weight)``; ``x`` is the images after
``get_random_transform`` -> ``apply_transform`` -> ``standardize`` of the generator, or
``[images, *misc]`` when ``x`` was given as ``(images, misc)`` / ``[images, [misc, ...]]``
(the misc arrays are sliced, not transformed). ``subset="validation"`` keeps the first
``int(len(x) * validation_split)`` samples, ``"training"`` the rest.

Unlike Keras, ``x`` is kept as given (any real numeric dtype, not copied when it is already
an array): each sample is converted to ``dtype`` when its batch is built, so ``it.x.dtype``
is the input's (Keras converts all of ``x`` to ``dtype`` up front); the batches are equal.
"""

import warnings

import numpy as np

from ... import backend
from .iterator import Iterator, check_save_to_dir


def _same_length_misc(x):
    """Split ``x`` = ``(images, misc)`` or ``[images, [misc, ...]]`` into images and a list."""
    x_misc = [np.asarray(x[1])] if not isinstance(x[1], list) else [np.asarray(xx) for xx in x[1]]
    images = x[0]
    for xx in x_misc:
        if len(images) != len(xx):
            raise ValueError("All of the arrays in `x` should have the same length. Found a pair "
                             f"with: len(x[0]) = {len(images)}, len(x[?]) = {len(xx)}")
    return images, x_misc


class NumpyArrayIterator(Iterator):
    """Iterator over ``x`` (rank 4: N, H, W, C) with labels ``y`` and ``sample_weight``,
    transformed by ``image_data_generator`` (see the module docstring)."""

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False, sample_weight=None,
                 seed=None, data_format=None, save_to_dir=None, save_prefix="", save_format="png",
                 subset=None, ignore_class_split=False, dtype=None):
        data_format = data_format or "channels_last"
        self.dtype = dtype = dtype or backend.floatx()
        x, x_misc = _same_length_misc(x) if isinstance(x, (tuple, list)) else (x, [])
        if y is not None and len(x) != len(y):
            raise ValueError("`x` (images tensor) and `y` (labels) should have the same length. "
                             f"Found: x.shape = {np.asarray(x).shape}, y.shape = {np.asarray(y).shape}")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError("`x` (images tensor) and `sample_weight` should have the same length. "
                             f"Found: x.shape = {np.asarray(x).shape}, "
                             f"sample_weight.shape = {np.asarray(sample_weight).shape}")
        if subset is not None:
            if subset not in {"training", "validation"}:
                raise ValueError(f'Invalid subset name: {subset}; expected "training" or "validation".')
            split_idx = int(len(x) * image_data_generator._validation_split)
            if (y is not None and not ignore_class_split
                    and not np.array_equal(np.unique(y[:split_idx]), np.unique(y[split_idx:]))):
                raise ValueError(
                    "Training and validation subsets have different number of classes after the "
                    "split. If your numpy arrays are sorted by the label, you might want to shuffle "
                    f"them. Classes {np.unique(y[:split_idx]).tolist()} in the validation part (the "
                    f"first {split_idx} samples, validation_split="
                    f"{image_data_generator._validation_split}), {np.unique(y[split_idx:]).tolist()} "
                    "in the training part; ignore_class_split=True accepts this.")
            part = slice(None, split_idx) if subset == "validation" else slice(split_idx, None)
            x = x[part]
            x_misc = [np.asarray(xx[part]) for xx in x_misc]
            y = None if y is None else y[part]
            # Keras leaves sample_weight whole here (its batches then take the wrong weights).
            sample_weight = None if sample_weight is None else sample_weight[part]
        self.x = np.asarray(x)
        if self.x.dtype.kind not in "biuf":
            raise TypeError("NumpyArrayIterator: expected `x` to be numeric images (bool, integer "
                            f"or float). Received: an array of dtype {self.x.dtype}")
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError("Input data in `NumpyArrayIterator` should have rank 4. You passed an "
                             f"array with shape {self.x.shape}")
        channels_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channels_axis] not in {1, 3, 4}:
            warnings.warn(
                f'NumpyArrayIterator is set to use the data format convention "{data_format}" '
                f"(channels on axis {channels_axis}), i.e. expected either 1, 3, or 4 channels on "
                f"axis {channels_axis}. However, it was passed an array with shape {self.x.shape} "
                f"({self.x.shape[channels_axis]} channels).", stacklevel=2)
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        check_save_to_dir(save_to_dir, "NumpyArrayIterator")
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        generator = self.image_data_generator
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            batch_x[i] = self.x[j]  # a copy in self.dtype: Keras's standardize scales in place
        self._transform_all(generator, batch_x, self._transform_seeds(len(index_array)))
        if self.save_to_dir:
            self._save_batch(batch_x, index_array)
        batch_x_miscs = [xx[index_array] for xx in self.x_misc]
        inputs = [batch_x] + batch_x_miscs if batch_x_miscs else batch_x
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]
