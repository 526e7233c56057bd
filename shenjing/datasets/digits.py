"""scikit-learn's 1,797 handwritten digits, 8x8 pixels, that work offline.

``load_data()`` returns ``(x_train, y_train), (x_test, y_test)`` shaped like
``mnist.load_data()``: uint8 images (n, 8, 8) and uint8 labels 0..9. The
file ``load_digits`` reads (``sklearn/datasets/data/digits.csv.gz``) is read
directly, with a bounded read, without importing scikit-learn (a slow import).

The original pixels are counts 0..16 (the number of "on" pixels in each 4x4
block of a 32x32 bitmap). They are scaled to 0..255, ``round(v * 255 / 16)``,
so that the usual ``x / 255`` of MNIST code maps them to [0, 1] unchanged;
``np.round(x / 255 * 16)`` gives the original counts back exactly.

With the defaults the split is stratified, ``round(0.2 * n_c)`` test images of
each class ``c`` (1,438 training and 359 test images), in an order fixed by ``seed``.
"""

import numpy as np

from ._cache import DatasetFormatError
from ._checks import stratified_split
from ._shipped import package_file, read_csv_gz

PACKAGE = "sklearn"
RESOURCE = ("datasets", "data", "digits.csv.gz")
ROWS, COLUMNS = 1797, 8 * 8 + 1
MAX_TEXT_BYTES = 1 << 20  # the real file holds 264,712 bytes of text
REINSTALL = "reinstall scikit-learn (pip install --force-reinstall scikit-learn)"


def data_path():
    """Where the installed scikit-learn keeps ``digits.csv.gz`` (what ``load_digits`` reads)."""
    return package_file(PACKAGE, RESOURCE, "scikit-learn", "shenjing.datasets.digits")


def read_csv(path):
    """Counts (1797, 8, 8) in 0..16 and labels (1797,) in 0..9, as int64, from scikit-learn's CSV."""
    table = read_csv_gz(path, ROWS, COLUMNS, MAX_TEXT_BYTES, REINSTALL)
    counts, labels = table[:, :-1], table[:, -1]
    if not (0 <= counts.min() and counts.max() <= 16 and 0 <= labels.min() and labels.max() <= 9):
        raise DatasetFormatError(path, f"pixels must lie in 0..16 and labels in 0..9, found pixels in "
                                       f"{counts.min()}..{counts.max()} and labels in {labels.min()}.."
                                       f"{labels.max()}; the file is damaged: {REINSTALL}")
    return counts.reshape(-1, 8, 8), labels


def load_data(test_split=0.2, seed=113):
    """Split the 1,797 digits stratified by class; ``seed`` fixes which and in what order."""
    counts, labels = read_csv(data_path())
    images = np.round(counts * (255.0 / 16.0)).astype(np.uint8)
    labels = labels.astype(np.uint8)
    train, test = stratified_split(labels, test_split, seed)
    return (images[train], labels[train]), (images[test], labels[test])
