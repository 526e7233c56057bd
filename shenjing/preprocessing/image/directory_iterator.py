"""``DirectoryIterator``: batches of images read from class subfolders
(``ImageDataGenerator.flow_from_directory``).

``directory/<class>/**/<file>``: the classes are the subfolders in sorted order (or
``classes``), ``class_indices`` maps each to its index; the files of each class are those
whose lower-cased name ends with one of ``white_list_formats``, walked in sorted order
(subfolders too, symbolic links followed with ``follow_links``); ``filenames`` are relative
to ``directory`` (``"cat/1.png"``). ``subset`` takes the first ``validation_split`` of each
class's files ("validation") or the rest ("training").

Unlike Keras, ``class_mode="binary"`` with other than 2 classes is a ValueError (Keras
yields labels 0, 1, 2, ...; its dataframe iterator refuses, as ours do).
"""

import concurrent.futures
import os
import warnings

import numpy as np

from ... import backend
from ...utils._dataset_index import walk_files
from .batch_from_files import BatchFromFilesMixin
from .iterator import Iterator


def iter_valid_files(directory, white_list_formats, follow_links):
    """``(root, filename)`` of the files under ``directory`` with an allowed extension,
    folders and files in sorted order."""
    for root, fname in walk_files(directory, follow_links, white_list_formats):
        if fname.lower().endswith(".tiff"):
            warnings.warn('Using ".tiff" files with multiple bands will cause distortion. '
                          "Please verify your output.", stacklevel=2)
        yield root, fname


def list_class_files(directory, white_list_formats, split, follow_links):
    """The files of one class folder, relative to its parent (``"cat/sub/1.png"``), limited to
    ``int(split[0] * n):int(split[1] * n)`` when ``split`` is given."""
    files = list(iter_valid_files(directory, white_list_formats, follow_links))
    if split:
        files = files[int(split[0] * len(files)):int(split[1] * len(files))]
    dirname = os.path.basename(directory)
    return [os.path.join(dirname, os.path.relpath(os.path.join(root, fname), directory))
            for root, fname in files]


class DirectoryIterator(BatchFromFilesMixin, Iterator):
    """Iterator over the images of ``directory``'s class subfolders (see the module docstring)."""

    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(self, directory, image_data_generator, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True, seed=None,
                 data_format=None, save_to_dir=None, save_prefix="", save_format="png",
                 follow_links=False, subset=None, interpolation="nearest", keep_aspect_ratio=False,
                 dtype=None):
        data_format = data_format or "channels_last"
        dtype = dtype or backend.floatx()
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format,
                                  save_to_dir, save_prefix, save_format, subset, interpolation,
                                  keep_aspect_ratio)
        self.directory = directory
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {class_mode}; expected one of: "
                             f"{sorted(self.allowed_class_modes, key=str)}")
        self.class_mode = class_mode
        self.dtype = dtype
        if not os.path.isdir(directory):
            raise FileNotFoundError(f"flow_from_directory: expected a directory of class subfolders. "
                                    f"Received: directory={directory!r}, which is not a directory.")
        if not classes:
            classes = [d for d in sorted(os.listdir(directory)) if os.path.isdir(os.path.join(directory, d))]
        missing = [c for c in classes if not os.path.isdir(os.path.join(directory, c))]
        if missing:
            warnings.warn(f"DirectoryIterator: no folder for the classes {missing} in {directory!r}; "
                          "they have no images.", stacklevel=2)
        if class_mode == "binary" and len(classes) != 2:
            # Keras yields labels 0, 1, 2, ... here; the dataframe iterator refuses, as we do
            raise ValueError(f'flow_from_directory: class_mode="binary" expects exactly 2 classes. '
                             f"Received: {len(classes)} classes {list(classes)} in {directory!r}.")
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        folders = [os.path.join(directory, c) for c in classes]
        # os.walk waits on the disk: list the class folders in threads (as Keras does)
        with concurrent.futures.ThreadPoolExecutor(max(1, min(16, len(folders)))) as pool:
            per_class = list(pool.map(
                lambda d: list_class_files(d, self.white_list_formats, self.split, follow_links), folders))
        self.filenames = [f for files in per_class for f in files]
        self.samples = len(self.filenames)
        self.classes = np.repeat(np.arange(len(classes), dtype="int32"), [len(f) for f in per_class])
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, fname) for fname in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        return self.classes

    @property
    def sample_weight(self):
        return None  # the files carry no weights
