"""``keras.random``: Keras 3's sampling functions with its seeding contract.

``seed``: an int gives the same values on every call; a ``SeedGenerator`` new values on
each call (reproducible from its seed); None the global generator (reseeded by
``keras.utils.set_random_seed``). Floats default to ``floatx()`` (float32).
"""

import numpy as np

from ..autograd import ops as _ops
from . import sampling
from .seed_generator import SeedGenerator, keras_rng

__all__ = ["SeedGenerator", "normal", "uniform", "truncated_normal", "randint", "shuffle",
           "dropout", "categorical", "gamma", "beta", "binomial"]


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws from N(mean, stddev^2)."""
    return sampling.normal(keras_rng(seed), shape, mean, stddev, sampling.float_dtype(dtype, "normal"))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draws from U[minval, maxval)."""
    return sampling.uniform(keras_rng(seed), shape, minval, maxval, sampling.float_dtype(dtype, "uniform"))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws from N(mean, stddev^2), redrawn where more than two stddevs from the mean."""
    return sampling.truncated_normal(keras_rng(seed), shape, mean, stddev,
                                     sampling.float_dtype(dtype, "truncated_normal"))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers drawn uniformly from [minval, maxval)."""
    dtype = np.dtype(dtype)
    if dtype.kind not in "iu":
        raise ValueError(f"`keras.random.randint` requires an integer `dtype`. Received: dtype={dtype.name}")
    return sampling.randint(keras_rng(seed), shape, minval, maxval, dtype)


def shuffle(x, axis=0, seed=None):
    """``x`` with its slices along ``axis`` in a random order."""
    return sampling.shuffle(keras_rng(seed), x, axis)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Each value zeroed with probability ``rate``, the others scaled by 1 / (1 - rate)
    (differentiable in ``inputs``)."""
    return _ops.dropout(inputs, rate, noise_shape=noise_shape, seed=keras_rng(seed))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """``num_samples`` class indices for each row of ``logits`` (batch, classes)."""
    return sampling.categorical(keras_rng(seed), logits, num_samples, np.dtype(dtype))


def gamma(shape, alpha, dtype=None, seed=None):
    """Draws from Gamma(alpha, 1)."""
    return sampling.gamma(keras_rng(seed), shape, alpha, sampling.float_dtype(dtype, "gamma"))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Draws from Beta(alpha, beta)."""
    return sampling.beta(keras_rng(seed), shape, alpha, beta, sampling.float_dtype(dtype, "beta"))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """The number of successes in ``counts`` trials of probability ``probabilities`` (as floats)."""
    return sampling.binomial(keras_rng(seed), shape, counts, probabilities,
                             sampling.float_dtype(dtype, "binomial"))
