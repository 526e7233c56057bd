"""``tf.random``: TensorFlow's sampling names and seeding over the same draws as ``keras.random``.

TensorFlow's contract: ``set_seed(s)`` fixes the global seed; an op given ``seed=k`` draws
from a sequence keyed by (global seed, k), so repeated calls give new values and the same
program after the same ``set_seed`` repeats them; ``seed=None`` uses the global generator.
``stateless_*`` take ``seed=[a, b]`` and give the same values for the same seed.
Defaults are TensorFlow's: float32, ``uniform``'s maxval 1 for floats (required for ints),
``categorical`` returns int64.
"""

import numpy as np

from .. import backend
from . import sampling

__all__ = ["set_seed", "normal", "uniform", "truncated_normal", "shuffle", "categorical",
           "stateless_normal", "stateless_uniform", "stateless_truncated_normal",
           "stateless_categorical"]

_DEFAULT_GLOBAL_SEED = 87654321
_state = {"global": None, "counters": {}}


def set_seed(seed):
    """Seed shenjing's generator (dropout, initializers, shuffling, unseeded draws), NumPy's
    global one, and TensorFlow-style op seeds (``tf.random.set_seed``)."""
    backend.set_seed(seed)
    np.random.seed(seed)
    _state["global"] = seed
    _state["counters"] = {}


def _tf_rng(seed):
    if seed is None:
        return backend.rng()
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"Expected `seed` to be an int or None. Received: seed={seed!r}")
    count = _state["counters"].get(int(seed), 0)
    _state["counters"][int(seed)] = count + 1
    base = _DEFAULT_GLOBAL_SEED if _state["global"] is None else int(_state["global"])
    return np.random.default_rng([base & 0xFFFFFFFF, int(seed) & 0xFFFFFFFF, count])


def _stateless_rng(seed):
    values = backend.to_numpy(getattr(seed, "data", seed))
    values = np.asarray(values).reshape(-1)
    if values.shape != (2,) or values.dtype.kind not in "iu":
        raise ValueError(f"Expected `seed` to be a shape [2] integer tensor. Received: seed={seed!r}")
    return np.random.default_rng([int(v) & 0xFFFFFFFF for v in values] + [0x5EED])


def _float(dtype):
    dtype = np.dtype(getattr(dtype, "name", dtype) or "float32")
    if dtype.kind != "f":
        raise ValueError(f"Expected a floating point `dtype`. Received: dtype={dtype.name}")
    return dtype


def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    return sampling.normal(_tf_rng(seed), shape, mean, stddev, _float(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    return sampling.truncated_normal(_tf_rng(seed), shape, mean, stddev, _float(dtype))


def _uniform(rng, shape, minval, maxval, dtype):
    dtype = np.dtype(getattr(dtype, "name", dtype) or "float32")
    if dtype.kind in "iu":
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype.name}")
        return sampling.randint(rng, shape, minval, maxval, dtype)
    return sampling.uniform(rng, shape, minval, 1.0 if maxval is None else maxval, _float(dtype))


def uniform(shape, minval=0, maxval=None, dtype="float32", seed=None, name=None):
    return _uniform(_tf_rng(seed), shape, minval, maxval, dtype)


def shuffle(value, seed=None, name=None):
    """``value`` with its first axis in a random order."""
    return sampling.shuffle(_tf_rng(seed), value, 0)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    return sampling.categorical(_tf_rng(seed), logits, num_samples, np.dtype(dtype or "int64"))


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32", name=None, alg="auto_select"):
    return sampling.normal(_stateless_rng(seed), shape, mean, stddev, _float(dtype))


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype="float32", name=None,
                               alg="auto_select"):
    return sampling.truncated_normal(_stateless_rng(seed), shape, mean, stddev, _float(dtype))


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype="float32", name=None, alg="auto_select"):
    return _uniform(_stateless_rng(seed), shape, minval, maxval, dtype)


def stateless_categorical(logits, num_samples, seed, dtype="int64", name=None):
    return sampling.categorical(_stateless_rng(seed), logits, num_samples, np.dtype(dtype))
