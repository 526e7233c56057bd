"""``keras.preprocessing``: Keras 3 keeps only the image helpers here (``keras.preprocessing.image``)."""

from . import image

__all__ = ["image"]
