"""``DataFrameIterator``: batches of images whose paths and labels are in a pandas DataFrame
(``ImageDataGenerator.flow_from_dataframe``).

``x_col`` holds file paths (joined to ``directory`` when given); ``y_col`` the labels:
class names (``"binary"``, ``"sparse"``) or names / lists of names (``"categorical"``, one-hot
with several ones for a list), any values (``"raw"``: ``df[y_col].values``), one column per
output (``"multi_output"``, ``y_col`` a list); ``weight_col`` numeric sample weights. With
``validate_filenames`` rows whose file is missing or has another extension are dropped with a
warning. Classes are ``classes`` (rows of other classes dropped) or the sorted labels found.
``subset`` keeps the first ``validation_split`` of the rows ("validation") or the rest.
"""

import os
import warnings

import numpy as np

from .batch_from_files import BatchFromFilesMixin
from .iterator import Iterator

_NO_CLASSES = ("input", "multi_output", "raw", None)  # class modes without class indices


def validate_filename(filename, white_list_formats):
    """Whether ``filename`` has an allowed extension and is a file."""
    return filename.lower().endswith(white_list_formats) and os.path.isfile(filename)


class DataFrameIterator(BatchFromFilesMixin, Iterator):
    """Iterator over the images listed in ``dataframe`` (see the module docstring)."""

    allowed_class_modes = {"binary", "categorical", "input", "multi_output", "raw", "sparse", None}

    def __init__(self, dataframe, directory=None, image_data_generator=None, x_col="filename",
                 y_col="class", weight_col=None, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True, seed=None,
                 data_format="channels_last", save_to_dir=None, save_prefix="", save_format="png",
                 subset=None, interpolation="nearest", keep_aspect_ratio=False, dtype="float32",
                 validate_filenames=True):
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format,
                                  save_to_dir, save_prefix, save_format, subset, interpolation,
                                  keep_aspect_ratio)
        if not (hasattr(dataframe, "copy") and hasattr(dataframe, "iloc")):
            raise TypeError("flow_from_dataframe: expected `dataframe` to be a pandas DataFrame. "
                            f"Received: {type(dataframe).__name__}")
        df = dataframe.copy()
        self.directory = directory or ""
        self.class_mode = class_mode
        self.dtype = dtype
        self._check_params(df, x_col, y_col, weight_col, classes)
        if validate_filenames:
            df = self._filter_valid_filepaths(df, x_col)
        if class_mode not in _NO_CLASSES:
            df, classes = self._filter_classes(df, y_col, classes)
            self.class_indices = dict(zip(classes, range(len(classes))))
        if self.split:
            df = df.iloc[int(self.split[0] * len(df)):int(self.split[1] * len(df)), :]
        if class_mode not in _NO_CLASSES:
            self.classes = self.get_classes(df, y_col)
        self.filenames = df[x_col].tolist()
        self._sample_weight = df[weight_col].values if weight_col else None
        if class_mode == "multi_output":
            self._targets = [np.array(df[col].tolist()) for col in y_col]
        if class_mode == "raw":
            self._targets = df[y_col].values
        self.samples = len(self.filenames)
        validated = "validated" if validate_filenames else "non-validated"
        if class_mode in _NO_CLASSES:
            print(f"Found {self.samples} {validated} image filenames.")
        else:
            print(f"Found {self.samples} {validated} image filenames belonging to "
                  f"{len(classes)} classes.")
        self._filepaths = [os.path.join(self.directory, fname) for fname in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _check_params(self, df, x_col, y_col, weight_col, classes):
        mode = self.class_mode
        if mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {mode}; expected one of: "
                             f"{sorted(self.allowed_class_modes, key=str)}")
        if mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f'If class_mode="{mode}", y_col must be a list. Received {type(y_col).__name__}.')
        y_cols = [] if mode in ("input", None) else y_col if isinstance(y_col, list) else [y_col]
        named = [(x_col, "x_col")] + [(c, "y_col") for c in y_cols] + (
            [(weight_col, "weight_col")] if weight_col else [])
        for col, role in named:
            if col not in df.columns:
                raise KeyError(f"flow_from_dataframe: no column {col!r} ({role}) in the dataframe. "
                               f"Its columns: {list(df.columns)}")
        if not all(isinstance(v, str) for v in df[x_col]):
            raise TypeError(f"All values in column x_col={x_col} must be strings.")
        if mode in {"binary", "sparse"} and not all(isinstance(v, str) for v in df[y_col]):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be strings.')
        if mode == "binary":
            if classes:
                if len(set(classes)) != 2:
                    raise ValueError('If class_mode="binary" there must be 2 classes. '
                                     f"{len(set(classes))} class/es were given.")
            elif df[y_col].nunique() != 2:
                raise ValueError('If class_mode="binary" there must be 2 classes. '
                                 f"Found {df[y_col].nunique()} classes.")
        if mode == "categorical" and not all(isinstance(v, (str, list, tuple)) for v in df[y_col]):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be type '
                            "string, list or tuple.")
        if classes and mode in _NO_CLASSES:
            warnings.warn(f'`classes` will be ignored given the class_mode="{mode}"', stacklevel=3)
        if weight_col and not issubclass(df[weight_col].dtype.type, np.number):
            raise TypeError(f"Column weight_col={weight_col} must be numeric.")

    def get_classes(self, df, y_col):
        """The class index (or list of indices, for a multi-label row) of every row."""
        return [[self.class_indices[lbl] for lbl in label] if isinstance(label, (list, tuple))
                else self.class_indices[label] for label in df[y_col]]

    @staticmethod
    def _filter_classes(df, y_col, classes):
        """``df`` without the rows none of whose labels are in ``classes`` (labels of other
        classes removed from list rows), and the classes (the sorted labels if not given)."""
        df = df.copy()

        def keep(labels):
            if isinstance(labels, (list, tuple)):
                return [c for c in labels if c in wanted] or None
            if isinstance(labels, str):
                return labels if labels in wanted else None
            raise TypeError(f"Expect string, list or tuple but found {type(labels)} in {y_col} column ")

        if classes:
            classes = list(dict.fromkeys(classes))
            wanted = set(classes)
            df[y_col] = df[y_col].apply(keep)
        else:
            found = set()
            for v in df[y_col]:
                if isinstance(v, (list, tuple)):
                    found.update(v)
                else:
                    found.add(v)
            classes = sorted(found)
        return df.dropna(subset=[y_col]), classes

    def _filter_valid_filepaths(self, df, x_col):
        """The rows of ``df`` whose file exists and has an allowed extension."""
        mask = np.array([validate_filename(os.path.join(self.directory, f), self.white_list_formats)
                         for f in df[x_col]], dtype=bool)
        if (~mask).sum():
            warnings.warn(f'Found {(~mask).sum()} invalid image filename(s) in x_col="{x_col}". '
                          "These filename(s) will be ignored.", stacklevel=3)
        return df[mask]

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        return self._targets if self.class_mode in {"multi_output", "raw"} else self.classes

    @property
    def sample_weight(self):
        return self._sample_weight
