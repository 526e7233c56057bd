"""The attention examples: the tutorials' self-attention layer against its formula in NumPy,
the Transformer blocks' causal mask, and both examples training for a few steps (offline)."""

import math

import numpy as np

from example_loader import load


def test_self_attention_layer_is_the_formula():
    example = load("self_attention")
    x = np.random.default_rng(0).standard_normal((3, 7, 32)).astype("float32")
    layer = example.SelfAttention()
    y, weights = layer(x, return_attention=True)
    assert layer.head_dim == 32 // 8 and y.shape == x.shape
    wq, wk, wv = (getattr(layer, n).kernel.numpy() for n in ("query", "key", "value"))
    wo, bo = layer.projection.kernel.numpy(), layer.projection.bias.numpy()
    q, k, v = x @ wq, x @ wk, x @ wv
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(4)
    a = np.exp(scores - scores.max(-1, keepdims=True))
    a /= a.sum(-1, keepdims=True)
    np.testing.assert_allclose(weights.numpy(), a, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y.numpy(), (a @ v) @ wo + bo, rtol=1e-4, atol=1e-5)


def test_self_attention_example_trains():
    # ~1 s: enough training to beat chance (0.5) clearly; 0.77 measured.
    accuracy = load("self_attention").main(epochs=6, n_train=3000)
    assert accuracy > 0.65


def test_transformer_decoder_is_causal_and_the_example_trains():
    example = load("transformer_reverse")
    model = example.build_model(dim=16, heads=2, hidden=16)
    source, shifted, _ = example.make_data(4, seed=3)
    changed = shifted.copy()
    changed[:, 5:] = (changed[:, 5:] + 1) % example.DIGITS
    before, after = model.predict([source, shifted], verbose=0), model.predict([source, changed], verbose=0)
    np.testing.assert_allclose(before[:, :5], after[:, :5], rtol=1e-5, atol=1e-6)
    assert not np.allclose(before[:, 5:], after[:, 5:])
    token_accuracy, exact = example.main(epochs=1, steps=8, n_train=512, n_test=32)
    assert 0.0 <= exact <= token_accuracy <= 1.0 and token_accuracy > 0.1
