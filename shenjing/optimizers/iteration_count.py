"""``IterationCount``: the value of ``optimizer.iterations``.

Keras keeps the step count in an int64 variable, and TensorFlow tutorials print it with
``optimizer.iterations.numpy()``. Here the count is a Python ``int`` (so the update rules
and schedules do plain integer arithmetic, and ``+``/``//`` give plain ints) that also
answers ``.numpy()`` and ``.value`` with an ``np.int64``.
"""

import numpy as np


class IterationCount(int):
    def numpy(self):
        return np.int64(self)

    @property
    def value(self):
        return np.int64(self)
