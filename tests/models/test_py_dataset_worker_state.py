"""PyDatasetAdapter: worker processes draw fresh numbers from shenjing's generator too, and a
pass superseded by a newer one stops instead of reading the newer pass's batches."""

import numpy as np
import pytest

import shenjing.keras as keras
from shenjing.models.data_adapters.py_dataset_adapter import PyDatasetAdapter


class Draws(keras.utils.PyDataset):
    def __len__(self):
        return 8

    def __getitem__(self, index):
        return np.array([[float(np.asarray(keras.random.uniform((1,)))[0])]])


def test_worker_processes_reseed_shenjings_generator():
    adapter = PyDatasetAdapter(Draws(workers=4, use_multiprocessing=True))
    first = np.concatenate(list(adapter.get_numpy_iterator())).ravel()
    adapter.on_epoch_end()
    second = np.concatenate(list(adapter.get_numpy_iterator())).ravel()
    adapter.close()
    assert len(set(first.tolist())) == 8
    assert not set(first.tolist()) & set(second.tolist())


class Counting(keras.utils.PyDataset):
    def __init__(self):
        super().__init__(workers=2)

    def __len__(self):
        return 6

    def __getitem__(self, index):
        return np.array([[index]])


def test_a_superseded_pass_stops_instead_of_stealing_batches():
    adapter = PyDatasetAdapter(Counting())
    old = adapter.get_numpy_iterator()
    assert int(next(old)[0, 0]) == 0
    new = adapter.get_numpy_iterator()
    assert int(next(new)[0, 0]) == 0
    with pytest.raises(RuntimeError, match="newer pass"):
        next(old)
    assert [int(b[0, 0]) for b in new] == [1, 2, 3, 4, 5]
    adapter.close()
