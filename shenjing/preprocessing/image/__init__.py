"""The legacy ``keras.preprocessing.image`` classes: ``ImageDataGenerator`` and the iterators
its ``flow``, ``flow_from_directory`` and ``flow_from_dataframe`` return."""

from .iterator import Iterator  # noqa: F401
from .numpy_array_iterator import NumpyArrayIterator  # noqa: F401
from .directory_iterator import DirectoryIterator  # noqa: F401
from .dataframe_iterator import DataFrameIterator  # noqa: F401
