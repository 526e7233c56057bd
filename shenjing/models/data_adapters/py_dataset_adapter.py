"""``PyDatasetAdapter``: a ``keras.utils.PyDataset`` (``Sequence``), read in index order.

One pass reads ``dataset[0] ... dataset[num_batches - 1]`` (in a new random order each
epoch when ``shuffle`` is true); an endless dataset (``num_batches`` None) is read
until ``__getitem__`` raises ``IndexError``. With ``workers > 1`` the next
``max_queue_size`` batches are requested ahead from a pool of ``workers`` threads, or
processes with ``use_multiprocessing=True`` (``concurrent.futures``; a new pool each
epoch, so that what ``on_epoch_end`` changed reaches the workers; the dataset is
pickled to each worker once per epoch). The pool is shut down at the end of each
pass, also when the pass is left early, and by ``close()``.
"""

import collections
import concurrent.futures
import itertools
import multiprocessing

from ... import backend
from .data_adapter import DataAdapter
from .generator_data_adapter import to_numpy_leaves

_WORKER_DATASET = None


def _init_worker(dataset):
    global _WORKER_DATASET
    _WORKER_DATASET = dataset


def _get_item(index):
    return _WORKER_DATASET[index]


class PyDatasetAdapter(DataAdapter):
    def __init__(self, dataset, shuffle=False, class_weight=None):
        self.dataset = dataset
        self.shuffle = bool(shuffle)
        self.class_weight = class_weight
        self.num_batches = dataset.num_batches
        if self.num_batches == 0:
            raise ValueError(f"Expected a PyDataset with at least one batch. Received: "
                             f"len({type(dataset).__name__}) == 0")
        self._executor = None

    def on_epoch_begin(self):
        self.dataset.on_epoch_begin()

    def on_epoch_end(self):
        self.dataset.on_epoch_end()

    def _indices(self):
        if self.num_batches is None:
            return itertools.count()
        order = range(self.num_batches)
        return backend.rng().permutation(self.num_batches).tolist() if self.shuffle else order

    def _make_executor(self):
        workers = self.dataset.workers
        if self.dataset.use_multiprocessing:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            return concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=context, initializer=_init_worker, initargs=(self.dataset,))
        return concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="py_dataset")

    def _read(self):
        indices = iter(self._indices())
        if self.dataset.workers <= 1:
            for index in indices:
                try:
                    batch = self.dataset[index]
                except IndexError:
                    if self.num_batches is None:
                        return
                    raise
                yield batch
            return
        executor = self._executor = self._make_executor()
        fetch = _get_item if self.dataset.use_multiprocessing else self.dataset.__getitem__
        queue = collections.deque()
        try:
            for index in itertools.islice(indices, self.dataset.max_queue_size):
                queue.append(executor.submit(fetch, index))
            while queue:
                future = queue.popleft()
                try:
                    batch = future.result()
                except IndexError:
                    if self.num_batches is None:
                        return
                    raise
                for index in itertools.islice(indices, 1):
                    queue.append(executor.submit(fetch, index))
                yield batch
        finally:
            for future in queue:
                future.cancel()
            self._shutdown()

    def _shutdown(self):
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def get_numpy_iterator(self):
        batches = (to_numpy_leaves(b) for b in self._read())
        return self._with_class_weight(batches) if self.class_weight is not None else batches

    def close(self):
        self._shutdown()
