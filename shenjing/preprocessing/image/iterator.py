"""``Iterator``: the base of the legacy image iterators (``ImageDataGenerator.flow*``).

An iterator is a ``PyDataset`` of ``len = ceil(n / batch_size)`` batches that can also be
walked endlessly with ``next()``. A subclass implements
``_get_batches_of_transformed_samples(index_array)``.

Order of the samples: ``index_array`` is ``arange(n)``, or with ``shuffle`` a permutation
drawn from ``RandomState(seed + total_batches_seen)`` (Keras seeds NumPy's global state with
the same number, so the batches come in Keras's order; NumPy's global state is left alone).
``next()`` draws a new permutation whenever it starts an epoch (``batch_index == 0``);
indexing draws one at the first ``it[i]``, and at every ``on_epoch_end()`` one from
``RandomState((seed, epochs_ended))`` (Keras draws the latter from the global state as the
last batch's augmentation left it, so from the second epoch of indexed reading on, the
orders differ from Keras's).

Random augmentation: when ``seed`` is set, each sample's ``get_random_transform`` gets its own
seed, drawn from the batch's seed (``seed + total_batches_seen`` for ``next()``,
``seed + epochs_ended * len + index`` for ``it[index]``, all modulo 2**32), so that a seeded
iterator repeats its batches, in any batch order, and with several threads when the
generator draws only from the seed it is given (Keras's ``ImageDataGenerator`` seeds NumPy's
global state with it, which threads share). Unseeded, the generator draws as it likes. Keras
passes no seed and lets the generator continue the global stream it seeded per batch, so
seeded augmented batches differ from Keras's; unaugmented ones are equal.

Checked at construction (Keras fails later, or at 2**32 batches): ``batch_size`` a positive
integer, ``seed`` None or an integer in [0, 2**32), ``save_to_dir`` an existing folder. The
files written there are never overwritten (``_save_batch``).

As in Keras 3, ``fit(it, steps_per_epoch=k)`` with ``k < len(it)`` calls ``on_epoch_end`` after
``k`` batches, in the middle of a pass: the rest of the pass is read in the new order.

Speed: like every ``PyDataset``, an iterator is read by ``fit``/``evaluate``/``predict`` in the
training thread; set ``it.workers = 4`` (and ``it.max_queue_size``) to decode and augment
batches ahead in 4 threads (Pillow decodes and resizes with the GIL released), or also
``it.use_multiprocessing = True`` for processes. ``it[i]`` and ``next(it)`` are thread-safe,
and ``workers=N`` gives the batches of ``workers=1``. Processes also run the augmentation's
Python code in parallel, but each epoch starts a new pool (the iterator is handed to each
worker; the compiled warp loop is loaded in the parent first), and every batch comes back
pickled: a float32 batch of 32 images of 224x224x3 is 19 MB to copy; prefer threads unless
the transform is Python-bound. Unseeded iterators draw fresh random numbers in each worker
process (reseeded after the fork).
"""

import os
import threading
import weakref

import numpy as np

from ...utils.py_dataset import PyDataset
from .batch_transform import apply_transform_batch, batchable


_UNSEEDED = weakref.WeakSet()  # iterators whose ``_rng`` is reseeded in a forked child


def _reseed_after_fork():
    for iterator in list(_UNSEEDED):
        iterator._rng = np.random.RandomState()  # fresh entropy; the parent's stream stays its own


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reseed_after_fork)


def check_save_to_dir(save_to_dir, where):
    """``save_to_dir`` must be None or an existing folder (checked up front; Keras fails at the
    first batch)."""
    if save_to_dir is not None and not os.path.isdir(save_to_dir):
        raise FileNotFoundError(f"{where}: expected `save_to_dir` to be an existing directory. "
                                f"Received: save_to_dir={save_to_dir!r}, which is not a directory.")


def check_seed(seed, where):
    """``seed``: None or an integer in [0, 2**32) (NumPy's ``RandomState`` seeds)."""
    if seed is None:
        return None
    if (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
            or not 0 <= seed < 2**32):
        raise ValueError(f"{where}: expected `seed` to be None or an integer in [0, 2**32). "
                         f"Received: seed={seed!r}")
    return int(seed)


class IteratorIndexError(IndexError, ValueError):
    """An index outside ``[-len, len)`` (a ``ValueError`` too, as Keras raises)."""


class Iterator(PyDataset):
    """Base class of the image iterators: ``n`` samples in batches of ``batch_size``,
    reshuffled each epoch when ``shuffle`` (seeded by ``seed``); ``**kwargs`` go to
    ``PyDataset`` (``workers``, ``use_multiprocessing``, ``max_queue_size``)."""

    white_list_formats = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")

    def __init__(self, n, batch_size, shuffle, seed, **kwargs):
        super().__init__(**kwargs)
        where = type(self).__name__
        if (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
                or batch_size < 1):
            raise ValueError(f"{where}: expected `batch_size` to be a positive integer. "
                             f"Received: batch_size={batch_size!r}")
        batch_size = int(batch_size)
        seed = check_seed(seed, where)
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self._epochs_ended = 0
        self._rng = np.random.RandomState()  # unseeded draws (seed is None)
        self._local = threading.local()  # the seed of the batch this thread is building
        if seed is None:
            _UNSEEDED.add(self)

    # -- the order of the samples (callers hold self.lock) ----------------------------------

    def _set_index_array(self):
        """A new sample order (Keras's name): seeded by ``seed + total_batches_seen``."""
        self._draw_index_array(None if self.seed is None
                               else (self.seed + self.total_batches_seen) % 2**32)

    def _draw_index_array(self, seed):
        if not self.shuffle:
            self.index_array = np.arange(self.n)
        elif self.seed is None:
            self.index_array = self._rng.permutation(self.n)
        else:
            self.index_array = np.random.RandomState(seed).permutation(self.n)

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size  # ceil(n / batch_size)

    def __getitem__(self, idx):
        length = len(self)
        if not isinstance(idx, (int, np.integer)) or isinstance(idx, bool):
            raise TypeError(f"{type(self).__name__} indices must be integers. Received: {idx!r}")
        if not -length <= idx < length:
            raise IteratorIndexError(
                f"Asked to retrieve element {idx}, but the Sequence has length {length} "
                f"({self.n} samples in batches of {self.batch_size}).")
        idx = int(idx) % length
        with self.lock:
            if self.index_array is None:
                self._set_index_array()
            index_array = self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)]
            batch_seed = (None if self.seed is None
                          else (self.seed + self._epochs_ended * length + idx) % 2**32)
            self.total_batches_seen += 1
        return self._build(index_array, batch_seed)

    def on_epoch_end(self):
        with self.lock:
            self._epochs_ended += 1
            # from the epoch count, not total_batches_seen: batches read in worker processes
            # are not counted here, and each epoch must still get a new order
            self._draw_index_array(None if self.seed is None
                                   else (self.seed, self._epochs_ended % 2**32))

    def reset(self):
        """Start ``next()`` at a new epoch (a new permutation when shuffling)."""
        self.batch_index = 0

    def _next_index_array(self):
        with self.lock:
            batch_seed = (None if self.seed is None
                          else (self.seed + self.total_batches_seen) % 2**32)
            if self.batch_index == 0 or self.index_array is None:
                self._set_index_array()
            current = (self.batch_index * self.batch_size) % self.n if self.n else 0
            self.batch_index = self.batch_index + 1 if self.n > current + self.batch_size else 0
            self.total_batches_seen += 1
            return self.index_array[current:current + self.batch_size], batch_seed

    def __iter__(self):
        return self

    def __next__(self):
        index_array, batch_seed = self._next_index_array()
        return self._build(index_array, batch_seed)  # outside the lock: threads build in parallel

    def next(self):
        """The next batch (endless: after the last batch of an epoch comes a new epoch)."""
        return self.__next__()

    # -- building a batch -----------------------------------------------------------------

    def _build(self, index_array, batch_seed):
        self._local.batch_seed = batch_seed
        try:
            return self._get_batches_of_transformed_samples(index_array)
        finally:
            self._local.batch_seed = None

    def _batch_rng(self, stream):
        """A generator for this batch's draws (``stream`` keeps the uses apart); unseeded when
        the iterator has no seed or the batch is built outside ``next()``/``it[i]``."""
        batch_seed = getattr(self._local, "batch_seed", None)
        if batch_seed is None:
            return self._rng
        return np.random.RandomState((batch_seed, stream))

    def _transform_seeds(self, count):
        """The seed of each sample's ``get_random_transform`` (all None when unseeded)."""
        if getattr(self._local, "batch_seed", None) is None:
            return [None] * count
        return self._batch_rng(1).randint(0, 2**31 - 1, size=count).tolist()

    def _transform_all(self, generator, batch_x, seeds):
        """``_random_transform`` of every image of ``batch_x``, in place: the parameters drawn
        image by image in order, the affine parts in one batched call where
        ``batch_transform.batchable`` allows it (and no ``preprocessing_function``, which
        might draw random numbers of its own between images)."""
        if batchable(generator, batch_x) and generator.preprocessing_function is None:
            shape = batch_x.shape[1:]
            params = [generator.get_random_transform(shape) if seed is None
                      else generator.get_random_transform(shape, seed=seed) for seed in seeds]
            batch_x[...] = apply_transform_batch(generator, batch_x, params)
            for i in range(len(batch_x)):
                batch_x[i] = generator.standardize(batch_x[i])
            return batch_x
        for i, seed in enumerate(seeds):
            batch_x[i] = self._random_transform(generator, batch_x[i], seed)
        return batch_x

    def _random_transform(self, generator, x, seed):
        """``generator.get_random_transform`` then ``apply_transform`` then ``standardize``."""
        if seed is None:
            params = generator.get_random_transform(x.shape)
        else:
            params = generator.get_random_transform(x.shape, seed=seed)
        x = generator.apply_transform(x, params)
        return generator.standardize(x)

    def _get_batches_of_transformed_samples(self, index_array):
        """The batch of the samples ``index_array`` (implemented by each iterator)."""
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  "_get_batches_of_transformed_samples(self, index_array)")

    def _save_batch(self, batch_x, index_array):
        """Write each image of the batch to ``save_to_dir`` as
        ``{save_prefix}_{index}_{random}.{save_format}`` (``utils.image_utils.save_img``: RGBA
        becomes RGB for JPEG). Each file is created exclusively: a name already taken (another
        epoch, another run of a seeded program) is retried with a fresh random suffix, so no
        file is overwritten. The first suffix is drawn from the batch's seed, as before."""
        from ...utils.image_utils import save_img

        rng = self._batch_rng(2)
        fresh = None
        file_format = "jpeg" if self.save_format.lower() == "jpg" else self.save_format
        for i, j in enumerate(index_array):
            suffix = rng.randint(10**7)
            for _ in range(100):
                path = os.path.join(self.save_to_dir,
                                    f"{self.save_prefix}_{j}_{suffix}.{self.save_format}")
                try:
                    f = open(path, "xb")
                except FileExistsError:
                    fresh = fresh or np.random.default_rng()  # not the seed: it made this name
                    suffix = int(fresh.integers(10**9))
                    continue
                try:
                    with f:
                        save_img(f, batch_x[i], data_format=self.data_format,
                                 file_format=file_format, scale=True)
                except BaseException:
                    os.remove(path)
                    raise
                break
            else:
                raise FileExistsError(f"{type(self).__name__}: found no free file name for image "
                                      f"{j} in save_to_dir={self.save_to_dir!r} after 100 tries.")

    def _prepare_worker_processes(self):
        """Called by the ``PyDataset`` adapter before it starts worker processes: load the
        compiled warp loop here once, rather than in every freshly forked worker."""
        if getattr(self, "image_data_generator", None) is not None:
            from ...backend.kernels import warp

            warp.preload()

    # -- pickling (use_multiprocessing=True where processes are spawned) -------------------

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["lock"], state["_local"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.lock = threading.Lock()
        self._local = threading.local()
        if self.seed is None:  # a copy (a spawned worker) draws its own unseeded numbers
            self._rng = np.random.RandomState()
            _UNSEEDED.add(self)
