"""Data adapters: one class per kind of data that ``fit``/``evaluate``/``predict`` accept,
and ``get_data_adapter``, which chooses among them."""

import inspect
import types

import numpy as np

from ...backend.tree import flatten
from ...data import Dataset
from ...utils.py_dataset import PyDataset
from . import array_utils
from .array_data_adapter import ArrayDataAdapter
from .data_adapter import DataAdapter, check_no_targets
from .dataset_adapter import DatasetAdapter
from .missing_values import check_no_nan, nan_check
from .generator_data_adapter import GeneratorDataAdapter
from .py_dataset_adapter import PyDatasetAdapter
from .torch_data_loader_adapter import TorchDataLoaderAdapter, is_torch_data_loader

__all__ = ["DataAdapter", "ArrayDataAdapter", "GeneratorDataAdapter", "PyDatasetAdapter", "DatasetAdapter",
           "TorchDataLoaderAdapter", "get_data_adapter", "is_array_like", "check_no_nan", "nan_check",
           "ACCEPTED_KINDS"]

ACCEPTED_KINDS = ("NumPy arrays, shenjing Tensors, or lists/tuples/dicts of them; a Python generator or "
                  "iterator yielding x, (x, y) or (x, y, sample_weight); a keras.utils.PyDataset; a "
                  "shenjing.data.Dataset; or a torch DataLoader")


def _is_array_leaf(leaf):
    return isinstance(leaf, (np.ndarray, np.generic, int, float, bool)) or (
        hasattr(leaf, "shape") and (hasattr(leaf, "__array__") or hasattr(leaf, "data")))


def is_array_like(x):
    """Arrays, Tensors, numbers, or lists/tuples/dicts whose every leaf is one."""
    if isinstance(x, (list, tuple, dict)) and not x:
        return True
    leaves = flatten(x)
    return bool(leaves) and all(_is_array_leaf(leaf) for leaf in leaves)


def is_dataset(x):
    """A ``shenjing.data.Dataset``, or anything shaped like one (``cardinality`` and ``__iter__``)."""
    if isinstance(x, Dataset):
        return True
    return callable(getattr(x, "cardinality", None)) and hasattr(x, "__iter__")


def _is_generator(x):
    if isinstance(x, (str, bytes, dict, list, tuple)) or hasattr(x, "shape"):
        return False
    return isinstance(x, types.GeneratorType) or hasattr(x, "__next__") or hasattr(x, "__iter__")


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None, shuffle=False,
                     class_weight=None, where="fit", check_nan=False):
    """The adapter for ``x`` (and ``y``, ``sample_weight``); a clear error for anything else.
    ``check_nan``: arrays with a NaN in ``x`` are refused here (``missing_values.py``)."""
    if x is None:
        raise ValueError(f"{where}: no data given. Expected x to be {ACCEPTED_KINDS}. Received: x=None")
    if isinstance(x, (list, tuple, dict)) and not flatten(x):
        raise ValueError(f"{where}: no data given. Expected x to be {ACCEPTED_KINDS}. "
                         f"Received: x={x!r:.100} (empty)")
    if class_weight is not None:
        array_utils.check_class_weight(class_weight)  # once, before the first batch
    if isinstance(x, PyDataset):
        check_no_targets("a keras.utils.PyDataset", y, sample_weight)
        return PyDatasetAdapter(x, shuffle=shuffle, class_weight=class_weight)
    if is_torch_data_loader(x):
        check_no_targets("a torch DataLoader", y, sample_weight)
        return TorchDataLoaderAdapter(x, class_weight=class_weight)
    if is_array_like(x):
        return ArrayDataAdapter(x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps_per_epoch,
                                shuffle=shuffle, class_weight=class_weight, where=where,
                                check_nan=check_nan)
    if is_dataset(x):
        check_no_targets("a dataset", y, sample_weight)
        return DatasetAdapter(x, steps_per_epoch=steps_per_epoch, class_weight=class_weight)
    if _is_generator(x):
        check_no_targets("a Python generator or iterator", y, sample_weight)
        return GeneratorDataAdapter(x, class_weight=class_weight)
    hint = ""
    if inspect.isgeneratorfunction(x):
        hint = f" (a generator function: pass the generator it makes, x={x.__name__}(), not the function)"
    raise ValueError(
        f"{where}: unrecognized data type{hint}. Expected x to be {ACCEPTED_KINDS}. "
        f"Received: x={x!r:.100} (of type {type(x).__name__})")
