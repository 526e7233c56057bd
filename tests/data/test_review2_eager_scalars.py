"""Review regression: iterated scalars are 0-d EagerArrays; a list of them is one array again
(TF's from_tensor_slices of a list of scalar tensors), as a list of NumPy scalars was."""

import numpy as np

from shenjing.data import Dataset


def test_a_list_of_iterated_scalars_slices_as_one_array():
    labels = [y for _, y in Dataset.from_tensor_slices((np.zeros((3, 2)), np.array([1, 2, 3])))]
    assert list(Dataset.from_tensor_slices(labels).as_numpy_iterator()) == [1, 2, 3]
    floats = list(Dataset.from_tensor_slices(np.array([0.5, 1.5])))
    out = list(Dataset.from_tensor_slices(floats).as_numpy_iterator())
    assert out == [0.5, 1.5] and out[0].dtype == np.float64  # NumPy's dtype kept, not float32


def test_python_floats_still_become_float32():
    assert next(Dataset.from_tensor_slices([0.5, 1.0]).as_numpy_iterator()).dtype == np.float32
