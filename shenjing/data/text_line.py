"""``tf.data.TextLineDataset(filenames)``: the lines of one or more text files, in order, each a
bytes scalar (``np.bytes_``) without its line ending, as TensorFlow yields them."""

import os

import numpy as np

from .dataset import Dataset


class TextLineDataset(Dataset):
    """``TextLineDataset(filenames, compression_type=None, buffer_size=None,
    num_parallel_reads=None, name=None)``; files are read lazily, again on every pass."""

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name=None):
        if isinstance(filenames, (str, bytes, os.PathLike)):
            filenames = [filenames]
        names = [os.fsdecode(f) if isinstance(f, (bytes, os.PathLike)) else f
                 for f in np.asarray(filenames, dtype=object).reshape(-1).tolist()]
        if not names or not all(isinstance(f, str) for f in names):
            raise TypeError("Expected `filenames` to be a string or a list of strings. "
                            f"Received: filenames={filenames!r}")
        if compression_type not in (None, ""):
            raise ValueError("TextLineDataset reads uncompressed text only. Received: "
                             f"compression_type={compression_type!r}")
        missing = [f for f in names if not os.path.isfile(f)]
        if missing:
            raise FileNotFoundError(f"TextLineDataset: no such file: {missing[0]!r}")
        self._filenames = names

    def _iterate(self):
        for filename in self._filenames:
            with open(filename, "rb") as f:
                for line in f:
                    yield np.bytes_(line.rstrip(b"\n").rstrip(b"\r"))
