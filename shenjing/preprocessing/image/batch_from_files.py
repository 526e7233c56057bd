"""``BatchFromFilesMixin``: the batches of the two file iterators (directory and dataframe).

A batch reads its files with ``load_img(path, color_mode, target_size, interpolation,
keep_aspect_ratio)``, transforms each image with the generator (if any), and pairs the
images with labels by ``class_mode``:

* ``"categorical"``: one-hot rows (several ones for a multi-label row), ``(batch, classes)``;
* ``"binary"`` / ``"sparse"``: the class index as ``dtype``, ``(batch,)``;
* ``"input"``: a copy of the images; ``None``: the images alone;
* ``"raw"`` / ``"multi_output"`` (dataframes): the ``y_col`` values / one array per column.

A subclass provides ``filepaths``, ``labels`` and ``sample_weight``, and sets ``classes``,
``class_indices``, ``class_mode`` and ``dtype``. Without a generator the decoded pixels go
straight into the batch (no float image per file); the values are those of Keras, which
goes through a float32 image. Pillow's JPEG ``draft`` mode and ``Image.reduce`` would decode
faster but change the pixels, so they are not used.
"""

import numpy as np

from ... import backend
from ...utils import image_utils
from .iterator import check_save_to_dir

COLOR_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}


class BatchFromFilesMixin:
    """Turns the files of ``index_array`` into a batch (see the module docstring)."""

    def set_processing_attrs(self, image_data_generator, target_size, color_mode, data_format,
                             save_to_dir, save_prefix, save_format, subset, interpolation,
                             keep_aspect_ratio):
        """Check and store how files become images; ``split`` = the ``(start, stop)`` fractions
        of ``subset`` ("validation": ``(0, validation_split)``, "training": the rest)."""
        where = type(self).__name__
        self.image_data_generator = image_data_generator
        if (not isinstance(target_size, (tuple, list)) or len(target_size) != 2
                or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0
                           for v in target_size)):
            raise ValueError(f"{where}: expected `target_size` to be (height, width), two positive "
                             f"integers. Received: target_size={target_size!r}")
        self.target_size = tuple(int(v) for v in target_size)
        image_utils.check_interpolation(interpolation, where)
        check_save_to_dir(save_to_dir, where)
        self.keep_aspect_ratio = keep_aspect_ratio
        if color_mode not in COLOR_CHANNELS:
            raise ValueError(f'Invalid color mode: {color_mode}; expected "rgb", "rgba", or "grayscale".')
        self.color_mode = color_mode
        self.data_format = data_format
        channels = (COLOR_CHANNELS[color_mode],)
        self.image_shape = (self.target_size + channels if data_format == "channels_last"
                            else channels + self.target_size)
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = interpolation
        if subset is not None and not hasattr(image_data_generator, "_validation_split"):
            raise ValueError(f"subset={subset!r} takes its split from the ImageDataGenerator's "
                             "validation_split, but no generator was given "
                             f"(image_data_generator={image_data_generator!r}).")
        if subset is None:
            split = None
        elif subset == "validation":
            split = (0, image_data_generator._validation_split)
        elif subset == "training":
            split = (image_data_generator._validation_split, 1)
        else:
            raise ValueError(f'Invalid subset name: {subset}; expected "training" or "validation"')
        self.split = split
        self.subset = subset

    def _load(self, path):
        """The image at ``path`` as an array in ``data_format``: float (``backend.floatx()``)
        for the generator, else the decoded pixels as they are: uint8, or uint16 / int32 for
        16- / 32-bit grayscale files with ``color_mode="grayscale"`` (raw values, as Keras)."""
        img = image_utils.load_img(path, color_mode=self.color_mode, target_size=self.target_size,
                                   interpolation=self.interpolation,
                                   keep_aspect_ratio=self.keep_aspect_ratio)
        try:
            if self.image_data_generator:
                return image_utils.img_to_array(img, data_format=self.data_format, dtype=backend.floatx())
            pixels = np.asarray(img)
        finally:
            img.close()
        pixels = pixels[:, :, None] if pixels.ndim == 2 else pixels
        return pixels.transpose(2, 0, 1) if self.data_format == "channels_first" else pixels

    def _get_batches_of_transformed_samples(self, index_array):
        generator = self.image_data_generator
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        filepaths = self.filepaths  # a property in subclasses: read it once
        seeds = self._transform_seeds(len(index_array)) if generator else None
        if generator:  # transformed in _load's dtype (floatx), then cast, as Keras
            work = np.stack([self._load(filepaths[j]) for j in index_array])
            batch_x[...] = self._transform_all(generator, work, seeds)
        else:
            for i, j in enumerate(index_array):
                batch_x[i] = self._load(filepaths[j])
        if self.save_to_dir:
            self._save_batch(batch_x, index_array)
        batch_y = self._labels_of(index_array, batch_x)
        if batch_y is None:
            return batch_x
        if self.sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self.sample_weight[index_array]

    def _labels_of(self, index_array, batch_x):
        """The labels of the batch by ``class_mode``; None for ``class_mode=None``."""
        mode = self.class_mode
        if mode == "input":
            return batch_x.copy()
        if mode in {"binary", "sparse"}:
            return np.array([self.classes[j] for j in index_array], dtype=self.dtype)
        if mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.0
            return batch_y
        if mode == "multi_output":
            return [output[index_array] for output in self.labels]
        if mode == "raw":
            return self.labels[index_array]
        return None

    @property
    def filepaths(self):
        """The path of every file."""
        raise NotImplementedError(f"`filepaths` property method has not been implemented in "
                                  f"{type(self).__name__}.")

    @property
    def labels(self):
        """The class labels of every file."""
        raise NotImplementedError(f"`labels` property method has not been implemented in "
                                  f"{type(self).__name__}.")

    @property
    def sample_weight(self):
        raise NotImplementedError(f"`sample_weight` property method has not been implemented in "
                                  f"{type(self).__name__}.")
