"""Preprocessing layers for text: ``TextVectorization``, ``StringLookup``, ``IntegerLookup``.

They work on NumPy arrays of strings or integers (shenjing's Tensors hold numbers) and
give Tensors of indices or of bag-of-tokens rows; their vocabulary is saved in ``.keras``
files as Keras 3 saves it (``assets/<layer path>/vocabulary.txt``).
"""

from .index_lookup import IndexLookup
from .integer_lookup import IntegerLookup
from .string_lookup import StringLookup
from .text_vectorization import TextVectorization

__all__ = ["IndexLookup", "IntegerLookup", "StringLookup", "TextVectorization"]

# Image and numeric preprocessing (issue 12).
from .center_crop import CenterCrop  # noqa: E402
from .normalization import Normalization  # noqa: E402
from .rescaling import Rescaling  # noqa: E402
from .resizing import Resizing  # noqa: E402

__all__ += ["CenterCrop", "Normalization", "Rescaling", "Resizing"]

# Random image augmentation (issue 12).
from .image_augmentation import BaseImageAugmentationLayer  # noqa: E402
from .random_brightness import RandomBrightness  # noqa: E402
from .random_contrast import RandomContrast  # noqa: E402
from .random_crop import RandomCrop  # noqa: E402
from .random_erasing import RandomErasing  # noqa: E402
from .random_flip import RandomFlip  # noqa: E402
from .random_grayscale import RandomGrayscale  # noqa: E402
from .random_rotation import RandomRotation  # noqa: E402
from .random_translation import RandomTranslation  # noqa: E402
from .random_zoom import RandomZoom  # noqa: E402

__all__ += ["BaseImageAugmentationLayer", "RandomBrightness", "RandomContrast", "RandomCrop",
            "RandomErasing", "RandomFlip", "RandomGrayscale", "RandomRotation", "RandomTranslation",
            "RandomZoom"]

# Categorical preprocessing (issue 12).
from .category_encoding import CategoryEncoding  # noqa: E402
from .discretization import Discretization  # noqa: E402
from .hashing import Hashing  # noqa: E402

__all__ += ["CategoryEncoding", "Discretization", "Hashing"]
