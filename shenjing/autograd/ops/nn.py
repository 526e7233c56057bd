"""Neural-network ops: dropout, one-hot, and the fused (stable) cross-entropies."""

import numpy as np  # dtypes, and the seeded host generator of dropout's mask

from ... import backend
from ..function import Function
from ..tensor import Tensor, as_tensor


class Dropout(Function):
    """y = x * mask / (1 - rate), mask ~ Bernoulli(1 - rate);  dx = g * mask / (1 - rate)."""

    def forward(self, x, mask):
        self.mask = mask
        return x * mask

    def backward(self, g):
        return g * self.mask


def dropout(x, rate, noise_shape=None, seed=None):
    """Zero each value with probability ``rate`` and scale the rest by 1 / (1 - rate)."""
    x = as_tensor(x)
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be in [0, 1), received rate={rate}")
    if rate == 0:
        return x
    shape = x.shape if noise_shape is None else tuple(
        n if n is not None else x.shape[i] for i, n in enumerate(noise_shape)
    )
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(backend.floatx())
    # Drawn by the seeded NumPy generator (the same mask for a seed whatever the array module),
    # then moved to the array module.
    keep = backend.xp.asarray(backend.make_rng(seed).random(shape, dtype=np.float32) >= rate)
    mask = keep.astype(dtype) * dtype.type(1.0 / (1.0 - rate))
    return Dropout.apply(x, mask=mask)


def one_hot(x, num_classes, dtype=None):
    """Integer labels (...,) -> one-hot rows (..., num_classes)."""
    xp = backend.xp
    labels = xp.asarray(getattr(x, "data", x))
    out = xp.zeros(labels.shape + (num_classes,), dtype=dtype or backend.floatx())
    xp.put_along_axis(out, labels[..., None].astype(np.int64), 1, axis=-1)
    return Tensor(out)


class SparseSoftmaxCrossEntropy(Function):
    """loss = logsumexp(z) - z[label];  dz = g (softmax(z) - onehot(label))."""

    def forward(self, logits, labels):
        xp = backend.xp
        shifted = logits - logits.max(axis=-1, keepdims=True)
        exp = xp.exp(shifted)
        sum_exp = exp.sum(axis=-1, keepdims=True)
        picked = xp.take_along_axis(shifted, labels[..., None], axis=-1)
        if self.requires_grad:
            # Saved once as softmax(z) - onehot(label); backward only reads it, so a
            # retained graph gives the same gradient every time.
            exp /= sum_exp
            xp.put_along_axis(exp, labels[..., None],
                              xp.take_along_axis(exp, labels[..., None], axis=-1) - 1, axis=-1)
            self.dz = exp
        return (xp.log(sum_exp) - picked)[..., 0]

    def backward(self, g):
        return self.dz * g[..., None], None


class SoftmaxCrossEntropy(Function):
    """loss = -sum(t * log_softmax(z));  dz = g (softmax(z) sum(t) - t),  dt = -g log_softmax(z)."""

    def forward(self, logits, target):
        shifted = logits - logits.max(axis=-1, keepdims=True)
        self.log_p = shifted - backend.xp.log(backend.xp.exp(shifted).sum(axis=-1, keepdims=True))
        self.target = target
        return -(target * self.log_p).sum(axis=-1)

    def backward(self, g):
        g = g[..., None]
        t = self.target
        gz = g * (backend.xp.exp(self.log_p) * t.sum(axis=-1, keepdims=True) - t)
        gt = -g * self.log_p if self.needs_input_grad[1] else None
        return gz, gt


class SigmoidCrossEntropy(Function):
    """loss = max(z, 0) - z t + log(1 + exp(-|z|));  dz = g (sigmoid(z) - t),  dt = -g z."""

    def forward(self, logits, target):
        self.z, self.t = logits, target
        xp = backend.xp
        return xp.maximum(logits, 0) - logits * target + xp.log1p(xp.exp(-xp.abs(logits)))

    def backward(self, g):
        s = 0.5 * backend.xp.tanh(0.5 * self.z) + 0.5
        gt = -g * self.z if self.needs_input_grad[1] else None
        return g * (s - self.t), gt


def sparse_softmax_cross_entropy(labels, logits):
    """Per-sample cross-entropy of integer ``labels`` (...,) against ``logits`` (..., C)."""
    logits = as_tensor(logits)
    labels = backend.xp.asarray(getattr(labels, "data", labels))
    return SparseSoftmaxCrossEntropy.apply(logits, Tensor(labels.astype(np.int64, copy=False)))


def softmax_cross_entropy(target, logits):
    """Per-sample cross-entropy of probability rows ``target`` against ``logits``."""
    logits = as_tensor(logits)
    return SoftmaxCrossEntropy.apply(logits, as_tensor(target, like=logits))


def sigmoid_cross_entropy(target, logits):
    """Elementwise binary cross-entropy of ``target`` in [0, 1] against ``logits``."""
    logits = as_tensor(logits)
    return SigmoidCrossEntropy.apply(logits, as_tensor(target, like=logits))
