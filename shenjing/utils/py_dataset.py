"""``keras.utils.PyDataset`` (alias ``Sequence``): a dataset of batches indexed by number.

A subclass implements ``__len__`` (the number of batches per epoch) and
``__getitem__(index)`` (batch ``index``: ``x``, ``(x, y)`` or ``(x, y, sample_weight)``),
and may implement ``on_epoch_begin``/``on_epoch_end`` (called by ``fit`` around each
epoch, e.g. to reshuffle). ``super().__init__(workers=1, use_multiprocessing=False,
max_queue_size=10)`` chooses how ``fit`` reads it:

* ``workers=1``: batches are read in order in the training thread;
* ``workers>1``: up to ``max_queue_size`` batches are read ahead by ``workers`` threads
  (or, with ``use_multiprocessing=True``, processes: a new pool each epoch, so that what
  ``on_epoch_end`` changed reaches the workers; the batches come back with ``pickle`` and
  must be picklable; where processes are forked (Linux) each worker inherits the dataset,
  elsewhere the dataset is pickled to it and must be picklable too; state that
  ``__getitem__`` changes in a worker is not seen by the main process).
  Forking a process that runs threads (``prefetch``, BLAS, numba) can in rare cases leave a
  child waiting on a lock that another thread held at the fork; if a worker process hangs,
  use threads (``use_multiprocessing=False``).
  Batches still arrive in index order. With threads, ``__getitem__`` runs in several
  threads at once: it must not change shared state without a lock.

``num_batches`` (default ``len(self)``) may be overridden and return ``None`` for an
endless dataset, as in Keras.
"""


class PyDataset:
    """Base class for datasets of batches; see the module docstring."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        for name, value in (("workers", workers), ("max_queue_size", max_queue_size)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Expected `{name}` to be a positive integer. Received: {name}={value!r}")
        self._workers = workers
        self._use_multiprocessing = bool(use_multiprocessing)
        self._max_queue_size = max_queue_size

    @property
    def workers(self):
        return self.__dict__.get("_workers", 1)

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        return self.__dict__.get("_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        return self.__dict__.get("_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(self, index)")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__(self)")

    @property
    def num_batches(self):
        """The number of batches per epoch (``len(self)``); ``None`` for endless data."""
        return len(self)

    def on_epoch_begin(self):
        """Called at the start of every epoch."""

    def on_epoch_end(self):
        """Called at the end of every epoch (e.g. to reshuffle)."""


Sequence = PyDataset
