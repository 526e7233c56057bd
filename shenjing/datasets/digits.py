"""scikit-learn's 1,797 handwritten digits, 8x8 pixels, that work offline.

``load_data()`` returns ``(x_train, y_train), (x_test, y_test)`` shaped like
``mnist.load_data()``: uint8 images (n, 8, 8) and uint8 labels 0..9.

The original pixels are counts 0..16 (the number of "on" pixels in each 4x4
block of a 32x32 bitmap). They are scaled to 0..255, ``round(v * 255 / 16)``,
so that the usual ``x / 255`` of MNIST code maps them to [0, 1] unchanged;
``np.round(x / 255 * 16)`` gives the original counts back exactly.

With the defaults the split is stratified, ``round(0.2 * n_c)`` test images of
each class ``c`` (1,438 training and 359 test images), in an order fixed by ``seed``.
"""

import numpy as np

from ._checks import stratified_split


def load_data(test_split=0.2, seed=113):
    """Split the 1,797 digits stratified by class; ``seed`` fixes which and in what order."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError(
            "shenjing.datasets.digits reads the digits shipped with scikit-learn, "
            "which is not installed: pip install scikit-learn"
        ) from None
    bunch = load_digits()
    images = np.round(bunch.images * (255.0 / 16.0)).astype(np.uint8)
    labels = bunch.target.astype(np.uint8)
    train, test = stratified_split(labels, test_split, seed)
    return (images[train], labels[train]), (images[test], labels[test])
