"""Connectionist temporal classification loss (Graves et al., 2006), as Keras 3's ``ctc``.

``y_true`` (batch, max_label_length) holds integer labels padded with 0, which is also
the blank; ``y_pred`` (batch, time, classes) holds logits (log-softmaxed here). With the
label l (its first L = count(y_true != 0) entries) extended to l' = (blank, l1, blank, ...,
lL, blank), the forward variables in log space are
alpha_t(s) = logp_t(l'_s) + logsumexp(alpha_{t-1}(s), alpha_{t-1}(s-1), alpha_{t-1}(s-2)),
the last term only where l'_s is not blank and differs from l'_{s-2};
loss = -logsumexp(alpha_T(2L), alpha_T(2L - 1)). Every input runs the full time axis.
"""

from .. import backend, ops
from ..autograd.tensor import Tensor
from ..registry import keras_export
from .functions import as_prediction
from .loss import LossFunctionWrapper

_LOG_ZERO = -1e30  # log 0, finite so that gradients through empty paths stay 0, not NaN


def _extended_labels(labels):
    """l' per row (blank-interleaved, padded with blanks), its valid length and the skip mask."""
    xp = backend.xp
    batch, max_length = labels.shape
    lengths = (labels != 0).sum(axis=1)
    size = 2 * max_length + 1
    extended = xp.zeros((batch, size), dtype="int64")
    extended[:, 1::2] = labels
    allowed = xp.zeros((batch, size), dtype=bool)
    allowed[:, 3::2] = extended[:, 3::2] != extended[:, 1:-2:2]
    return extended, 2 * lengths + 1, allowed


def _shift(alpha, by):
    """alpha moved ``by`` places to the right along the last axis, log 0 coming in."""
    pad = Tensor(backend.xp.full((alpha.shape[0], by), _LOG_ZERO, dtype=alpha.dtype))
    return ops.concatenate([pad, alpha[:, :-by]], axis=1)


@keras_export("keras.losses.ctc")
def ctc(y_true, y_pred):
    """The per-sample CTC loss of 0-padded labels (batch, L) against logits (batch, T, C)."""
    y_pred = as_prediction(y_pred)
    labels = backend.xp.asarray(getattr(y_true, "data", y_true))
    if labels.ndim != 2:
        raise ValueError("Targets `y_true` are expected to be a tensor of shape `(batch_size, "
                         f"max_length)` in integer format. Received: y_true.shape={labels.shape}")
    if y_pred.ndim != 3:
        raise ValueError("Logits `y_pred` are expected to be a tensor of shape `(batch_size, "
                         f"max_length, num_classes)`. Received: y_pred.shape={y_pred.shape}")
    labels = labels.astype("int64")
    if labels.size and (labels.min() < 0 or labels.max() >= y_pred.shape[-1]):
        raise ValueError(f"ctc: labels must lie in [0, {y_pred.shape[-1]}) (0 is the blank and the "
                         f"padding). Received values from {labels.min()} to {labels.max()}")
    extended, lengths, allowed = _extended_labels(labels)
    onehot = backend.xp.eye(y_pred.shape[-1], dtype=y_pred.dtype)[extended]  # (B, S, C)
    emissions = ops.matmul(ops.log_softmax(y_pred, axis=-1),
                           Tensor(onehot.transpose(0, 2, 1)))  # (B, T, S)
    start = backend.xp.full(extended.shape, _LOG_ZERO, dtype=y_pred.dtype)
    start[:, :2] = 0.0
    alpha = emissions[:, 0] + Tensor(start)
    skip_off = Tensor(backend.xp.where(allowed, 0.0, _LOG_ZERO).astype(y_pred.dtype))
    for t in range(1, y_pred.shape[1]):
        paths = ops.stack([alpha, _shift(alpha, 1), _shift(alpha, 2) + skip_off], axis=0)
        alpha = ops.logsumexp(paths, axis=0) + emissions[:, t]
    rows = backend.xp.arange(labels.shape[0])
    last = backend.xp.zeros(extended.shape, dtype=bool)
    last[rows, lengths - 1] = True
    last[rows[lengths > 1], lengths[lengths > 1] - 2] = True
    ends = ops.where(Tensor(last), alpha, _LOG_ZERO)
    return -ops.logsumexp(ends, axis=1)


@keras_export("keras.losses.CTC")
class CTC(LossFunctionWrapper):
    """CTC loss of 0-padded integer labels against per-step logits."""

    config_keys = ()

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)
