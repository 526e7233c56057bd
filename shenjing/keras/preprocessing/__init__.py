"""``keras.preprocessing``: Keras 3 keeps ``keras.preprocessing.image``'s array/PIL helpers
(the same functions as ``keras.utils``), ``keras.preprocessing.sequence.pad_sequences``, and
the dataset builders of ``keras.utils`` under their old names."""

from . import image, sequence
from ...utils.timeseries import timeseries_dataset_from_array
from ...utils.text_dataset import text_dataset_from_directory
from ...utils.image_dataset import image_dataset_from_directory

__all__ = ["image", "sequence", "timeseries_dataset_from_array", "text_dataset_from_directory",
           "image_dataset_from_directory"]
