"""Shape checks shared by the image loaders, and the fixed split of the small embedded sets."""

import numpy as np

from ._cache import DatasetFormatError


def check_images_and_labels(images, labels, image_shape, num_classes, images_from, labels_from):
    """Raise ``DatasetFormatError`` unless images are uint8 ``(n, *image_shape)``, labels uint8 ``(n,)``."""
    if images.dtype != np.uint8 or images.ndim != 1 + len(image_shape) or images.shape[1:] != image_shape:
        raise DatasetFormatError(
            f"{images_from}: expected uint8 images of shape (n, {', '.join(map(str, image_shape))}), "
            f"found {images.dtype} of shape {images.shape}"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise DatasetFormatError(
            f"{labels_from}: expected uint8 labels of shape (n,), "
            f"found {labels.dtype} of shape {labels.shape}"
        )
    if len(images) != len(labels):
        raise DatasetFormatError(
            f"{images_from} holds {len(images)} images but {labels_from} holds {len(labels)} labels"
        )
    if labels.size and labels.max() >= num_classes:
        raise DatasetFormatError(
            f"{labels_from}: labels must lie in 0..{num_classes - 1}, found {int(labels.max())}"
        )


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
