"""``keras.utils.set_random_seed(seed)``: seed every generator a program draws from.

Keras 3's contract (``rng_utils.set_random_seed``): ``seed`` must be an int; it seeds Python's
``random`` (which ``SeedGenerator(None)`` and the layers' default seeds draw from), NumPy's
global generator and TensorFlow's global seed. Here: Python's ``random``, then ``set_seed``
(shenjing's process-wide generator, NumPy's global one and the TensorFlow-style global seed).
``tf.random.set_seed`` (``shenjing.random.set_seed``) leaves Python's ``random`` alone, as
TensorFlow's does. Inside ``backend.seeded`` (a wrapper's ``random_state`` fit), the thread's
own generators are the ones reseeded.
"""

import numpy as np

from .. import backend
from .tf_random import set_seed


def set_random_seed(seed):
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError("Expected `seed` argument to be an integer. "
                         f"Received: seed={seed} (of type {type(seed)})")
    backend.python_random().seed(int(seed))   # Python's random (a thread's own inside backend.seeded)
    set_seed(int(seed))


__all__ = ["set_random_seed"]
