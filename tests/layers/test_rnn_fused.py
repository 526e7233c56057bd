"""SimpleRNN / LSTM / GRU: the fused whole-sequence path (layers/rnn/fused.py) gives the same
outputs, states and gradients as the generic per-step loop, on random configurations
(masks, go_backwards, initial_state, return_state, return_sequences, stateful, input
dropout, zero_output_for_mask), and declines where it does not apply."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import layers
from shenjing.layers.rnn import fused

KINDS = [(layers.SimpleRNN, {}), (layers.LSTM, {}), (layers.GRU, {}),
         (layers.GRU, {"reset_after": False}), (layers.LSTM, {"activation": "relu",
                                                              "recurrent_activation": "hard_sigmoid"})]
B, T, D, U = 3, 5, 4, 3


def _configs():
    rng = np.random.default_rng(11)
    out = []
    for i, (cls, extra) in enumerate(KINDS * 3):
        out.append(pytest.param(cls, extra, {
            "return_sequences": bool(rng.integers(2)), "return_state": bool(rng.integers(2)),
            "go_backwards": bool(rng.integers(2)), "zero_output_for_mask": bool(rng.integers(2)),
            "stateful": i % 5 == 4, "dropout": 0.3 if i % 4 == 1 else 0.0},
            bool(rng.integers(2)), bool(rng.integers(2)) or i % 5 == 4, i,
            id=f"{cls.__name__}{extra.get('reset_after', '')}-{i}"))
    return out


def _run(layer, x, mask, initial_state, training, calls):
    """Outputs of ``calls`` calls, and the gradients of a weighted sum of the last one."""
    tensors = [sj.Tensor(x, requires_grad=True)]
    if initial_state is not None:
        tensors += [sj.Tensor(s, requires_grad=True) for s in initial_state]
    for _ in range(calls):
        kwargs = {"initial_state": tensors[1:]} if initial_state is not None else {}
        result = layer(tensors[0], mask=mask, training=training, **kwargs)
    result = list(result) if isinstance(result, (list, tuple)) else [result]
    total = sum((r * np.linspace(-1, 1, r.size).reshape(r.shape)).sum() for r in result)
    total.backward()
    grads = [t.grad for t in tensors] + [w.grad for w in layer.trainable_weights]
    return [r.numpy() for r in result], grads


@pytest.mark.parametrize("cls, extra, options, with_mask, with_state, seed", _configs())
def test_fused_path_matches_the_generic_loop(cls, extra, options, with_mask, with_state, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((B, T, D))
    mask = rng.random((B, T)) > 0.3 if with_mask else None
    n_states = 2 if cls is layers.LSTM else 1
    stateful = options["stateful"]
    initial = [rng.standard_normal((B, U)) for _ in range(n_states)] if with_state and not stateful else None
    results = []
    for enabled in (True, False):
        sj.set_random_seed(seed)
        layer = cls(U, seed=seed, dtype="float64", **extra, **options)
        layer.build((B, T, D))
        if results:
            layer.set_weights(weights)
        weights = layer.get_weights()
        previous = fused.set_enabled(enabled)
        try:
            results.append(_run(layer, x, mask, initial, training=True, calls=2 if stateful else 1))
        finally:
            fused.set_enabled(previous)
    (out_f, grad_f), (out_l, grad_l) = results
    for a, b in zip(out_f + grad_f, out_l + grad_l):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)


def test_the_fused_path_runs_and_declines_where_it_must(monkeypatch):
    calls = []
    real = fused.run

    def spy(*args):
        result = real(*args)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(fused, "run", spy)
    x = np.random.default_rng(0).standard_normal((B, T, D)).astype("float32")
    layers.LSTM(U)(x)
    layers.GRU(U, recurrent_dropout=0.2)(x, training=True)  # recurrent dropout: the loop
    layers.GRU(U, recurrent_dropout=0.2)(x, training=False)  # inactive: fused
    layers.SimpleRNN(U, activation="gelu")(x)                # no fused gelu: the loop
    layers.LSTM(U, dropout=0.5)(x, training=True)            # one input mask: fused
    assert calls == [True, False, True, False, True]


def test_activation_names():
    assert fused.activation_name(sj.activations.get("tanh")) == "tanh"
    assert fused.activation_name(sj.activations.get("hard_sigmoid")) == "hard_sigmoid"
    assert fused.activation_name(None) == "linear"
    assert fused.activation_name(sj.activations.get("gelu")) is None
    assert fused.activation_name(lambda v: v) is None
