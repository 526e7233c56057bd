"""``EpochIterator``: the batches of one epoch, from any data adapter, as ``(step, data)``.

* ``steps_per_epoch=None``: each epoch is one full pass (a fresh iterator over the data);
  ``num_batches`` is the adapter's (None when unknown, learnt at the end of the first pass).
* ``steps_per_epoch=k``: each epoch is ``k`` batches, and the iterator is *not* restarted
  between epochs: the next epoch continues where this one stopped (an endless
  generator is read on and on), until a pass of known length is used up, after which a
  fresh pass begins. If the data runs out before ``k`` batches, Keras's warning "Your
  input ran out of data; ..." is given and the epoch ends early.
* ``rank``/``world``: this process takes batches ``rank, rank + world, rank + 2 * world,
  ...`` of each pass (the others go to the other processes); defaults ``0``/``1``.

``exhausted`` is set when an epoch got no batch at all (a one-shot generator read to the
end); ``fit`` then stops. A batch with 0 samples (from a generator, dataset or PyDataset)
is a ValueError naming the batch: its mean loss would be 0/0. ``check_nan`` (``fit``,
``evaluate``: ``missing_values.nan_check(model)``): a NaN in ``x`` is a ValueError, for arrays before the first batch, for data read
in batches at the batch that holds it, naming it (``data_adapters/missing_values.py``).
"""

import warnings

from ..backend.tree import flatten
from ..utils.data_utils import unpack_x_y_sample_weight
from .data_adapters import ArrayDataAdapter, check_no_nan, get_data_adapter
from .trainer_utils import _check_batch_size

_RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset or generator "
            "can generate at least `steps_per_epoch * epochs` batches. You may need to use the `.repeat()` "
            "function when building your dataset.")


class EpochIterator:
    def __init__(self, x=None, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None, shuffle=False,
                 class_weight=None, rank=0, world=1, data_adapter=None, where="fit", steps_name="steps_per_epoch",
                 check_nan=False):
        self.steps_per_epoch = _check_batch_size(steps_per_epoch, steps_name)
        if isinstance(world, bool) or int(world) != world or world < 1:
            raise ValueError(f"Expected `world` to be a positive integer. Received: world={world!r}")
        if isinstance(rank, bool) or int(rank) != rank or not 0 <= rank < world:
            raise ValueError(f"Expected `rank` to be an integer in [0, world={world}). Received: rank={rank!r}")
        self.rank, self.world = int(rank), int(world)
        self.data_adapter = data_adapter or get_data_adapter(
            x, y=y, sample_weight=sample_weight, batch_size=batch_size, steps_per_epoch=self.steps_per_epoch,
            shuffle=shuffle, class_weight=class_weight, where=where, check_nan=check_nan)
        self._pass_batches = self._share(self.data_adapter.num_batches)
        self._where = where
        self._check_batches = not isinstance(self.data_adapter, ArrayDataAdapter)  # arrays: checked once
        self._check_nan = check_nan
        self._current = None  # the iterator of the pass in progress (kept across epochs with steps_per_epoch)
        self._seen_in_pass = 0
        self.exhausted = False
        self.interrupted = False

    def _share(self, total):
        """Batches of a pass of ``total`` that fall to this rank."""
        if total is None:
            return None
        return len(range(self.rank, total, self.world))

    @property
    def num_batches(self):
        """Steps in one epoch: ``steps_per_epoch``, else batches per pass (None: unknown)."""
        return self.steps_per_epoch or self._pass_batches

    def _new_pass(self):
        iterator = iter(self.data_adapter.get_numpy_iterator())
        if self.world > 1:
            iterator = (b for i, b in enumerate(iterator) if i % self.world == self.rank)
        self._current, self._seen_in_pass = iterator, 0

    def __iter__(self):
        return self.enumerate_epoch()

    def enumerate_epoch(self):
        """One epoch's ``(step, data)``; calls the adapter's epoch hooks around it."""
        self.interrupted = False
        self.data_adapter.on_epoch_begin()
        limit = self.steps_per_epoch
        if self._current is None or limit is None:
            self._new_pass()
        step = 0
        try:
            while limit is None or step < limit:
                if self._pass_batches is not None and self._seen_in_pass >= self._pass_batches:
                    if limit is not None:
                        self.interrupted = True
                        warnings.warn(_RAN_OUT, stacklevel=2)
                    break
                try:
                    data = next(self._current)
                except StopIteration:
                    if self._pass_batches is None:
                        self._pass_batches = self._seen_in_pass  # learnt: the length of a pass
                    if limit is not None:
                        self.interrupted = True
                        warnings.warn(_RAN_OUT, stacklevel=2)
                    self._current = None
                    break
                self._seen_in_pass += 1
                if self._check_batches:
                    self._check_batch(data, step)
                yield step, data
                step += 1
            self.exhausted = step == 0
            if self._pass_batches is not None and self._seen_in_pass >= self._pass_batches:
                self._current = None  # the next epoch starts a fresh pass
        finally:
            self.data_adapter.on_epoch_end()

    def _check_batch(self, data, step):
        """A batch read from a generator, dataset...: not None, not empty, no NaN in x (if asked)."""
        if data is None:
            raise ValueError(
                f"{self._where}: expected each batch of the data to be x, (x, y) or (x, y, sample_weight). "
                f"Received: None as batch {step} of the epoch")
        try:
            x = unpack_x_y_sample_weight(data)[0]
        except ValueError:
            return  # a custom train_step may read its own format: it says what it expects
        leaves = flatten(x) if x is not None else ()
        shape = getattr(leaves[0], "shape", None) if leaves else None
        if shape is not None and len(shape) and shape[0] == 0:
            raise ValueError(
                f"{self._where}: expected every batch to hold at least one sample. Received: batch "
                f"{step} of the epoch with x of shape {tuple(shape)} (0 samples)")
        if self._check_nan is not False:
            index = getattr(self.data_adapter, "current_index", None)  # a PyDataset's, shuffled or not
            dataset = getattr(self.data_adapter, "dataset", None)
            at = f"batch {step} of the epoch" + (
                f", {type(dataset).__name__}[{index}]" if index is not None and dataset is not None else "")
            check_no_nan(x, self._where, at=at, inputs=self._check_nan)

    def close(self):
        self._current = None
        self.data_adapter.close()
