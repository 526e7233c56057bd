"""``map``: a function on every element, serially or in a thread pool that keeps the order.

Tuples are unpacked as positional arguments and dicts passed whole, as in TF. The function's
result becomes an element: lists read as tuples, shenjing Tensors (anything with ``.numpy()``)
and array-likes as NumPy arrays. With ``num_parallel_calls`` (an int or ``AUTOTUNE``) up to that
many calls run at once in threads (NumPy releases the GIL in its loops); results still come out
in input order (``deterministic=False`` is accepted and changes nothing). An exception raised by
the function is raised again by the iteration, at that element.
"""

import collections
import os
from concurrent.futures import ThreadPoolExecutor

from . import cardinality as card
from .dataset import Dataset
from .structure import call_unpacked, check_int, to_element


def usable_cores():
    """The cores this process may run on (its CPU affinity where the OS tells it, else
    ``os.cpu_count()``): what ``AUTOTUNE`` means for a thread pool."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def parallelism(num_parallel_calls, name="num_parallel_calls"):
    """None for serial, else the number of worker threads (``AUTOTUNE``: one per CPU core)."""
    if num_parallel_calls is None:
        return None
    value = check_int(num_parallel_calls, name)
    if value == card.AUTOTUNE:
        return usable_cores()
    if value < 1:
        raise ValueError(f"Expected `{name}` to be a positive integer or AUTOTUNE (-1). "
                         f"Received: {name}={value}")
    return value


def check_deterministic(value):
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"Expected `deterministic` to be None or a bool. Received: "
                        f"deterministic={value!r}")
    return value


def ordered_map(iterable, fn, workers, thread_name):
    """``fn`` on each item in ``workers`` threads, results in input order; stopping early
    cancels what has not started and waits for the calls already running (no stray threads)."""
    if workers is None:
        for item in iterable:
            yield fn(item)
        return
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=thread_name)
    pending = collections.deque()
    try:
        for item in iterable:
            pending.append(executor.submit(fn, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True)


class MapDataset(Dataset):
    """``map_func`` applied to every element."""

    def __init__(self, dataset, map_func, num_parallel_calls, deterministic):
        if not callable(map_func):
            raise TypeError(f"Expected `map_func` to be callable. Received: map_func={map_func!r}")
        self._input, self._fn = dataset, map_func
        self._name = getattr(map_func, "__name__", type(map_func).__name__)
        self._where = f"the value returned by the map function {self._name!r}"
        self._workers = parallelism(num_parallel_calls)
        self._deterministic = check_deterministic(deterministic)

    def _apply(self, element):
        try:
            value = call_unpacked(self._fn, element)
        except ValueError as error:
            if "read-only" not in str(error):
                raise
            # TensorFlow's tensors are immutable, so `x /= 255.` there makes a new tensor; here
            # the elements are read-only views of the source data, which must not change.
            raise ValueError(
                f"The map function {self._name!r} changed an element in place ({error}). A "
                "Dataset's elements are read-only views of its source arrays: write `x = x / 255.0` "
                "instead of `x /= 255.0`, or copy first (`x = x.copy()`).") from error
        return to_element(value, self._where, lists="tuple")

    def _iterate(self):
        return ordered_map(self._input._iterate(), self._apply, self._workers, "shenjing-data-map")

    def _cardinality(self):
        return self._input._cardinality()
