"""``ImageDataGenerator``: the legacy Keras augmenting image generator.

Per image: ``random_transform`` = ``apply_transform(x, get_random_transform(x.shape))``
(affine transform, channel shift, horizontal then vertical flip, brightness, in that order);
per batch, the iterators then call ``standardize`` (``preprocessing_function``, ``rescale``,
samplewise centre/scale, featurewise centre/scale, ZCA whitening, in that order). ``fit``
computes the featurewise statistics and the ZCA matrix from sample data.

Random numbers: with a ``seed``, ``get_random_transform`` (and ``fit(augment=True)``) draw from
``np.random.RandomState(seed)``, in Keras's order, so the parameters equal Keras's for that
seed; NumPy's global generator is never seeded. Without one they draw from NumPy's global
generator (``np.random``), as Keras does, so an iterator that seeds it per batch (Keras's
``Iterator``) reproduces Keras's batches.

Deliberate differences: the arguments are checked when the generator is made (numbers for the
ranges and ``cval``, Keras's forms of the shift ranges, the spline order and ``fill_mode``;
Keras fails at the first image), ``fit`` refuses zero samples, and the ZCA matrix is kept
as its factors (``zca_whitening_matrix`` is a property that builds it on request).

Kept from Keras 3 so that images match it: the height shift (``tx``, scaled by the image's
height) moves the image along its columns and the width shift along its rows (see
``affine_transformations``).
"""

import math
import threading
import warnings

import numpy as np

from ...backend import floatx
from .affine_transformations import (apply_affine_transform,
                                     apply_brightness_shift, apply_channel_shift,
                                     check_order_and_fill_mode)

_ZCA_MATRIX_BYTES = 2 * 2**30  # the D x D ZCA matrix is built on request up to this size


_SEEDED = threading.local()  # one reseeded generator per thread for seeded draws


def _needs_fit_warning(option):
    warnings.warn(f"This ImageDataGenerator specifies `{option}`, but it hasn't been fit on any "
                  "training data. Fit it first by calling `.fit(numpy_data)`.")


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _check_number(name, value):
    if not _is_number(value):
        raise ValueError(f"ImageDataGenerator: expected `{name}` to be a number. "
                         f"Received: {name}={value!r} ({type(value).__name__})")


def _check_shift_range(name, value):
    """A float (a fraction below 1, else pixels), an int, or a 1-D sequence of numbers."""
    if _is_number(value):
        return
    if isinstance(value, (list, tuple, np.ndarray)):
        array = np.asarray(value, dtype=object)
        if array.ndim == 1 and len(array) and all(_is_number(v) for v in array):
            return
    raise ValueError(f"ImageDataGenerator: expected `{name}` to be a float, an int, or a 1-D "
                     f"list of numbers to choose from. Received: {name}={value!r}")


def _draw_shift(rng, shift_range, extent):
    """One shift in pixels, Keras's rule: an int or a list draws an element (of
    ``range(int)`` or the list) and a random sign; a float draws from U(-r, r); values below 1
    are fractions of ``extent``."""
    if isinstance(shift_range, (float, np.floating)):  # what rng.choice refuses: U(-r, r)
        shift = rng.uniform(-shift_range, shift_range)
        return shift * extent if shift_range < 1 else shift
    try:  # rng.choice accepts exactly the ints and 1-D sequences, and draws nothing otherwise
        shift = rng.choice(shift_range)
        shift *= rng.choice([-1, 1])
    except ValueError:
        shift = rng.uniform(-shift_range, shift_range)
    if np.max(shift_range) < 1:
        shift *= extent
    return shift


class ImageDataGenerator:
    """Generate batches of image data with real-time data augmentation (legacy Keras API;
    Keras's arguments, defaults and attribute names)."""

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0, width_shift_range=0.0,
                 height_shift_range=0.0, brightness_range=None, shear_range=0.0, zoom_range=0.0,
                 channel_shift_range=0.0, fill_mode="nearest", cval=0.0, horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None,
                 data_format=None, validation_split=0.0, interpolation_order=1, dtype=None):
        data_format = data_format or "channels_last"  # shenjing's image_data_format()
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        self.channel_shift_range = channel_shift_range
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.dtype = dtype or floatx()
        self.interpolation_order = interpolation_order

        if data_format not in ("channels_last", "channels_first"):
            raise ValueError('`data_format` should be `"channels_last"` (channel after row and '
                             'column) or `"channels_first"` (channel before row and column). '
                             f"Received: {data_format}")
        self.data_format = data_format
        if data_format == "channels_first":
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        if validation_split and not 0 < validation_split < 1:
            raise ValueError("`validation_split` must be strictly between 0 and 1. "
                             f"Received: {validation_split}")
        self._validation_split = validation_split
        check_order_and_fill_mode(interpolation_order, fill_mode,
                                  "ImageDataGenerator(interpolation_order, fill_mode)")
        for name, value in (("rotation_range", rotation_range), ("shear_range", shear_range),
                            ("channel_shift_range", channel_shift_range), ("cval", cval),
                            ("zca_epsilon", zca_epsilon)):
            _check_number(name, value)
        _check_shift_range("width_shift_range", width_shift_range)
        _check_shift_range("height_shift_range", height_shift_range)
        if rescale is not None and rescale is not False and not _is_number(rescale):
            raise ValueError("ImageDataGenerator: expected `rescale` to be None or a number. "
                             f"Received: rescale={rescale!r}")

        self.mean = None
        self.std = None
        self.zca_whitening_matrix = None

        if isinstance(zoom_range, (float, int)):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif (hasattr(zoom_range, "__len__") and len(zoom_range) == 2
              and all(isinstance(v, (float, int)) for v in zoom_range)):
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError("`zoom_range` should be a float or a tuple or list of two floats. "
                             f"Received: {zoom_range}")
        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                warnings.warn("This ImageDataGenerator specifies `zca_whitening`, which "
                              "overrides setting of `featurewise_center`.")
            if featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn("This ImageDataGenerator specifies `zca_whitening` which "
                              "overrides setting of `featurewise_std_normalization`.")
        if featurewise_std_normalization and not featurewise_center:
            self.featurewise_center = True
            warnings.warn("This ImageDataGenerator specifies `featurewise_std_normalization`, "
                          "which overrides setting of `featurewise_center`.")
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            warnings.warn("This ImageDataGenerator specifies `samplewise_std_normalization`, "
                          "which overrides setting of `samplewise_center`.")
        if brightness_range is not None and (not isinstance(brightness_range, (tuple, list))
                                             or len(brightness_range) != 2
                                             or not all(map(_is_number, brightness_range))):
            raise ValueError("`brightness_range should be tuple or list of two floats. "
                             f"Received: {brightness_range}")
        self.brightness_range = brightness_range

    # -- iterators ---------------------------------------------------------------------------

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix="", save_format="png", ignore_class_split=False,
             subset=None):
        """A ``NumpyArrayIterator`` over ``x`` (rank 4) and ``y``, augmented by this generator."""
        from .numpy_array_iterator import NumpyArrayIterator

        return NumpyArrayIterator(
            x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight,
            seed=seed, data_format=self.data_format, save_to_dir=save_to_dir,
            save_prefix=save_prefix, save_format=save_format,
            ignore_class_split=ignore_class_split, subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            follow_links=False, subset=None, interpolation="nearest",
                            keep_aspect_ratio=False):
        """A ``DirectoryIterator`` over the images in ``directory``'s class subfolders."""
        from .directory_iterator import DirectoryIterator

        return DirectoryIterator(
            directory, self, target_size=target_size, color_mode=color_mode,
            keep_aspect_ratio=keep_aspect_ratio, classes=classes, class_mode=class_mode,
            data_format=self.data_format, batch_size=batch_size, shuffle=shuffle, seed=seed,
            save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
            follow_links=follow_links, subset=subset, interpolation=interpolation,
            dtype=self.dtype)

    def flow_from_dataframe(self, dataframe, directory=None, x_col="filename", y_col="class",
                            weight_col=None, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            subset=None, interpolation="nearest", validate_filenames=True,
                            **kwargs):
        """A ``DataFrameIterator`` over the files named in ``dataframe[x_col]``. The deprecated
        ``has_ext``, ``sort`` and ``drop_duplicates`` are accepted with a warning, and
        ``class_mode="other"`` means ``"raw"``, as in Keras."""
        deprecated = {
            "has_ext": "has_ext is deprecated, filenames in the dataframe have to match the "
                       "exact filenames in disk.",
            "sort": "sort is deprecated, batches will be created in the same order than the "
                    "filenames provided if `shuffle` is set to `False`.",
            "drop_duplicates": "drop_duplicates is deprecated, you can drop duplicates by "
                               "using the pandas.DataFrame.drop_duplicates method.",
        }
        unknown = sorted(set(kwargs) - set(deprecated))
        if unknown:
            raise TypeError("flow_from_dataframe() got unexpected keyword arguments: "
                            f"{unknown}")
        for key, message in deprecated.items():
            if key in kwargs:
                warnings.warn(message, DeprecationWarning)
        if class_mode == "other":
            warnings.warn('`class_mode="other"` is deprecated, please use `class_mode="raw"`.',
                          DeprecationWarning)
            class_mode = "raw"
        from .dataframe_iterator import DataFrameIterator

        return DataFrameIterator(
            dataframe, directory, self, x_col=x_col, y_col=y_col, weight_col=weight_col,
            target_size=target_size, color_mode=color_mode, classes=classes,
            class_mode=class_mode, data_format=self.data_format, batch_size=batch_size,
            shuffle=shuffle, seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, subset=subset, interpolation=interpolation,
            validate_filenames=validate_filenames, dtype=self.dtype)

    # -- normalization -----------------------------------------------------------------------

    def standardize(self, x):
        """``x`` (one image; the iterators call it per image) normalized **in place** where it
        can be, as Keras does: ``preprocessing_function``, ``* rescale``, ``- mean(x)``,
        ``/ (std(x) + 1e-6)``, ``- self.mean``, ``/ (self.std + 1e-6)``, then ZCA whitening of
        the flattened image. On a batch, as in Keras, the samplewise mean and std span the
        whole batch, not each image. Pass ``np.copy(x)`` to keep ``x``."""
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                _needs_fit_warning("featurewise_center")
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= self.std + 1e-6
            else:
                _needs_fit_warning("featurewise_std_normalization")
        if self.zca_whitening:
            if self._zca_matrix is not None or self._zca_factors is not None:
                x = np.reshape(self._whiten(x.reshape(-1, math.prod(x.shape[-3:]))), x.shape)
            else:
                _needs_fit_warning("zca_whitening")
        return x

    def _whiten(self, flat):
        """``flat @ zca_whitening_matrix``, from the factors when ``fit`` made them:
        ``((flat @ U) * s_inv) @ U.T`` (D x k and k numbers, k = min(N, D), rather than D x D)."""
        if self._zca_matrix is not None:
            return flat @ self._zca_matrix
        u, s_inv = self._zca_factors
        return ((flat @ u) * s_inv) @ u.T

    @property
    def zca_whitening_matrix(self):
        """The D x D ZCA matrix ``U diag(s_inv) U^T`` (D = H * W * C), built on request from the
        factors ``fit`` keeps (None before ``fit``); a MemoryError above 2 GiB. ``standardize``
        never builds it: it whitens with the factors."""
        if self._zca_matrix is None and self._zca_factors is not None:
            u, s_inv = self._zca_factors
            d = u.shape[0]
            needed = d * d * np.result_type(u.dtype, s_inv.dtype).itemsize
            if needed > _ZCA_MATRIX_BYTES:
                raise MemoryError(
                    f"ImageDataGenerator.zca_whitening_matrix: the matrix is D x D with D = {d} "
                    f"(height * width * channels), {needed / 2**30:.1f} GiB, above the "
                    f"{_ZCA_MATRIX_BYTES / 2**30:.0f} GiB this property builds; standardize "
                    "whitens without it (from the factors `_zca_factors` = (U, s_inv)).")
            return (u * s_inv) @ u.T
        return self._zca_matrix

    @zca_whitening_matrix.setter
    def zca_whitening_matrix(self, value):
        self._zca_matrix = value
        self._zca_factors = None

    # -- augmentation ------------------------------------------------------------------------

    def get_random_transform(self, img_shape, seed=None):
        """A dict of random transform parameters for one image of shape ``img_shape``:
        ``theta``, ``tx``, ``ty``, ``shear``, ``zx``, ``zy``, ``flip_horizontal``,
        ``flip_vertical``, ``channel_shift_intensity``, ``brightness``."""
        if seed is None:
            return self._draw_transform(img_shape, np.random)
        rng = getattr(_SEEDED, "rng", None)
        if rng is None:
            rng = _SEEDED.rng = np.random.RandomState()
        rng.seed(seed)  # the stream of RandomState(seed), without building one per image
        return self._draw_transform(img_shape, rng)

    def _draw_transform(self, img_shape, rng):
        # The draws happen in Keras's order, and each only when Keras draws it.
        theta = 0
        if self.rotation_range:
            theta = rng.uniform(-self.rotation_range, self.rotation_range)
        tx = (_draw_shift(rng, self.height_shift_range, img_shape[self.row_axis - 1])
              if self.height_shift_range else 0)
        ty = (_draw_shift(rng, self.width_shift_range, img_shape[self.col_axis - 1])
              if self.width_shift_range else 0)
        shear = rng.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        low, high = self.zoom_range
        if low == 1 and high == 1:
            zx, zy = 1, 1
        else:
            zx, zy = rng.uniform(low, high, 2)
        flip_horizontal = (rng.random() < 0.5) * self.horizontal_flip
        flip_vertical = (rng.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = rng.uniform(-self.channel_shift_range,
                                                  self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = rng.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift_intensity, "brightness": brightness}

    def apply_transform(self, x, transform_parameters):
        """``x`` (one image, rank 3) transformed by ``transform_parameters`` (the keys of
        ``get_random_transform``; missing keys are neutral)."""
        row_axis, col_axis = self.row_axis - 1, self.col_axis - 1
        channel_axis = self.channel_axis - 1
        p = transform_parameters
        x = apply_affine_transform(
            x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0), p.get("shear", 0),
            p.get("zx", 1), p.get("zy", 1), row_axis=row_axis, col_axis=col_axis,
            channel_axis=channel_axis, fill_mode=self.fill_mode, cval=self.cval,
            order=self.interpolation_order)
        return self._finish_transform(x, p)

    def _finish_transform(self, x, p):
        """What ``apply_transform`` does after the affine part: channel shift, flips,
        brightness (in Keras's order)."""
        row_axis, col_axis = self.row_axis - 1, self.col_axis - 1
        channel_axis = self.channel_axis - 1
        if p.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, p["channel_shift_intensity"], channel_axis)
        if p.get("flip_horizontal", False):
            x = np.flip(x, col_axis)
        if p.get("flip_vertical", False):
            x = np.flip(x, row_axis)
        if p.get("brightness") is not None:
            # PIL works on (H, W, C); Keras hands it channels_first arrays unmoved (and fails).
            if channel_axis == 0:
                x = np.moveaxis(apply_brightness_shift(np.moveaxis(x, 0, -1), p["brightness"],
                                                       False), -1, 0)
            else:
                x = apply_brightness_shift(x, p["brightness"], False)
        return x

    def random_transform(self, x, seed=None):
        """``x`` (one image) randomly transformed: ``apply_transform(x,
        get_random_transform(x.shape, seed))``."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Compute the featurewise ``mean`` and ``std`` (per channel) and the ZCA whitening
        matrix ``U diag(sqrt(n) / (s + zca_epsilon)) U^T`` (``U, s`` from the SVD of the
        centred, flattened samples) from ``x`` (rank 4), after ``rescale``; with ``augment``,
        from ``rounds`` randomly transformed copies of ``x``. The ZCA matrix is kept as its
        factors (``U`` D x k, k = min(N, D), and ``s_inv``): ``zca_whitening_matrix`` builds
        it on request. ``x`` is converted to ``dtype`` in one copy."""
        x = np.array(x, dtype=self.dtype)  # the one copy (Keras converts, then copies)
        if x.ndim != 4:
            raise ValueError("Input to `.fit()` should have rank 4. Got array with shape: "
                             f"{x.shape}")
        if x.shape[self.channel_axis] not in {1, 3, 4}:
            warnings.warn(
                "Expected input to be images (as Numpy array) following the data format "
                f'convention "{self.data_format}" (channels on axis {self.channel_axis}), i.e. '
                f"expected either 1, 3 or 4 channels on axis {self.channel_axis}. However, it "
                f"was passed an array with shape {x.shape} ({x.shape[self.channel_axis]} "
                "channels).")
        if len(x) == 0 and (self.featurewise_center or self.featurewise_std_normalization
                            or self.zca_whitening):
            raise ValueError("ImageDataGenerator.fit: expected at least one sample to compute "
                             f"the featurewise statistics from. Received: x of shape {x.shape}")
        rng = np.random if seed is None else np.random.RandomState(seed)
        if self.rescale:
            x *= self.rescale
        if augment:
            augmented = np.zeros((rounds * x.shape[0],) + x.shape[1:], dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    params = self._draw_transform(x[i].shape, rng)
                    augmented[i + r * x.shape[0]] = self.apply_transform(x[i], params)
            x = augmented
        stat_axes = (0, self.row_axis, self.col_axis)
        stat_shape = [1, 1, 1]
        stat_shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=stat_axes), stat_shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=stat_axes), stat_shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            n = len(x)
            flat = np.reshape(x, (n, -1))
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            s_inv = np.sqrt(n) / (s + self.zca_epsilon)
            self._zca_matrix = None
            self._zca_factors = (u, s_inv)  # the matrix (u * s_inv) @ u.T, kept factored
