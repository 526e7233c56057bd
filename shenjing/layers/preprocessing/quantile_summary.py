"""The approximate quantile summary behind ``Discretization.adapt`` (Keras 3's algorithm, so
that the same data gives the same ``bin_boundaries``).

A summary is a float32 array ``[values; weights]`` of shape ``(2, n)``, values ascending.
- ``summarize(x, eps)``: sort ``x``; with ``step = max(len(x) * eps, 1)`` keep every
  ``int(step)``-th value from index ``int(step - 1)``, each weighing ``step``.
- ``merge(a, b, eps)``: concatenate, sort by value, ``compress``.
- ``compress(s, eps)`` (only when ``n * eps >= 1``): at the levels ``p = eps, 2 eps, ..., 1``
  interpolate the values and the cumulative weights against the cumulative weight fraction
  ``c / c[-1]``; the new weights are the differences of the interpolated cumulative weights.
- ``bin_boundaries(s, num_bins) = compress(s, 1 / num_bins)`` values, all but the last.
"""

import numpy as np


def empty():
    return np.zeros((2, 0), dtype=np.float32)


def summarize(values, epsilon):
    values = np.sort(np.reshape(values, -1))
    step = max(values.size * epsilon, 1)
    kept = values[int(step - 1)::int(step)]
    return np.stack([kept, np.full_like(kept, step)])


def merge(first, second, epsilon):
    both = np.concatenate((first, second), axis=1)
    return compress(both[:, np.argsort(both[0])], epsilon)


def compress(summary, epsilon):
    if summary.shape[1] * epsilon < 1:
        return summary
    levels = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = np.cumsum(summary[1])
    fraction = cumulative / cumulative[-1]
    values = np.interp(levels, fraction, summary[0])
    cumulative = np.interp(levels, fraction, cumulative)
    weights = np.diff(cumulative, prepend=0.0)
    return np.stack((values, weights)).astype(np.float32)


def bin_boundaries(summary, num_bins):
    return compress(summary, 1.0 / num_bins)[0, :-1]
