"""SimpleRNN, LSTM and GRU against PyTorch's nn.RNN, nn.LSTM and nn.GRU with the weights mapped:
outputs, final states, and the gradients of the input, the initial states and every weight.

Mapping: kernel = weight_ih.T, recurrent_kernel = weight_hh.T. PyTorch's LSTM gates are
i, f, g, o (Keras's i, f, c, o: the same order) and it has two biases: bias = b_ih + b_hh.
PyTorch's GRU gates are r, z, n (Keras's z, r, h: the first two swap) and its
n = tanh(W_in x + b_in + r * (W_hn h + b_hn)) is Keras's reset_after=True, whose bias rows
are b_ih and b_hh.
"""

import numpy as np
import pytest

import shenjing
from shenjing import layers

torch = pytest.importorskip("torch")

BATCH, STEPS, FEATURES, UNITS = 3, 6, 4, 5


def _gru_order(array):
    """PyTorch's (r, z, n) blocks on axis 0 -> Keras's (z, r, h)."""
    r, z, n = np.split(array, 3, axis=0)
    return np.concatenate([z, r, n], axis=0)


def _map_weights(kind, module):
    w = {name: p.detach().numpy() for name, p in module.named_parameters()}
    if kind == "GRU":
        return [_gru_order(w["weight_ih_l0"]).T, _gru_order(w["weight_hh_l0"]).T,
                np.stack([_gru_order(w["bias_ih_l0"]), _gru_order(w["bias_hh_l0"])])]
    return [w["weight_ih_l0"].T, w["weight_hh_l0"].T, w["bias_ih_l0"] + w["bias_hh_l0"]]


def _map_grads(kind, module):
    """PyTorch's gradients in our weights' layout (both biases get the same gradient)."""
    g = {name: p.grad.numpy() for name, p in module.named_parameters()}
    if kind == "GRU":
        return [_gru_order(g["weight_ih_l0"]).T, _gru_order(g["weight_hh_l0"]).T,
                np.stack([_gru_order(g["bias_ih_l0"]), _gru_order(g["bias_hh_l0"])])]
    np.testing.assert_allclose(g["bias_ih_l0"], g["bias_hh_l0"])
    return [g["weight_ih_l0"].T, g["weight_hh_l0"].T, g["bias_ih_l0"]]


TORCH = {"SimpleRNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("seed", [0, 1])
def test_against_torch(kind, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    module = TORCH[kind](FEATURES, UNITS, batch_first=True).double()
    x = rng.standard_normal((BATCH, STEPS, FEATURES))
    n_states = 2 if kind == "LSTM" else 1
    init = [rng.standard_normal((BATCH, UNITS)) for _ in range(n_states)]
    w_seq = rng.standard_normal((BATCH, STEPS, UNITS))
    w_states = [rng.standard_normal((BATCH, UNITS)) for _ in range(n_states)]

    tx = torch.tensor(x, requires_grad=True)
    tinit = [torch.tensor(s[None], requires_grad=True) for s in init]   # (layers, batch, units)
    t_seq, t_final = module(tx, tuple(tinit) if kind == "LSTM" else tinit[0])
    t_states = list(t_final) if kind == "LSTM" else [t_final]
    t_states = [s[0] for s in t_states]
    loss = (t_seq * torch.tensor(w_seq)).sum() + sum(
        (s * torch.tensor(w)).sum() for s, w in zip(t_states, w_states))
    loss.backward()

    layer = getattr(layers, kind)(UNITS, return_sequences=True, return_state=True, dtype="float64")
    layer.build((BATCH, STEPS, FEATURES))
    layer.set_weights(_map_weights(kind, module))
    sx = shenjing.Tensor(x, requires_grad=True)
    sinit = [shenjing.Tensor(s, requires_grad=True) for s in init]
    seq, *states = layer(sx, initial_state=sinit)
    ours = (seq * w_seq).sum()
    for s, w in zip(states, w_states):
        ours = ours + (s * w).sum()
    ours.backward()

    tol = {"rtol": 1e-9, "atol": 1e-11}
    np.testing.assert_allclose(seq.numpy(), t_seq.detach().numpy(), **tol)
    for s, t in zip(states, t_states):
        np.testing.assert_allclose(s.numpy(), t.detach().numpy(), **tol)
    np.testing.assert_allclose(sx.grad, tx.grad.numpy(), **tol)
    for s, t in zip(sinit, tinit):
        np.testing.assert_allclose(s.grad, t.grad.numpy()[0], **tol)
    for w, g in zip(layer.trainable_weights, _map_grads(kind, module)):
        np.testing.assert_allclose(w.grad, g, err_msg=w.name, **tol)
