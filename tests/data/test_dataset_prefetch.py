"""shenjing.data prefetch: order, exceptions from the producer, no thread left behind."""

import gc
import threading
import time

import numpy as np
import pytest

from shenjing.data import AUTOTUNE, Dataset


def settle(baseline, timeout=5.0):
    deadline = time.monotonic() + timeout
    while threading.active_count() > baseline and time.monotonic() < deadline:
        time.sleep(0.01)
    return threading.active_count()


def test_prefetch_keeps_order():
    for size in (1, 3, AUTOTUNE, 0):
        assert [int(v) for v in Dataset.range(50).prefetch(size)] == list(range(50))
    x = np.arange(12).reshape(6, 2)
    batches = list(Dataset.from_tensor_slices((x, np.arange(6))).batch(4).prefetch(2))
    assert batches[1][0].tolist() == [[8, 9], [10, 11]]


def test_prefetch_runs_ahead_in_another_thread():
    producers = []
    ds = Dataset.range(5).map(lambda v: producers.append(threading.current_thread().name) or v)
    list(ds.prefetch(2))
    assert producers and all(name == "shenjing-data-prefetch" for name in producers)


def test_early_break_leaves_no_thread():
    baseline = threading.active_count()
    for _ in range(3):
        for value in Dataset.range(10 ** 6).prefetch(4):
            if value == 5:
                break
    gc.collect()
    assert settle(baseline) == baseline
    for _ in Dataset.range(10 ** 6).repeat().map(lambda v: v, num_parallel_calls=3).prefetch(2):
        break
    gc.collect()
    assert settle(baseline) == baseline


def test_dropped_iterator_and_take_leave_no_thread():
    baseline = threading.active_count()
    it = iter(Dataset.range(100).prefetch(2))
    next(it)
    del it
    gc.collect()
    assert [int(v) for v in Dataset.range(100).prefetch(3).take(4)] == [0, 1, 2, 3]
    assert settle(baseline) == baseline


def test_producer_exception_is_raised_in_the_consumer_in_order():
    def fail_at_4(v):
        if v == 4:
            raise KeyError("element four")
        return v

    baseline = threading.active_count()
    it = iter(Dataset.range(10).map(fail_at_4).prefetch(8))
    assert [int(next(it)) for _ in range(4)] == [0, 1, 2, 3]
    with pytest.raises(KeyError, match="element four"):
        next(it)
    del it
    assert settle(baseline) == baseline

    def gen():
        yield 1
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        list(Dataset.from_generator(gen).prefetch(1))


def test_prefetch_argument_errors():
    with pytest.raises(ValueError, match="buffer_size"):
        Dataset.range(3).prefetch(-3)
    with pytest.raises(TypeError, match="buffer_size"):
        Dataset.range(3).prefetch("2")
