"""MNIST: 70,000 28x28 grayscale images of handwritten digits.

``load_data()`` returns ``(x_train, y_train), (x_test, y_test)`` as Keras does:
uint8 images of shape (60000, 28, 28) and (10000, 28, 28), uint8 labels 0..9.

Source: Keras's ``mnist.npz`` (keys ``x_train``, ``y_train``, ``x_test``,
``y_test``), read from the cache folder, else downloaded once from ``MIRRORS``
and checked against ``FILE_HASH`` (the SHA-256 that Keras's own loader uses).
"""

import os
import zipfile
import zlib

import numpy as np

from ._cache import DatasetFormatError, cache_root, fetch, mirrors
from ._checks import check_images_and_labels

FILE_NAME = "mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
MIRRORS = ["https://storage.googleapis.com/tensorflow/tf-keras-datasets/"]
KEYS = ("x_train", "y_train", "x_test", "y_test")


def load_data(path=FILE_NAME, *, download=True):
    """Load MNIST; ``path`` is where the file is cached, relative to ``$SHENJING_HOME/datasets``.

    As in Keras, an absolute ``path`` is used as it is, and a missing file is
    downloaded there; with ``download=False`` it raises ``FileNotFoundError`` instead.
    """
    target = os.path.join(cache_root(), os.path.expanduser(os.fspath(path)))
    if not os.path.exists(target):
        hint = (
            f"Put Keras's {FILE_NAME} (from {MIRRORS[0]}{FILE_NAME}) at {target}, "
            f"or set $SHENJING_DATASETS_MIRROR to a reachable copy."
        )
        if not download:
            raise FileNotFoundError(f"MNIST is not in the cache and download=False. {hint}")
        fetch(FILE_NAME, target, FILE_HASH, mirrors(MIRRORS), hint)
    return read_npz(target)


def read_npz(path):
    """The four arrays of a Keras-format ``mnist.npz``, checked (no pickled objects are loaded)."""
    try:
        f = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:  # neither zip nor .npy, or pickled data
        raise DatasetFormatError(f"{path}: not a readable .npz file ({e})") from None
    if not isinstance(f, np.lib.npyio.NpzFile):
        raise DatasetFormatError(
            f"{path}: expected an .npz archive of arrays {KEYS}, found a single .npy array"
        )
    with f:
        missing = [key for key in KEYS if key not in f.files]
        if missing:
            raise DatasetFormatError(f"{path}: missing arrays {missing} (found {sorted(f.files)})")
        try:  # fails on a corrupted member, or on an object array (which would need pickle)
            arrays = {key: f[key] for key in KEYS}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as e:
            raise DatasetFormatError(f"{path}: cannot read its arrays ({e})") from None
    for split in ("train", "test"):
        where = f"{path}[x_{split}]", f"{path}[y_{split}]"
        check_images_and_labels(arrays[f"x_{split}"], arrays[f"y_{split}"], (28, 28), 10, *where)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
