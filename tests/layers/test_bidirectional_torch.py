"""Bidirectional(LSTM) against PyTorch's nn.LSTM(bidirectional=True), the weights mapped
(Keras's kernel (in, 4u) with gates i, f, c, o is the transpose of torch's weight_ih with gates
i, f, g, o; torch's two biases sum to Keras's one): outputs, final states and the gradients of
the input and of every weight."""

import numpy as np
import pytest

import shenjing
from shenjing import layers

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("seed, units, return_sequences", [(0, 4, True), (1, 3, False)])
def test_bidirectional_lstm_matches_torch(seed, units, return_sequences):
    r = np.random.default_rng(seed)
    batch, steps, features = 3, 5, 2
    x = r.standard_normal((batch, steps, features)).astype("float32")
    ours = layers.Bidirectional(layers.LSTM(units, return_sequences=return_sequences, return_state=True))
    ours.build(x.shape)
    ours.set_weights([r.standard_normal(w.shape).astype("float32") * 0.5 for w in ours.weights])
    kf, rf, bf, kb, rb, bb = ours.get_weights()

    net = torch.nn.LSTM(features, units, batch_first=True, bidirectional=True)
    with torch.no_grad():
        for suffix, (k, rk, b) in (("", (kf, rf, bf)), ("_reverse", (kb, rb, bb))):
            getattr(net, f"weight_ih_l0{suffix}").copy_(torch.tensor(k.T))
            getattr(net, f"weight_hh_l0{suffix}").copy_(torch.tensor(rk.T))
            getattr(net, f"bias_ih_l0{suffix}").copy_(torch.tensor(b))
            getattr(net, f"bias_hh_l0{suffix}").zero_()
    xt = torch.tensor(x, requires_grad=True)
    seq, (h_n, c_n) = net(xt)
    last = torch.cat([seq[:, -1, :units], seq[:, 0, units:]], dim=-1)
    theirs = [seq if return_sequences else last, h_n[0], c_n[0], h_n[1], c_n[1]]

    xs = shenjing.Tensor(x, requires_grad=True)
    mine = ours(xs)
    assert len(mine) == 5
    for a, b in zip(mine, theirs):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-5)

    ws = [r.standard_normal(tuple(b.shape)).astype("float32") for b in theirs]
    sum((a * shenjing.Tensor(w)).sum() for a, w in zip(mine, ws)).backward()
    sum((b * torch.tensor(w)).sum() for b, w in zip(theirs, ws)).backward()
    np.testing.assert_allclose(xs.grad, xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    grads = [w.grad for w in ours.weights]
    for i, suffix in ((0, ""), (3, "_reverse")):
        np.testing.assert_allclose(grads[i], getattr(net, f"weight_ih_l0{suffix}").grad.numpy().T, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(grads[i + 1], getattr(net, f"weight_hh_l0{suffix}").grad.numpy().T, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(grads[i + 2], getattr(net, f"bias_ih_l0{suffix}").grad.numpy(), rtol=1e-4, atol=1e-5)
