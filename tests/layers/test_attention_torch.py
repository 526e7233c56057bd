"""MultiHeadAttention against torch.nn.MultiheadAttention with the weights mapped (Keras's
(in, heads, key_dim) kernels are torch's in_proj rows transposed): outputs, attention weights
(torch averages them over heads unless average_attn_weights=False), and the gradients of
the input and of every weight, with a key padding mask and a causal mask."""

import numpy as np
import pytest

import shenjing
from shenjing import layers

torch = pytest.importorskip("torch")


def _mapped(layer, width, heads, kdim, vdim):
    w = {v.path.split("/")[-2] + "/" + v.name: v.numpy() for v in layer.weights}
    mha = torch.nn.MultiheadAttention(width, heads, batch_first=True, kdim=kdim, vdim=vdim)
    with torch.no_grad():
        mats = {p: torch.from_numpy(w[f"{p}/kernel"].reshape(w[f"{p}/kernel"].shape[0], -1).T.copy())
                for p in ("query", "key", "value")}
        if kdim == width and vdim == width:
            mha.in_proj_weight.copy_(torch.cat([mats["query"], mats["key"], mats["value"]]))
        else:
            mha.q_proj_weight.copy_(mats["query"])
            mha.k_proj_weight.copy_(mats["key"])
            mha.v_proj_weight.copy_(mats["value"])
        mha.in_proj_bias.copy_(torch.from_numpy(np.concatenate(
            [w[f"{p}/bias"].reshape(-1) for p in ("query", "key", "value")])))
        mha.out_proj.weight.copy_(torch.from_numpy(w["attention_output/kernel"].reshape(-1, width).T.copy()))
        mha.out_proj.bias.copy_(torch.from_numpy(w["attention_output/bias"]))
    return mha


@pytest.mark.parametrize("width, heads, kdim, vdim, t, s, causal, padded", [
    (8, 2, 8, 8, 5, 5, False, False),
    (8, 2, 8, 8, 5, 5, True, True),
    (12, 3, 6, 5, 4, 6, False, True),
])
def test_multi_head_attention_matches_torch(width, heads, kdim, vdim, t, s, causal, padded):
    r = np.random.default_rng(width + t)
    q = r.standard_normal((2, t, width)).astype("float32")
    k = r.standard_normal((2, s, kdim)).astype("float32")
    v = r.standard_normal((2, s, vdim)).astype("float32")
    layer = layers.MultiHeadAttention(heads, width // heads, bias_initializer="random_normal")
    layer.build(q.shape, v.shape, k.shape)
    mha = _mapped(layer, width, heads, kdim, vdim)
    value_mask = np.ones((2, s), bool)
    if padded:
        value_mask[0, -2:] = False
    g = r.standard_normal((2, t, width)).astype("float32")

    qs, ks, vs = (shenjing.Tensor(a, requires_grad=True) for a in (q, k, v))
    y, scores = layer(qs, vs, key=ks, value_mask=value_mask, use_causal_mask=causal,
                      return_attention_scores=True)
    (y * shenjing.Tensor(g)).sum().backward()

    qt, kt, vt = (torch.tensor(a, requires_grad=True) for a in (q, k, v))
    attn_mask = torch.triu(torch.ones(t, s, dtype=torch.bool), 1) if causal else None
    yt, wt = mha(qt, kt, vt, key_padding_mask=torch.from_numpy(~value_mask), attn_mask=attn_mask,
                 average_attn_weights=False)
    (yt * torch.from_numpy(g)).sum().backward()

    tol = dict(rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), **tol)
    np.testing.assert_allclose(scores.numpy(), wt.detach().numpy(), **tol)
    for ours, theirs in ((qs, qt), (ks, kt), (vs, vt)):
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), **tol)
    grads = {v.path.split("/")[-2] + "/" + v.name: v.grad for v in layer.weights}
    if kdim == width and vdim == width:
        in_w = mha.in_proj_weight.grad.numpy().reshape(3, width, width)
    else:
        in_w = [getattr(mha, f"{p}_proj_weight").grad.numpy() for p in "qkv"]
    for i, p in enumerate(("query", "key", "value")):
        kernel_grad = grads[f"{p}/kernel"]
        np.testing.assert_allclose(kernel_grad.reshape(kernel_grad.shape[0], -1).T, in_w[i], **tol)
    np.testing.assert_allclose(np.concatenate([grads[f"{p}/bias"].reshape(-1) for p in ("query", "key", "value")]),
                               mha.in_proj_bias.grad.numpy(), **tol)
    np.testing.assert_allclose(grads["attention_output/kernel"].reshape(-1, width).T,
                               mha.out_proj.weight.grad.numpy(), **tol)
    np.testing.assert_allclose(grads["attention_output/bias"], mha.out_proj.bias.grad.numpy(), **tol)
