"""Circle loss (Sun et al., 2020) on L2-normalised embeddings, as Keras 3 computes it.

With d = max(1 - y_pred @ ref^T, 0) the cosine distances, positives (same label,
the diagonal removed) and negatives (other labels):
loss = softplus(logsumexp_pos(-gamma max(m + d, 0)(m - d))
                + logsumexp_neg(gamma max(1 + m - d, 0)(1 - m - d))).
Samples whose loss is 0 (no positive or no negative pair) are masked out of the mean.
"""

from .. import backend, ops
from ..registry import keras_export
from .functions import as_prediction
from .loss import LossFunctionWrapper

_NEG_INF = -1e30  # a finite stand-in for -inf: empty rows give softplus(-1e30) = 0, gradient 0


def _labels(y, name, what):
    labels = backend.xp.asarray(getattr(y, "data", y))
    if labels.ndim == 2 and labels.shape[-1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise ValueError(f"circle: {what} must be integer labels of shape (batch,) or (batch, 1). "
                         f"Received: {name}.shape={labels.shape}")
    return labels.astype("int32")


def _masked_logsumexp(x, mask):
    return ops.logsumexp(ops.where(mask, x, _NEG_INF), axis=1)


@keras_export("keras.losses.circle")
def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80,
           margin=0.4):
    """Per-sample circle loss of embeddings ``y_pred`` (batch, dim) with labels ``y_true``."""
    y_pred = as_prediction(y_pred)
    if y_pred.ndim != 2:
        raise ValueError("circle: y_pred must be embeddings of shape (batch, dim). "
                         f"Received: y_pred.shape={y_pred.shape}")
    labels = _labels(y_true, "y_true", "y_true")
    ref = y_pred if ref_embeddings is None else as_prediction(ref_embeddings)
    ref_lab = labels if ref_labels is None else _labels(ref_labels, "ref_labels", "ref_labels")
    distances = ops.maximum(1.0 - ops.matmul(y_pred, ops.transpose(ref)), 0.0)
    positive = labels[:, None] == ref_lab[None, :]
    negative = ~positive
    if remove_diagonal:
        positive = positive & ~backend.xp.eye(labels.size, ref_lab.size, dtype=bool)
    dtype = distances.dtype
    pos_weights = ops.maximum((margin + distances) * positive.astype(dtype), 0.0)
    neg_weights = ops.maximum((1.0 + margin - distances) * negative.astype(dtype), 0.0)
    pos = -gamma * pos_weights * (margin - distances)
    neg = gamma * neg_weights * (1.0 - margin - distances)
    return ops.softplus(_masked_logsumexp(pos, positive) + _masked_logsumexp(neg, negative))


@keras_export("keras.losses.Circle")
class Circle(LossFunctionWrapper):
    """Circle loss for metric learning; only samples with a positive loss enter the mean."""

    config_keys = ("gamma", "margin", "remove_diagonal")

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True,
                 reduction="sum_over_batch_size", name="circle", dtype=None):
        super().__init__(circle, reduction=reduction, name=name, dtype=dtype, gamma=gamma,
                         margin=margin, remove_diagonal=remove_diagonal)
        self.gamma, self.margin, self.remove_diagonal = gamma, margin, remove_diagonal

    def compute_mask(self, y_true, y_pred, losses):
        return losses.data > 0
