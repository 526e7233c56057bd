"""Small data the model tests share (a module of its own: ``from conftest import`` is ambiguous
when several test folders with a conftest.py run together)."""

import numpy as np


def blobs(n=120, classes=3, features=4, seed=0):
    """Separable Gaussian blobs: a classification problem a small MLP learns in a few epochs."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, size=(classes, features))
    y = rng.integers(0, classes, size=n)
    x = centers[y] + rng.normal(0, 0.5, size=(n, features))
    return x.astype(np.float32), y.astype(np.int64)
