"""``ArrayDataAdapter``: NumPy arrays, Tensors, or nested lists/tuples/dicts of them.

Every leaf has the same number of samples ``n``; one pass yields ``ceil(n / batch_size)``
batches, the last one partial. ``shuffle=True`` draws a new order each pass (shenjing's
seeded generator); ``shuffle="batch"`` keeps batch-sized contiguous chunks together and
shuffles the chunks' order and the samples inside each chunk (Keras's option for
data read in chunks). ``class_weight`` ({class: weight}) becomes per-sample weights,
multiplied into ``sample_weight`` when both are given. ``check_nan`` (True, or a
model's input names: ``missing_values.nan_check``): a NaN in a floating leaf of ``x`` is a
ValueError before the first batch.
"""

import numpy as np

from ... import backend
from ...utils.data_utils import pack_x_y_sample_weight
from . import array_utils
from .data_adapter import DataAdapter
from .missing_values import check_no_nan


class ArrayDataAdapter(DataAdapter):
    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                 shuffle=False, class_weight=None, where="fit", check_nan=False):
        if shuffle not in (True, False, "batch"):
            raise ValueError(f'Expected `shuffle` to be a boolean or "batch". Received: shuffle={shuffle!r}')
        x, y, sample_weight = (array_utils.to_arrays(a, name, where)
                               for a, name in ((x, "x"), (y, "y"), (sample_weight, "sample_weight")))
        n = array_utils.num_samples(where, x=x, y=y, sample_weight=sample_weight)
        if n == 0:
            raise ValueError(f"{where}: expected at least one sample. Received: x with 0 samples")
        check_no_nan(x, where, inputs=check_nan)
        if class_weight is not None:
            sample_weight = array_utils.weigh_by_class(y, sample_weight, class_weight)
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.num_samples = n
        if not batch_size:  # Keras: as many samples a batch as make steps_per_epoch batches
            batch_size = -(-n // int(steps_per_epoch)) if steps_per_epoch else 32
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.num_batches = -(-n // self.batch_size)

    def _batches(self):
        n, size = self.num_samples, self.batch_size
        if self.shuffle == "batch":
            rng = backend.rng()
            chunks = [np.arange(i, min(i + size, n)) for i in range(0, n, size)]
            return [rng.permutation(chunks[c]) for c in rng.permutation(len(chunks))]
        return array_utils.batch_indices(n, size, bool(self.shuffle))

    def get_numpy_iterator(self):
        take = array_utils.take
        x, y, sw = self.x, self.y, self.sample_weight
        for index in self._batches():
            yield pack_x_y_sample_weight(take(x, index), take(y, index), take(sw, index))
