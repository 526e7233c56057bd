"""The fused recurrences against PyTorch's nn.LSTM / nn.GRU / nn.RNN with the weights mapped
(Keras's kernel (D, kU) is torch's weight_ih^T; torch orders the GRU gates r, z, n where Keras
has z, r, h): values and gradients of inputs, weights, biases and initial states."""

import numpy as np
import pytest

import shenjing as sj
from shenjing.autograd.ops.recurrent import gru_sequence, lstm_sequence, simple_rnn_sequence

torch = pytest.importorskip("torch")

B, T, D, U = 3, 6, 4, 5


def _gru_to_torch(a, u):
    """Keras's [z, r, h] gate blocks (last axis) in torch's order [r, z, n], transposed."""
    return np.concatenate([a[..., u:2 * u], a[..., :u], a[..., 2 * u:]], axis=-1).T


def _gru_from_torch(a, u):
    a = a.T
    return np.concatenate([a[..., u:2 * u], a[..., :u], a[..., 2 * u:]], axis=-1)


@pytest.mark.parametrize("kind", ["lstm", "gru", "simple"])
def test_values_and_gradients_match_torch(kind):
    rng = np.random.default_rng({"lstm": 1, "gru": 2, "simple": 3}[kind])
    k = {"lstm": 4, "gru": 3, "simple": 1}[kind]
    x = rng.standard_normal((B, T, D))
    w, r = rng.standard_normal((D, k * U)) * 0.5, rng.standard_normal((U, k * U)) * 0.5
    b = rng.standard_normal((2, k * U) if kind == "gru" else (k * U,)) * 0.5
    states = [rng.standard_normal((B, U)) for _ in range(2 if kind == "lstm" else 1)]

    ours = [sj.Tensor(a, requires_grad=True) for a in [x, w, r, b] + states]
    if kind == "lstm":
        outs = lstm_sequence(*ours[:4], initial_state=ours[4:])
    elif kind == "gru":
        outs = gru_sequence(*ours[:4], initial_state=ours[4])
    else:
        outs = simple_rnn_sequence(*ours[:4], initial_state=ours[4])
    weights = [np.random.default_rng(9).standard_normal(o.shape) for o in outs]
    sum((o * g).sum() for o, g in zip(outs, weights)).backward()

    module = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "simple": torch.nn.RNN}[kind](
        D, U, batch_first=True).double()
    to_torch = (lambda a: _gru_to_torch(a, U)) if kind == "gru" else (lambda a: a.T)
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(to_torch(w))))
        module.weight_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(to_torch(r))))
        b_ih, b_hh = (b[0], b[1]) if kind == "gru" else (b, np.zeros_like(b))
        module.bias_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(to_torch(b_ih))))
        module.bias_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(to_torch(b_hh))))
    tx = torch.from_numpy(x).requires_grad_()
    ts = [torch.from_numpy(s[None]).requires_grad_() for s in states]
    y, final = module(tx, tuple(ts) if kind == "lstm" else ts[0])
    finals = list(final) if kind == "lstm" else [final]
    theirs = [y] + [f[0] for f in finals]
    sum((o * torch.from_numpy(g)).sum() for o, g in zip(theirs, weights)).backward()

    for a, t in zip(outs, theirs):
        np.testing.assert_allclose(a.numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
    from_torch = (lambda a: _gru_from_torch(a, U)) if kind == "gru" else (lambda a: a.T)
    np.testing.assert_allclose(ours[0].grad, tx.grad.numpy(), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(ours[1].grad, from_torch(module.weight_ih_l0.grad.numpy()), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(ours[2].grad, from_torch(module.weight_hh_l0.grad.numpy()), rtol=1e-9, atol=1e-11)
    db_ih = from_torch(module.bias_ih_l0.grad.numpy())
    db_hh = from_torch(module.bias_hh_l0.grad.numpy())
    want_db = np.stack([db_ih, db_hh]) if kind == "gru" else db_ih
    np.testing.assert_allclose(ours[3].grad, want_db, rtol=1e-9, atol=1e-11)
    for s, t in zip(ours[4:], ts):
        np.testing.assert_allclose(s.grad, t.grad.numpy()[0], rtol=1e-9, atol=1e-11)
