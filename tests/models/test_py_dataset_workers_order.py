"""PyDatasetAdapter with workers > 1: the same batches as workers=1 when an epoch ends in the
middle of a pass (steps_per_epoch < len), fresh NumPy entropy in each worker process, and the
dataset's ``_prepare_worker_processes`` hook called in the parent before forking."""

import warnings

import numpy as np
import pytest

import shenjing.keras as keras
from shenjing.models.data_adapters.py_dataset_adapter import PyDatasetAdapter
from shenjing.models.epoch_iterator import EpochIterator


class EpochStamped(keras.utils.PyDataset):
    """Batch ``i`` is ``(epochs_ended, i)``: a batch read before ``on_epoch_end`` shows it."""

    def __init__(self, n=10, **kwargs):
        super().__init__(**kwargs)
        self.n = n
        self.epochs_ended = 0
        self.prepared = 0

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return np.array([[self.epochs_ended, index]], dtype="float32")

    def on_epoch_end(self):
        self.epochs_ended += 1

    def _prepare_worker_processes(self):
        self.prepared += 1


def _read(workers, use_multiprocessing=False, steps=3, epochs=5):
    data = EpochStamped(workers=workers, use_multiprocessing=use_multiprocessing, max_queue_size=4)
    iterator = EpochIterator(data, steps_per_epoch=steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "ran out of data" at the end of a pass, as workers=1
        out = [batch[0].tolist() for _ in range(epochs) for _, batch in iterator.enumerate_epoch()]
    iterator.close()
    return out, data


@pytest.mark.parametrize("use_multiprocessing", [False, True])
def test_workers_give_the_batches_of_one_worker_mid_pass(use_multiprocessing):
    reference, _ = _read(1)
    # each epoch's batches were read after the previous epoch's on_epoch_end
    assert [stamp for stamp, _ in reference[:6]] == [0, 0, 0, 1, 1, 1]
    for _ in range(3):
        got, data = _read(4, use_multiprocessing)
        assert got == reference
    if use_multiprocessing:
        assert data.prepared >= 1
    else:
        assert data.prepared == 0


def test_adapter_pass_after_epoch_end_rereads_the_queued_indices():
    data = EpochStamped(n=6, workers=3, max_queue_size=5)
    adapter = PyDatasetAdapter(data)
    batches = adapter.get_numpy_iterator()
    assert next(batches).tolist() == [[0, 0]]
    adapter.on_epoch_end()
    assert not adapter._queue and adapter._executor is None
    assert [b.tolist()[0] for b in batches] == [[1, i] for i in range(1, 6)]


class Draws(keras.utils.PyDataset):
    """Each batch is a draw from NumPy's global generator (as unseeded augmentation is)."""

    def __len__(self):
        return 8

    def __getitem__(self, index):
        return np.random.uniform(size=(1, 4))


def test_worker_processes_draw_fresh_numbers():
    data = Draws(workers=4, use_multiprocessing=True)
    adapter = PyDatasetAdapter(data)
    first = np.concatenate(list(adapter.get_numpy_iterator()))
    adapter.on_epoch_end()
    second = np.concatenate(list(adapter.get_numpy_iterator()))
    rows = np.concatenate([first, second])
    assert len(np.unique(rows[:, 0])) == len(rows)  # no two batches drew the same numbers
