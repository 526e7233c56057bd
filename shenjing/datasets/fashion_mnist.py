"""Fashion-MNIST: 70,000 28x28 grayscale images of clothing in 10 classes.

``load_data()`` returns ``(x_train, y_train), (x_test, y_test)`` as Keras does:
uint8 images of shape (60000, 28, 28) and (10000, 28, 28), uint8 labels.
"""

import os

from .idx import read_idx

FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"


def cache_dir():
    """``$SHENJING_HOME/datasets/fashion-mnist`` (default ``~/.shenjing/datasets/fashion-mnist``)."""
    home = os.environ.get("SHENJING_HOME", os.path.join(os.path.expanduser("~"), ".shenjing"))
    return os.path.join(home, "datasets", "fashion-mnist")


def _find(directories):
    for directory in directories:
        if all(os.path.exists(os.path.join(directory, name)) for name in FILES.values()):
            return directory
    return None


def load_data():
    """Read the IDX files from the cache directory or Debian's dataset-fashion-mnist package."""
    places = [cache_dir(), DEBIAN_DIR]
    directory = _find(places)
    if directory is None:
        raise FileNotFoundError(
            "Fashion-MNIST is not available offline. Put the four IDX files "
            f"({', '.join(FILES.values())}) in {places[0]}, or install the Debian package "
            f"dataset-fashion-mnist (apt-get install dataset-fashion-mnist), which puts them in {DEBIAN_DIR}."
        )
    arrays = {key: read_idx(os.path.join(directory, name)) for key, name in FILES.items()}
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
