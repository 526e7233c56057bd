"""``keras.preprocessing``: Keras 3 keeps ``keras.preprocessing.image``'s array/PIL helpers
(the same functions as ``keras.utils``) and ``keras.preprocessing.sequence.pad_sequences``."""

from . import image, sequence

__all__ = ["image", "sequence"]
