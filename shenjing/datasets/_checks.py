"""What the image loaders expect of a file, checked before and after reading it, and the
fixed split of the small embedded sets.

A ``Layout`` is what one array of a dataset must look like: its dtype, the
shape of one item, and at most how many items (the real dataset's count).
``check_declared`` compares a file's *declared* dtype and shape with it before
a byte of data is allocated, so a file declaring 10**12 images, or dimensions
whose product overflows int64, is refused from its header; sizes are computed
with Python integers.
"""

import collections
import math

import numpy as np

from ._cache import DatasetFormatError

Layout = collections.namedtuple("Layout", "dtype item_shape max_items")


def shape_text(item_shape):
    return "(" + ", ".join(["n", *map(str, item_shape)]) + ("" if item_shape else ",") + ")"


def check_declared(dtype, shape, layout, path, what, error=DatasetFormatError):
    """Raise ``error`` (a ``DatasetFormatError``) unless ``dtype`` and ``shape`` (as a file
    declares them) fit ``layout``; return the number of bytes the array needs (a Python int)."""
    dtype, shape = np.dtype(dtype), tuple(int(n) for n in shape)
    expected = f"{layout.dtype.name} {'images' if layout.item_shape else 'labels'} of shape {shape_text(layout.item_shape)}"
    if dtype != layout.dtype or len(shape) != 1 + len(layout.item_shape) or shape[1:] != layout.item_shape:
        raise error(path, f"{what}: expected {expected}, found {dtype} of shape {shape}")
    if shape[0] > layout.max_items:
        raise error(
            path, f"{what}: expected {expected} with n <= {layout.max_items} (the real dataset's "
                  f"count), found n = {shape[0]}")
    return math.prod(shape) * dtype.itemsize


def check_images_and_labels(images, labels, num_classes, images_at, labels_at):
    """After reading: as many labels as images, and labels in ``0..num_classes - 1``.

    ``images_at`` and ``labels_at`` are ``(path, what)``: the file and the array in it.
    """
    if len(images) != len(labels):
        raise DatasetFormatError(
            images_at[0], f"{images_at[1]} holds {len(images)} images but {labels_at[1]}"
                          f"{'' if labels_at[0] == images_at[0] else ' in ' + repr(labels_at[0])} "
                          f"holds {len(labels)} labels")
    if labels.size and labels.max() >= num_classes:
        raise DatasetFormatError(
            labels_at[0], f"{labels_at[1]}: labels must lie in 0..{num_classes - 1}, found {int(labels.max())}")


def stratified_split(labels, test_split, seed):
    """Indices ``(train, test)``: ``round(test_split * n_c)`` of each class ``c`` go to test, both shuffled.

    Uses ``np.random.RandomState(seed)``, whose stream NumPy keeps fixed across
    versions, so a given seed gives the same split everywhere.
    """
    if not 0.0 <= test_split < 1.0:
        raise ValueError(f"test_split must be in [0, 1), received: test_split={test_split}")
    rng = np.random.RandomState(seed)
    train, test = [], []
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(test_split * len(members)))
        test.append(members[:n_test])
        train.append(members[n_test:])
    train, test = np.concatenate(train), np.concatenate(test)
    return train[rng.permutation(len(train))], test[rng.permutation(len(test))]


_U8 = np.dtype(np.uint8)
MNIST_LAYOUTS = {  # MNIST and Fashion-MNIST: the most each split may declare
    "x_train": Layout(_U8, (28, 28), 60_000),
    "y_train": Layout(_U8, (), 60_000),
    "x_test": Layout(_U8, (28, 28), 10_000),
    "y_test": Layout(_U8, (), 10_000),
}
