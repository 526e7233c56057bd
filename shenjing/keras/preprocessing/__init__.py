"""``keras.preprocessing``: Keras 3 keeps ``keras.preprocessing.image``'s array/PIL helpers
(the same functions as ``keras.utils``)."""

from . import image

__all__ = ["image"]
