"""The draws behind ``keras.random`` and ``tf.random``: each takes a NumPy generator ``rng``
(chosen from the seed by the caller) and returns a shenjing Tensor on ``backend.xp``.

normal: mean + stddev * N(0, 1). uniform: U[minval, maxval). truncated_normal: N(mean,
stddev^2) conditioned on |x - mean| <= 2 stddev (redrawn until inside). randint: integers in
[minval, maxval). shuffle: a permutation along ``axis``. categorical: ``num_samples`` class
indices per row of ``logits`` (log-probabilities up to a constant). gamma(alpha, 1), beta(a, b),
binomial(counts, p).
"""

import numpy as np  # the seeded host generators, dtypes and shape checks

from .. import backend
from ..autograd import Tensor


def to_shape(shape, where="shape"):
    """A tuple of ints from an int, a list/tuple, an array or a Tensor of sizes."""
    value = getattr(shape, "data", shape)
    if isinstance(value, (int, np.integer)):
        return (int(value),)
    try:
        sizes = tuple(int(d) for d in backend.to_numpy(value).reshape(-1)) if hasattr(value, "shape") \
            else tuple(int(d) for d in value)
    except (TypeError, ValueError):
        raise ValueError(f"Expected `{where}` to be a tuple of ints. Received: {where}={shape!r}") from None
    if any(d < 0 for d in sizes):
        raise ValueError(f"Expected `{where}` to hold sizes >= 0. Received: {where}={shape!r}")
    return sizes


def float_dtype(dtype, name):
    dtype = np.dtype(dtype or backend.floatx())
    if dtype.kind != "f":
        raise ValueError(f"`keras.random.{name}` requires a floating point `dtype`. "
                         f"Received: dtype={dtype.name}")
    return dtype


def _host(value):
    return backend.to_numpy(getattr(value, "data", value))


def _out(array, dtype):
    return Tensor(backend.xp.asarray(np.asarray(array).astype(dtype, copy=False)))


def normal(rng, shape, mean, stddev, dtype):
    z = rng.standard_normal(to_shape(shape))
    return _out(z * _host(stddev) + _host(mean), dtype)


def uniform(rng, shape, minval, maxval, dtype):
    low, high = _host(minval), _host(maxval)
    return _out(low + (high - low) * rng.random(to_shape(shape)), dtype)


def truncated_normal(rng, shape, mean, stddev, dtype):
    shape = to_shape(shape)
    z = rng.standard_normal(shape)
    outside = np.abs(z) > 2.0
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > 2.0
    return _out(z * _host(stddev) + _host(mean), dtype)


def randint(rng, shape, minval, maxval, dtype):
    low, high = int(_host(minval)), int(_host(maxval))
    if high <= low:
        raise ValueError(f"Expected `maxval` > `minval`. Received: minval={minval}, maxval={maxval}")
    return _out(rng.integers(low, high, size=to_shape(shape)), dtype)


def shuffle(rng, x, axis):
    value = _host(x)
    if value.ndim == 0:
        raise ValueError(f"Expected `x` to have at least one axis to shuffle. Received: shape={value.shape}")
    order = rng.permutation(value.shape[axis])
    return Tensor(backend.xp.asarray(np.take(value, order, axis=axis)))


def categorical(rng, logits, num_samples, dtype):
    z = np.asarray(_host(logits), dtype=np.float64)
    if z.ndim != 2:
        raise ValueError("`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
                         f"Received: logits.shape={z.shape}")
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    cdf = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    u = rng.random((z.shape[0], int(num_samples)))
    # index = #{k: cdf[k] <= u} per row, by one searchsorted over the rows laid end to end
    # (row r shifted by r), not a (batch, samples, classes) comparison.
    rows = np.arange(z.shape[0], dtype=np.float64)[:, None]
    flat = (cdf + rows).reshape(-1)
    index = np.searchsorted(flat, (u + rows).reshape(-1), side="right").reshape(u.shape)
    index = index - (rows * z.shape[1]).astype(np.int64)
    return _out(np.clip(index, 0, z.shape[1] - 1), dtype)


def gamma(rng, shape, alpha, dtype):
    return _out(rng.gamma(_host(alpha), 1.0, size=to_shape(shape)), dtype)


def beta(rng, shape, alpha, beta_, dtype):
    return _out(rng.beta(_host(alpha), _host(beta_), size=to_shape(shape)), dtype)


def binomial(rng, shape, counts, probabilities, dtype):
    counts = np.asarray(_host(counts)).astype(np.int64)
    return _out(rng.binomial(counts, _host(probabilities), size=to_shape(shape)), dtype)
