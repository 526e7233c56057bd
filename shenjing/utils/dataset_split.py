"""``split_dataset``: one dataset -> a left and a right ``shenjing.data.Dataset`` (Keras 3's
``keras.utils.split_dataset`` and its checks).

The samples are listed (a ``Dataset`` whose last step is ``batch``, possibly followed by
``prefetch``, is unbatched first, as Keras does with a batched ``tf.data.Dataset``), optionally shuffled with Python's
``random.Random(seed).shuffle`` (the permutation Keras's ``random.seed(seed); random.shuffle``
gives), then ``left = samples[:left_size]`` and ``right = samples[-right_size:]`` (samples in
between, when the sizes add up to less than the total, are left out). Float sizes are fractions
of the total, rounded with Python's ``round``; a missing size is the complement of the other.
Both splits are re-batched by the input's batch size when it was batched.
"""

import numbers
import random

import numpy as np

from .. import backend
from ..backend.tree import lists_to_tuples
from ..data import Dataset
from ..data.batching import BatchDataset, stack
from ..data.prefetching import PrefetchDataset


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None,
                  preferred_backend=None):
    """Split ``dataset`` (an array; a list or tuple of arrays of the same length; a dict of
    such arrays; or a ``shenjing.data.Dataset``) into two ``shenjing.data.Dataset`` objects
    of ``left_size`` and ``right_size`` samples (ints, or floats in (0, 1)).
    ``preferred_backend`` (Keras 3.15) is accepted for the backends whose datasets Keras would
    return ("tensorflow", "jax", "numpy", None: shenjing Datasets all); "torch" is refused."""
    if preferred_backend not in (None, "tensorflow", "jax", "numpy"):
        if preferred_backend == "torch":
            raise NotImplementedError("split_dataset(preferred_backend='torch') would return "
                                      "torch.utils.data datasets; shenjing returns its own "
                                      "Datasets: leave preferred_backend=None.")
        raise ValueError("Expected `preferred_backend` to be one of None, 'tensorflow', 'jax', "
                         f"'numpy', 'torch'. Received: preferred_backend={preferred_backend!r}")
    kind = _kind(dataset)
    if kind is None:
        raise TypeError("The `dataset` argument must be either a `shenjing.data.Dataset` object, "
                        "or a list/tuple/dict of arrays, or an array. "
                        f"Received: dataset={dataset} of type {type(dataset)}")
    if right_size is None and left_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    samples = _samples(dataset, kind)
    if shuffle:
        random.Random(backend.python_random().randint(0, int(1e6)) if seed is None else seed).shuffle(samples)
    left_size, right_size = split_sizes(left_size, right_size, len(samples))
    batched = _batched(dataset)
    batch_size = batched._size if batched is not None else None
    return tuple(_dataset(part, kind, batch_size)
                 for part in (samples[:left_size], samples[-right_size:]))


def _batched(dataset):
    """The ``BatchDataset`` that ends ``dataset``, looking through ``prefetch`` (as
    ``image_dataset_from_directory`` returns), else None."""
    while isinstance(dataset, PrefetchDataset):
        dataset = dataset._input
    return dataset if isinstance(dataset, BatchDataset) else None


def _kind(dataset):
    for kind in (tuple, list, dict, np.ndarray, Dataset):
        if isinstance(dataset, kind):
            return kind
    return None


def _samples(dataset, kind):
    """The list of samples (tuples for a list or tuple of arrays, dicts for a dict)."""
    if kind in (tuple, list, dict):
        what = {tuple: "tuple", list: "list", dict: "dict"}[kind]
        columns = list(dataset.values()) if kind is dict else list(dataset)
        if not columns:
            raise ValueError(f"Received an empty {what} dataset. Please provide a non-empty "
                             f"{what} of arrays.")
        expected = None
        keys = list(dataset) if kind is dict else range(len(columns))
        for key, column in zip(keys, columns):
            if not isinstance(column, np.ndarray):
                raise ValueError(f"Expected a {what} of `numpy.ndarray` objects, Received: "
                                 f"{type(column)} at index {key!r}.")
            if column.ndim == 0:
                raise ValueError(f"Expected arrays with a first (sample) axis, Received: an array "
                                 f"of shape () at index {key!r}.")
            if expected is None:
                expected = column.shape
            elif column.shape[0] != expected[0]:
                raise ValueError(f"Received a {what} of NumPy arrays with different lengths. "
                                 f"Mismatch found at index {key!r}, Expected shape={expected} "
                                 f"Received shape={column.shape}. Please provide a {what} of "
                                 "NumPy arrays of the same length.")
        if kind is dict:
            names = list(dataset)
            samples = [dict(zip(names, row)) for row in zip(*columns)]
        else:
            samples = list(zip(*columns))
    else:
        if _batched(dataset) is not None:
            dataset = dataset.unbatch()
        samples = list(dataset)
    if not samples:
        raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty "
                         "list/tuple of `numpy.ndarray` objects or a `shenjing.data.Dataset`.")
    if isinstance(samples[0], np.ndarray):
        shape = samples[0].shape
        for i, sample in enumerate(samples):
            if np.shape(sample) != shape:
                raise ValueError(f"All `dataset` samples must have same shape, Expected shape: "
                                 f"{shape} Received shape: {np.shape(sample)} at index {i}.")
    return samples


def _dataset(samples, kind, batch_size):
    if kind is np.ndarray:
        part = Dataset.from_tensor_slices(np.stack(samples))
    else:
        part = Dataset.from_tensor_slices(lists_to_tuples(stack([_arrays(s) for s in samples])))
    return part if batch_size is None else part.batch(batch_size)


def _arrays(sample):
    """A sample with NumPy scalars / arrays as its leaves (Python numbers from a generator)."""
    if isinstance(sample, dict):
        return {k: _arrays(v) for k, v in sample.items()}
    if isinstance(sample, (list, tuple)):
        return type(sample)(_arrays(v) for v in sample)
    return sample if hasattr(sample, "dtype") else np.asarray(sample)


def _size_type(size):
    if size is None:
        return None, None
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, numbers.Real):
        return size, "invalid"
    if isinstance(size, numbers.Integral):
        return int(size), int
    return float(size), float


def split_sizes(left_size, right_size, total_length):
    """``(left, right)`` sample counts from the sizes asked for (Keras's checks and messages)."""
    left, left_type = _size_type(left_size)
    right, right_type = _size_type(right_size)
    if left_type == "invalid" and right_type == "invalid":
        raise TypeError("Invalid `left_size` and `right_size` Types. Expected: integer or float "
                        f"or None, Received: type(left_size)={type(left_size)} and "
                        f"type(right_size)={type(right_size)}")
    if left_type == "invalid":
        raise TypeError("Invalid `left_size` Type. Expected: int or float or None, "
                        f"Received: type(left_size)={type(left_size)}.")
    if right_type == "invalid":
        raise TypeError("Invalid `right_size` Type. Expected: int or float or None, "
                        f"Received: type(right_size)={type(right_size)}.")
    if left == 0 and right == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the split "
                         "sizes must be non-zero.")
    for value, kind, name, sep in ((left, left_type, "left_size", ","),
                                   (right, right_type, "right_size", " and")):
        if (kind is int and not 0 < value < total_length) or (kind is float and not 0 < value < 1):
            raise ValueError(f"`{name}` should be either a positive integer{sep} smaller than "
                             f"{total_length}, or a float within the range `[0, 1]`. "
                             f"Received: {name}={value}")
    if left_type is float and right_type is float and left + right > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be "
                         "less than or equal to 1.")
    if left_type is float:
        left = round(left * total_length)
    if right_type is float:
        right = round(right * total_length)
    if left is None:
        left = total_length - right
    elif right is None:
        right = total_length - left
    if left + right > total_length:
        raise ValueError("The sum of `left_size` and `right_size` should be smaller than the "
                         f"{total_length}. Received: left_size + right_size = {left + right} "
                         f"and total_length = {total_length}")
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"With `dataset` of length={total_length}, `left_size`={left} and "
                             f"`right_size`={right}. Resulting {side} side dataset split will be "
                             "empty. Adjust any of the aforementioned parameters")
    return int(left), int(right)
