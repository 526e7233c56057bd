"""Random initializers: normal, uniform, truncated normal, variance scaling (Glorot, He,
LeCun) and orthogonal. A given seed makes every call draw the same values; ``seed=None``
draws from the global generator that ``shenjing.set_random_seed`` reseeds."""

import math

# NumPy on purpose: the values are drawn on the host by the seeded NumPy generators (the same
# numbers for a seed whatever the array module); a Variable moves them to ``backend.xp``.
import numpy as np

from .. import backend
from .constant_initializers import Initializer, _float_dtype, _shape
from ..registry import keras_export

# Keras's VarianceScaling divides by this: the stddev of a unit normal truncated
# to [-2, 2], so that the truncated draw has the intended variance.
_TRUNCATED_STDDEV = 0.87962566103423978


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) as Keras computes them.

    With both ``input_axes`` and ``output_axes``: the products of the sizes on those axes.
    Otherwise scalars: (1, 1); vectors: (n, n); matrices: (rows, cols); conv kernels
    ``(*spatial, in, out)``: (in * rf, out * rf) with rf the product of the spatial dims.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (int(np.prod([shape[a] for a in input_axes])),
                int(np.prod([shape[a] for a in output_axes])))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive_field = int(np.prod(shape[:-2]))
    return int(shape[-2]) * receptive_field, int(shape[-1]) * receptive_field


def _axes(axes, name):
    """None or a list of ints (the axes whose sizes make a fan)."""
    if axes is None:
        return None
    if isinstance(axes, (int, np.integer)):
        axes = [axes]
    if not isinstance(axes, (list, tuple)) or not all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise ValueError(f"Expected `{name}` to be None or a list of integers. Received: {name}={axes!r}")
    return [int(a) for a in axes]


@keras_export("keras.initializers.RandomInitializer")
class RandomInitializer(Initializer):
    """Base of the random initializers: holds ``seed`` (an int or None)."""

    def __init__(self, seed=None):
        if isinstance(seed, dict):  # a Keras SeedGenerator config: no state to restore
            seed = seed.get("config", {}).get("seed")
        if seed is not None and not isinstance(seed, (int, np.integer)):
            raise ValueError(f"seed must be an integer or None, received seed={seed!r}")
        self.seed = seed

    def _rng(self):
        return backend.make_rng(self.seed)

    def get_config(self):
        return {"seed": self.seed}


def _truncated_normal(rng, shape, mean, stddev):
    """Normal draws; any beyond two standard deviations are drawn again."""
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    return mean + stddev * z


@keras_export("keras.initializers.RandomNormal", "keras.initializers.random_normal")
class RandomNormal(RandomInitializer):
    """x ~ N(mean, stddev^2)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        dtype = _float_dtype(dtype, type(self).__name__)
        return self._rng().normal(self.mean, self.stddev, _shape(shape)).astype(dtype)

    def get_config(self):
        return {"seed": self.seed, "mean": self.mean, "stddev": self.stddev}


@keras_export("keras.initializers.TruncatedNormal", "keras.initializers.truncated_normal")
class TruncatedNormal(RandomInitializer):
    """x ~ N(mean, stddev^2), redrawn where |x - mean| > 2 stddev."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev = mean, stddev
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        dtype = _float_dtype(dtype, type(self).__name__)
        return _truncated_normal(self._rng(), _shape(shape), self.mean, self.stddev).astype(dtype)

    def get_config(self):
        return {"seed": self.seed, "mean": self.mean, "stddev": self.stddev}


@keras_export("keras.initializers.RandomUniform", "keras.initializers.random_uniform")
class RandomUniform(RandomInitializer):
    """x ~ U[minval, maxval)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval = minval, maxval
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        dtype = _float_dtype(dtype, type(self).__name__)
        return self._rng().uniform(self.minval, self.maxval, _shape(shape)).astype(dtype)

    def get_config(self):
        return {"seed": self.seed, "minval": self.minval, "maxval": self.maxval}


@keras_export("keras.initializers.VarianceScaling", "keras.initializers.variance_scaling")
class VarianceScaling(RandomInitializer):
    """Variance scale / n, n = fan_in, fan_out or their mean (``mode``).

    truncated_normal: stddev sqrt(scale / n) / 0.8796...; untruncated_normal:
    stddev sqrt(scale / n); uniform: U[-limit, limit], limit = sqrt(3 scale / n).
    """

    MODES = ("fan_in", "fan_out", "fan_avg")
    DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        if not scale > 0:
            raise ValueError(f"VarianceScaling: scale must be a positive float, received scale={scale}")
        if mode not in self.MODES:
            raise ValueError(f"VarianceScaling: mode must be one of {self.MODES}, received mode={mode!r}")
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in self.DISTRIBUTIONS:
            raise ValueError(
                f"VarianceScaling: distribution must be one of {self.DISTRIBUTIONS}, "
                f"received distribution={distribution!r}"
            )
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes = _axes(input_axes, "input_axes")
        self.output_axes = _axes(output_axes, "output_axes")
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        dtype = _float_dtype(dtype, type(self).__name__)
        shape = _shape(shape)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            values = _truncated_normal(rng, shape, 0.0, math.sqrt(variance) / _TRUNCATED_STDDEV)
        elif self.distribution == "untruncated_normal":
            values = rng.normal(0.0, math.sqrt(variance), shape)
        else:
            limit = math.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, shape)
        return values.astype(dtype)

    def get_config(self):
        return {"seed": self.seed, "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling with fixed arguments whose config is only the seed."""

    ARGS = {}

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(seed=seed, input_axes=input_axes, output_axes=output_axes, **self.ARGS)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


@keras_export("keras.initializers.GlorotUniform", "keras.initializers.glorot_uniform")
class GlorotUniform(_FixedVarianceScaling):
    """U[-limit, limit], limit = sqrt(6 / (fan_in + fan_out))."""

    ARGS = {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"}


@keras_export("keras.initializers.GlorotNormal", "keras.initializers.glorot_normal")
class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal, stddev sqrt(2 / (fan_in + fan_out)) (before truncation correction)."""

    ARGS = {"scale": 1.0, "mode": "fan_avg", "distribution": "truncated_normal"}


@keras_export("keras.initializers.HeUniform", "keras.initializers.he_uniform")
class HeUniform(_FixedVarianceScaling):
    """U[-limit, limit], limit = sqrt(6 / fan_in)."""

    ARGS = {"scale": 2.0, "mode": "fan_in", "distribution": "uniform"}


@keras_export("keras.initializers.HeNormal", "keras.initializers.he_normal")
class HeNormal(_FixedVarianceScaling):
    """Truncated normal, stddev sqrt(2 / fan_in)."""

    ARGS = {"scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"}


@keras_export("keras.initializers.LecunUniform", "keras.initializers.lecun_uniform")
class LecunUniform(_FixedVarianceScaling):
    """U[-limit, limit], limit = sqrt(3 / fan_in)."""

    ARGS = {"scale": 1.0, "mode": "fan_in", "distribution": "uniform"}


@keras_export("keras.initializers.LecunNormal", "keras.initializers.lecun_normal")
class LecunNormal(_FixedVarianceScaling):
    """Truncated normal, stddev sqrt(1 / fan_in)."""

    ARGS = {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}


@keras_export("keras.initializers.Orthogonal",
              "keras.initializers.OrthogonalInitializer",
              "keras.initializers.orthogonal")
class Orthogonal(RandomInitializer):
    """``gain * Q`` from the QR decomposition of a normal matrix (rows, cols).

    Shapes of rank > 2 are flattened to (prod(shape[:-1]), shape[-1]); the
    result has orthonormal columns (rows when there are fewer rows than columns).
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        dtype = _float_dtype(dtype, "Orthogonal")
        shape = _shape(shape)
        if len(shape) < 2:
            raise ValueError(
                f"Orthogonal initializer needs a shape of rank >= 2, received shape={shape} "
                f"of rank {len(shape)}"
            )
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))  # makes the decomposition unique (uniform over rotations)
        if rows < cols:
            q = q.T
        # C order: q.T is a transposed view, and the compiled loops (Adam's update) take C-contiguous arrays
        return np.ascontiguousarray((self.gain * q).reshape(shape), dtype=dtype)

    def get_config(self):
        return {"seed": self.seed, "gain": self.gain}
