"""Differential tests: the same expressions in shenjing and PyTorch, values and gradients compared.

Skipped when torch is not installed (it is an optional, benchmark-only dependency).
"""

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops

torch = pytest.importorskip("torch")
F = torch.nn.functional


def pair(array):
    """The same float64 values as a shenjing leaf and a torch leaf."""
    return sj.tensor(np.array(array, dtype=np.float64), requires_grad=True), torch.tensor(array, requires_grad=True)


def test_mlp_with_log_softmax_loss():
    rng = np.random.default_rng(0)
    x, tx = pair(rng.standard_normal((5, 4)))
    w1, tw1 = pair(rng.standard_normal((4, 6)))
    b1, tb1 = pair(rng.standard_normal(6) * 0.1)
    w2, tw2 = pair(rng.standard_normal((6, 3)))
    b2, tb2 = pair(rng.standard_normal(3) * 0.1)
    labels = np.array([0, 2, 1, 1, 0])

    h = ops.relu(ops.matmul(x, w1) + b1)
    logp = ops.log_softmax(ops.dense(h, w2, b2), axis=-1)
    picked = ops.take(ops.reshape(logp, (-1,)), np.arange(5) * 3 + labels)
    loss = -ops.mean(picked) + 0.01 * ops.sum(ops.square(w1))
    loss.backward()

    th = torch.relu(tx @ tw1 + tb1)
    tlogp = torch.log_softmax(th @ tw2 + tb2, dim=-1)
    tloss = F.nll_loss(tlogp, torch.tensor(labels)) + 0.01 * (tw1 ** 2).sum()
    tloss.backward()

    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-12)
    for ours, theirs in [(x, tx), (w1, tw1), (b1, tb1), (w2, tw2), (b2, tb2)]:
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_cross_entropies_match_torch():
    rng = np.random.default_rng(1)
    z, tz = pair(rng.standard_normal((4, 5)) * 3)
    labels = np.array([4, 0, 2, 2])
    target = rng.dirichlet(np.ones(5), 4)
    bin_target = rng.random((4, 5))

    loss = (ops.sparse_softmax_cross_entropy(labels, z).mean()
            + ops.softmax_cross_entropy(target, z).mean()
            + ops.sigmoid_cross_entropy(bin_target, z).mean())
    loss.backward()
    tloss = (F.cross_entropy(tz, torch.tensor(labels))
             + F.cross_entropy(tz, torch.tensor(target))
             + F.binary_cross_entropy_with_logits(tz, torch.tensor(bin_target)))
    tloss.backward()
    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-12)
    np.testing.assert_allclose(z.grad, tz.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ours, theirs", [
    (ops.sigmoid, torch.sigmoid),
    (ops.tanh, torch.tanh),
    (ops.relu, torch.relu),
    (ops.softplus, F.softplus),
    (ops.silu, F.silu),
    (ops.elu, F.elu),
    (lambda a: ops.elu(a, alpha=0.3), lambda a: F.elu(a, alpha=0.3)),
    (ops.leaky_relu, lambda a: F.leaky_relu(a, 0.2)),  # Keras's default slope is 0.2
    (lambda a: ops.gelu(a, approximate=True), lambda a: F.gelu(a, approximate="tanh")),
    (lambda a: ops.gelu(a, approximate=False), F.gelu),
    (lambda a: ops.softmax(a, axis=0), lambda a: torch.softmax(a, dim=0)),
    (lambda a: ops.log_softmax(a, axis=1), lambda a: torch.log_softmax(a, dim=1)),
    (lambda a: ops.logsumexp(a, axis=0), lambda a: torch.logsumexp(a, dim=0)),
    (lambda a: ops.var(a, axis=1), lambda a: torch.var(a, dim=1, correction=0)),
    (lambda a: ops.std(a, axis=0, keepdims=True), lambda a: torch.std(a, dim=0, correction=0, keepdim=True)),
    (lambda a: ops.max(a, axis=1), lambda a: torch.amax(a, dim=1)),
    (lambda a: ops.min(a, axis=(0, 1)), lambda a: torch.amin(a, dim=(0, 1))),
    (lambda a: ops.clip(a, -0.5, 0.7), lambda a: torch.clamp(a, -0.5, 0.7)),
    (lambda a: a[::-1, [0, 0, 2]], lambda a: a.flip(0)[:, [0, 0, 2]]),
    (lambda a: ops.pad(a, ((1, 0), (2, 1))), lambda a: F.pad(a, (2, 1, 1, 0))),
])
def test_elementwise_and_reductions_match_torch(ours, theirs):
    values = np.random.default_rng(2).standard_normal((3, 4)) * 2
    a, ta = pair(values)
    y, ty = ours(a), theirs(ta)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(3).standard_normal(y.shape)
    y.backward(g)
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(a.grad, ta.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_batched_matmul_broadcast_matches_torch():
    rng = np.random.default_rng(4)
    for sa, sb in [((2, 3, 4), (4, 5)), ((4,), (2, 4, 3)), ((2, 1, 3, 4), (3, 4, 2)), ((4,), (4,))]:
        a, ta = pair(rng.standard_normal(sa))
        b, tb = pair(rng.standard_normal(sb))
        y, ty = ops.matmul(a, b), ta @ tb
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12)
        g = rng.standard_normal(y.shape)
        y.backward(g)
        ty.backward(torch.tensor(g))
        np.testing.assert_allclose(a.grad, ta.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b.grad, tb.grad.numpy(), rtol=1e-10, atol=1e-12)
