"""Image iterators read by worker processes and threads: fresh augmentation in each worker when
unseeded, the batches of workers=1 when seeded (also with steps_per_epoch < len), the compiled
warp loop loaded in the parent before forking."""

import warnings

import numpy as np
import pytest

from shenjing.backend.kernels import warp
from shenjing.models.data_adapters.py_dataset_adapter import PyDatasetAdapter
from shenjing.models.epoch_iterator import EpochIterator
from shenjing.preprocessing.image import ImageDataGenerator


def test_unseeded_augmentation_differs_between_batches_and_epochs_in_processes():
    x = np.tile(np.arange(36, dtype="float32").reshape(1, 6, 6, 1), (8, 1, 1, 1))
    it = ImageDataGenerator(rotation_range=90).flow(x, batch_size=2, shuffle=False)
    it.workers, it.use_multiprocessing = 4, True
    adapter = PyDatasetAdapter(it)
    e0 = np.concatenate(list(adapter.get_numpy_iterator()))
    adapter.on_epoch_end()
    e1 = np.concatenate(list(adapter.get_numpy_iterator()))
    assert not np.allclose(e0, e1)
    assert not any(np.allclose(e0[:2], e0[k:k + 2]) for k in (2, 4, 6))


def test_unseeded_iterator_rng_is_reseeded_in_a_forked_child():
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    unseeded = ImageDataGenerator().flow(np.zeros((4, 2, 2, 1)), batch_size=2)
    seeded = ImageDataGenerator().flow(np.arange(8.0).reshape(8, 1, 1, 1), batch_size=2, seed=3)
    queue = ctx.Queue()
    children = [ctx.Process(target=_report, args=(unseeded, seeded, queue)) for _ in range(2)]
    for child in children:  # forked: the iterators are inherited, not pickled
        child.start()
    reports = [queue.get(timeout=60) for _ in children]
    for child in children:
        child.join(60)
    (draws_a, order_a), (draws_b, order_b) = reports
    assert draws_a != draws_b and draws_a != _draw(unseeded)
    assert order_a == order_b == seeded[0].ravel().tolist()  # seeded: unchanged by the fork
    # a pickled copy (a spawned worker) also draws its own numbers
    import pickle

    assert _draw(pickle.loads(pickle.dumps(unseeded))) != _draw(unseeded)


def _draw(it):
    return it._rng.randint(2**31, size=4).tolist()


def _report(unseeded, seeded, queue):
    queue.put((_draw(unseeded), seeded[0].ravel().tolist()))


def _labels(workers, use_multiprocessing=False):
    x = np.arange(40, dtype="float32").reshape(40, 1, 1, 1)
    it = ImageDataGenerator(rotation_range=30).flow(x, np.arange(40), batch_size=4, seed=7)
    it.workers, it.use_multiprocessing = workers, use_multiprocessing
    iterator = EpochIterator(it, steps_per_epoch=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the pass of 10 batches runs out in the 4th epoch
        out = [by.tolist() for _ in range(4) for _, (bx, by) in iterator.enumerate_epoch()]
    iterator.close()
    return out


@pytest.mark.parametrize("use_multiprocessing", [False, True])
def test_seeded_iterator_with_workers_and_short_epochs_equals_one_worker(use_multiprocessing):
    reference = _labels(1)
    assert _labels(1) == reference
    for _ in range(3 if not use_multiprocessing else 1):
        assert _labels(4, use_multiprocessing) == reference


def test_iterator_loads_the_warp_loop_before_worker_processes(monkeypatch):
    calls = []
    monkeypatch.setattr(warp, "preload", lambda: calls.append(1))
    it = ImageDataGenerator().flow(np.zeros((4, 2, 2, 1)), batch_size=2)
    it.workers, it.use_multiprocessing = 2, True
    adapter = PyDatasetAdapter(it)
    list(adapter.get_numpy_iterator())
    assert calls == [1]
    it.use_multiprocessing = False  # threads share the parent's loaded loop: no hook
    list(adapter.get_numpy_iterator())
    assert calls == [1]


def test_warp_preload_and_concurrent_first_use(monkeypatch):
    import threading
    import time

    from shenjing.backend.kernels import lazy_loop

    module = warp.preload()
    assert module is warp._compiled_loop()
    # while one thread loads it, another waits for it (the same code's values for all threads)
    monkeypatch.setattr(warp._LOOP, "tried", False)
    got = []
    warp._LOOP._loading.acquire()
    try:
        waiter = threading.Thread(target=lambda: got.append(warp._compiled_loop()))
        waiter.start()
        time.sleep(0.2)
        assert waiter.is_alive() and not got
        warp._LOOP.tried = True  # what the loading thread sets when done
    finally:
        warp._LOOP._loading.release()
    waiter.join(5)
    assert got == [module]
    # a process forked while a lock is held gets fresh ones
    warp._LOOP._loading.acquire()
    lazy_loop._fresh_locks()
    assert warp._LOOP._loading.acquire(blocking=False)
    warp._LOOP._loading.release()