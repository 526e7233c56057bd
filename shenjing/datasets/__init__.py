"""Datasets as Keras returns them: ``(x_train, y_train), (x_test, y_test)``."""

from . import fashion_mnist
from .idx import IDXError, parse_idx, read_idx
