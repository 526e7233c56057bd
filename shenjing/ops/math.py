"""``keras.ops.math``: segment reductions, top_k / in_top_k, logsumexp, erf / erfc / erfinv,
rsqrt, extract_sequences, cdist, logdet, and the complex views; the Fourier transforms live
in ``math_fft``. Complex values travel as (real, imag) pairs, as in Keras.

Each public name is listed in ``__all__`` and wears ``dispatch.keras_op(name, module="math")``.
"""

import numpy as np  # dtypes only

from .. import backend
from ..autograd.ops import activation_extra as _extra
from ..autograd.ops import arithmetic as _ar
from ..autograd.ops import reduce as _red
from ..autograd.ops.logdet import logabsdet as _logabsdet
from ..autograd.ops import segment as _seg
from ..autograd.ops import shape as _shape
from ..autograd.tensor import Tensor, as_tensor
from . import math_fft
from .dispatch import keras_op
from .math_fft import *  # noqa: F401,F403

__all__ = ["segment_sum", "segment_max", "segment_min", "segment_prod", "top_k", "in_top_k",
           "logsumexp", "erf", "erfc", "erfinv", "rsqrt", "extract_sequences", "cdist",
           "logdet", "view_as_complex", "view_as_real", *math_fft.__all__]


def _segment(cls, name, data, segment_ids, num_segments):
    data = as_tensor(data)
    ids = backend.xp.asarray(getattr(segment_ids, "data", segment_ids))
    if ids.dtype.kind not in "iu":
        raise ValueError(f"{name}: expected integer `segment_ids`. Received: "
                         f"segment_ids.dtype={ids.dtype}")
    if ids.ndim != 1 or data.ndim < 1 or ids.shape[0] != data.shape[0]:
        raise ValueError(f"{name}: expected 1-D `segment_ids` as long as `data`'s first axis. "
                         f"Received: segment_ids.shape={ids.shape}, data.shape={data.shape}")
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.size else 0
    if ids.size and (int(ids.min()) < 0 or int(ids.max()) >= num_segments):
        raise ValueError(f"{name}: segment_ids must lie in [0, num_segments={num_segments}). "
                         f"Received: min={int(ids.min())}, max={int(ids.max())}")
    if data.dtype.kind != "f" and cls is not _seg.SegmentSum:
        data = _ar.cast(data, backend.floatx())
    return cls.apply(data, ids=ids.astype(np.int64), num_segments=int(num_segments))


@keras_op("segment_sum", module="math")
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """out[s] = sum of the rows of ``data`` whose segment id is s (0 for an empty segment)."""
    return _segment(_seg.SegmentSum, "segment_sum", data, segment_ids, num_segments)


@keras_op("segment_max", module="math")
def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """out[s] = elementwise max of the rows with segment id s (-inf for an empty segment)."""
    return _segment(_seg.SegmentMax, "segment_max", data, segment_ids, num_segments)


@keras_op("segment_min", module="math")
def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """out[s] = elementwise min of the rows with segment id s (+inf for an empty segment)."""
    return _segment(_seg.SegmentMin, "segment_min", data, segment_ids, num_segments)


@keras_op("segment_prod", module="math")
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """out[s] = elementwise product of the rows with segment id s (1 for an empty segment)."""
    return _segment(_seg.SegmentProd, "segment_prod", data, segment_ids, num_segments)


@keras_op("top_k", module="math")
def top_k(x, k, sorted=True):
    """(values, indices) of the k largest entries along the last axis, largest first (ties:
    the lower index first). The values are differentiable; the indices are int32."""
    x = as_tensor(x)
    if x.ndim < 1 or not 1 <= int(k) <= x.shape[-1]:
        raise ValueError(f"top_k: expected 1 <= k <= x.shape[-1]. Received: k={k}, "
                         f"x.shape={x.shape}")
    xp = backend.xp
    order = xp.argsort(-x.data, axis=-1, kind="stable")[..., :int(k)]
    grid = tuple(xp.arange(n).reshape((-1,) + (1,) * (x.ndim - 1 - i))
                 for i, n in enumerate(x.shape[:-1]))
    values = _shape.getitem(x, grid + (order,))
    return values, Tensor(order.astype(np.int32))


@keras_op("in_top_k", module="math")
def in_top_k(targets, predictions, k):
    """Whether each target class is among the k largest predictions of its row (a tie with
    the k-th value counts as in). Boolean, no gradient."""
    xp = backend.xp
    pred = xp.asarray(getattr(predictions, "data", predictions))
    t = xp.asarray(getattr(targets, "data", targets)).astype(np.int64)
    if pred.ndim != 2 or t.shape != pred.shape[:1]:
        raise ValueError("in_top_k: expected `predictions` (batch, classes) and `targets` "
                         f"(batch,). Received: predictions.shape={pred.shape}, "
                         f"targets.shape={t.shape}")
    kth = -xp.sort(-pred, axis=-1)[:, int(k) - 1:int(k)]
    return Tensor(xp.take_along_axis(pred, t[:, None], axis=-1)[:, 0] >= kth[:, 0])


@keras_op("logsumexp", module="math")
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x), axis)), computed stably."""
    return _red.logsumexp(x, axis=axis, keepdims=keepdims)


@keras_op("erf", module="math")
def erf(x):
    """The error function 2/sqrt(pi) * integral_0^x exp(-t^2) dt."""
    return _extra.erf(x)


@keras_op("erfc", module="math")
def erfc(x):
    """1 - erf(x), accurate for large x."""
    return _extra.erfc(x)


@keras_op("erfinv", module="math")
def erfinv(x):
    """The inverse of erf on (-1, 1)."""
    return _extra.erfinv(x)


@keras_op("rsqrt", module="math")
def rsqrt(x):
    """1 / sqrt(x)."""
    return _extra.rsqrt(x)


@keras_op("extract_sequences", module="math")
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of the last axis: (..., L) -> (..., (L - length) // stride + 1, length)."""
    x = as_tensor(x)
    if x.ndim < 1 or sequence_length < 1 or sequence_stride < 1:
        raise ValueError("extract_sequences: expected a tensor of rank >= 1 and positive "
                         f"sequence_length/sequence_stride. Received: x.shape={x.shape}, "
                         f"sequence_length={sequence_length}, sequence_stride={sequence_stride}")
    count = (x.shape[-1] - sequence_length) // sequence_stride + 1
    if count < 1:
        raise ValueError(f"extract_sequences: sequence_length={sequence_length} is longer "
                         f"than the last axis of x.shape={x.shape}")
    xp = backend.xp
    idx = xp.arange(count)[:, None] * sequence_stride + xp.arange(sequence_length)[None, :]
    return _shape.take(x, idx, axis=x.ndim - 1)


@keras_op("cdist", module="math", class_name="CDist")
def cdist(x, y):
    """Euclidean distances between the rows: (..., P, M), (..., R, M) -> (..., P, R)."""
    x = as_tensor(x)
    y = as_tensor(y, like=x)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError("`cdist` inputs must have rank >= 2. "
                         f"Received: x.shape={x.shape}, y.shape={y.shape}")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError("Last dimension of inputs to `cdist` must match. "
                         f"Received: x.shape={x.shape}, y.shape={y.shape}")
    diff = _shape.expand_dims(x, -2) - _shape.expand_dims(y, -3)
    return _ar.sqrt(_red.sum(diff * diff, axis=-1))


@keras_op("logdet", module="math")
def logdet(x):
    """log|det(x)| of (..., n, n) matrices (via slogdet, as Keras);  gradient inv(x)^T."""
    x = as_tensor(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"logdet: expected square matrices (..., n, n). Received: x.shape={x.shape}")
    if x.dtype.kind != "f":
        x = _ar.cast(x, backend.floatx())
    return _logabsdet(x)


@keras_op("view_as_complex", module="math")
def view_as_complex(x):
    """(..., 2) real pairs -> a complex tensor (...). No gradient."""
    data = backend.xp.asarray(getattr(x, "data", x))
    if data.ndim < 1 or data.shape[-1] != 2:
        raise ValueError("Input tensor's last dimension must be 2 (real and imaginary). "
                         f"Received: x.shape={data.shape}")
    return Tensor(data[..., 0] + 1j * data[..., 1])


@keras_op("view_as_real", module="math")
def view_as_real(x):
    """A complex tensor (...) -> (..., 2) real pairs. No gradient."""
    data = backend.xp.asarray(getattr(x, "data", x))
    if data.dtype.kind != "c":
        raise ValueError(f"Input tensor must be complex. Received: x.dtype={data.dtype}")
    return Tensor(backend.xp.stack([data.real, data.imag], axis=-1))
