"""``PyDatasetAdapter``: a ``keras.utils.PyDataset`` (``Sequence``), read in index order.

One pass reads ``dataset[0] ... dataset[num_batches - 1]`` (in a new random order each
epoch when ``shuffle`` is true); an endless dataset (``num_batches`` None) is read
until ``__getitem__`` raises ``IndexError``. With ``workers > 1`` the next
``max_queue_size`` batches are requested ahead from a pool of ``workers`` threads, or
processes with ``use_multiprocessing=True`` (``concurrent.futures``; a new pool each
epoch, so that what ``on_epoch_end`` changed reaches the workers; the dataset is
pickled to each worker once per epoch). The pool is shut down at the end of each
pass, also when the pass is left early, and by ``close()``.

``workers=N`` gives exactly the batches of ``workers=1``: when an epoch ends in the middle
of a pass (``steps_per_epoch`` below the pass's length), the batches requested ahead are
cancelled (those being read are waited for and dropped), ``dataset.on_epoch_end()`` runs,
and the same indices are requested again from a fresh pool, so they are read with the
state ``on_epoch_end`` left. Worker processes reseed NumPy's global generator with fresh
entropy when they start (forked workers would otherwise all repeat the parent's stream,
every epoch), and a dataset may define ``_prepare_worker_processes()``, called in the
parent before each pool of processes starts (e.g. to load compiled code once, not in
every fresh worker).
"""

import collections
import concurrent.futures
import itertools
import multiprocessing

import numpy as np

from ... import backend
from .data_adapter import DataAdapter
from .generator_data_adapter import to_numpy_leaves

_WORKER_DATASET = None


def _init_worker(dataset):
    global _WORKER_DATASET
    _WORKER_DATASET = dataset
    # fresh entropy: a forked worker starts from the parent's random states (NumPy's global
    # one and shenjing's, behind keras.random, Dropout and unseeded augmentation layers)
    np.random.seed()
    backend.set_seed(None)


def _get_item(index):
    return _WORKER_DATASET[index]


class PyDatasetAdapter(DataAdapter):
    def __init__(self, dataset, shuffle=False, class_weight=None):
        self.dataset = dataset
        self.shuffle = bool(shuffle)
        self.current_index = None  # the index of the batch last yielded (errors name it)
        self.class_weight = class_weight
        self.num_batches = dataset.num_batches
        if self.num_batches == 0:
            raise ValueError(f"Expected a PyDataset with at least one batch. Received: "
                             f"len({type(dataset).__name__}) == 0")
        self._executor = None
        self._queue = collections.deque()  # (index, future) requested ahead, in order
        self._pending = iter(())  # the indices of the pass not requested yet
        self._pass = None

    def on_epoch_begin(self):
        self.dataset.on_epoch_begin()

    def on_epoch_end(self):
        if not self._queue:
            self.dataset.on_epoch_end()
            return
        # Mid-pass: what was read ahead used the state before on_epoch_end; read it again.
        indices = [index for index, _ in self._queue]
        for _, future in self._queue:
            future.cancel()
        self._queue.clear()
        self._shutdown()  # waits for the running reads
        self.dataset.on_epoch_end()
        self._pending = itertools.chain(indices, self._pending)

    def _indices(self):
        if self.num_batches is None:
            return itertools.count()
        order = range(self.num_batches)
        return backend.rng().permutation(self.num_batches).tolist() if self.shuffle else order

    def _make_executor(self):
        workers = self.dataset.workers
        if self.dataset.use_multiprocessing:
            prepare = getattr(self.dataset, "_prepare_worker_processes", None)
            if prepare is not None:
                prepare()  # in the parent: each fresh worker inherits what it loads
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            return concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=context, initializer=_init_worker, initargs=(self.dataset,))
        return concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="py_dataset")

    def _fill(self):
        """Request batches ahead until ``max_queue_size`` are queued (a new pool if needed)."""
        if self._executor is None:
            self._executor = self._make_executor()
        fetch = _get_item if self.dataset.use_multiprocessing else self.dataset.__getitem__
        for index in itertools.islice(self._pending, self.dataset.max_queue_size - len(self._queue)):
            self._queue.append((index, self._executor.submit(fetch, index)))

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
                self.current_index = index
                yield batch
            return
        self._shutdown()
        self._queue.clear()
        self._pending = indices
        token = self._pass = object()  # a pass left behind must not clear a newer one
        try:
            while True:
                if self._pass is not token:
                    raise RuntimeError(f"A newer pass over this {type(self.dataset).__name__} "
                                       "started before this one ended: one pass at a time")
                self._fill()
                if not self._queue:
                    return
                index, future = self._queue.popleft()
                try:
                    batch = future.result()
                except IndexError:
                    if self.num_batches is None:
                        return
                    raise
                self.current_index = index  # named in errors about this batch
                yield batch
        finally:
            if self._pass is token:
                for _, future in self._queue:
                    future.cancel()
                self._queue.clear()
                self._pending = iter(())
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
