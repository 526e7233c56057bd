"""Helpers of ``keras.utils``."""

from .numerical_utils import normalize, to_categorical
