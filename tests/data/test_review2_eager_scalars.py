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


def test_transforms_pass_plain_elements_and_wrap_only_at_the_end(monkeypatch):
    # Each transform reads its input's plain elements; only the outer iteration makes
    # EagerArrays (wrapping at every stage made shuffle+map+batch of 60000 rows 2.5x slower).
    import shenjing.data.dataset as dataset_module
    from shenjing.data.eager import EagerArray, eager_element

    calls, seen = [], []
    monkeypatch.setattr(dataset_module, "eager_element",
                        lambda element: calls.append(1) or eager_element(element))
    ds = (Dataset.from_tensor_slices(np.arange(6)).shuffle(6, seed=1).prefetch(2)
          .map(lambda v: seen.append(type(v)) or v).batch(4)
          .concatenate(Dataset.from_tensor_slices(np.arange(2)[None])).take(3).repeat(1))
    out = list(ds)
    assert len(calls) == len(out) == 3 and all(type(b) is EagerArray for b in out)
    assert seen and all(t is np.int64 for t in seen)
    assert [type(v) for v in ds.as_numpy_iterator()] == [np.ndarray] * 3
