"""``tf.random``-style seeding: ``shenjing.random.set_seed(42)``."""

from . import backend


def set_seed(seed):
    """Seed shenjing's generator (dropout, initializers, shuffling) and NumPy's global one."""
    import numpy as np

    backend.set_seed(seed)
    np.random.seed(seed)
