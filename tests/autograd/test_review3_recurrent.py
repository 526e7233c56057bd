"""Review 3 of the fused recurrent ops: regression tests for the defects found."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import layers
from shenjing.autograd.ops.recurrent import gru_sequence, lstm_sequence, simple_rnn_sequence
from shenjing.layers.rnn import fused

U, D, T = 2, 3, 4


def _op_case(kind, reset_after, use_bias, batch):
    rng = np.random.default_rng(0)
    k = {"lstm": 4, "gru": 3, "simple": 1}[kind]
    x = rng.standard_normal((batch, T, D))
    w, r = rng.standard_normal((D, k * U)), rng.standard_normal((U, k * U))
    b = None
    if use_bias:
        b = rng.standard_normal((2, k * U) if kind == "gru" and reset_after else (k * U,))
    states = [rng.standard_normal((batch, U)) for _ in range(2 if kind == "lstm" else 1)]
    return [x, w, r] + states + ([b] if use_bias else [])


@pytest.mark.parametrize("kind, reset_after", [("lstm", True), ("gru", True), ("gru", False),
                                               ("simple", True)])
@pytest.mark.parametrize("use_bias", [True, False])
def test_an_empty_batch_runs_forward_and_backward(kind, reset_after, use_bias):
    """B = 0 (e.g. the empty tail of a dataset) used to fail in reshape(0, -1)."""
    arrays = _op_case(kind, reset_after, use_bias, batch=0)
    tensors = [sj.Tensor(a, requires_grad=True) for a in arrays]
    x, w, r = tensors[:3]
    b = tensors[-1] if use_bias else None
    mask = np.zeros((0, T), bool)
    if kind == "lstm":
        outs = lstm_sequence(x, w, r, b, tensors[3:5], mask=mask, go_backwards=True)
    elif kind == "gru":
        outs = gru_sequence(x, w, r, b, tensors[3], mask=mask, reset_after=reset_after)
    else:
        outs = simple_rnn_sequence(x, w, r, b, tensors[3], mask=mask)
    assert outs[0].shape == (0, T, U)
    assert all(o.shape == (0, U) for o in outs[1:])
    sum(o.sum() for o in outs).backward()
    for t, a in zip(tensors, arrays):
        assert t.grad.shape == a.shape
        np.testing.assert_array_equal(t.grad, np.zeros_like(a))


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_an_empty_batch_gives_the_generic_loop_result(cls):
    x = np.zeros((0, T, D), dtype="float32")
    results = []
    for enabled in (True, False):
        sj.set_random_seed(1)
        layer = cls(U, return_sequences=True, return_state=True)
        previous = fused.set_enabled(enabled)
        try:
            results.append([o.numpy() for o in layer(x)])
        finally:
            fused.set_enabled(previous)
    for a, b in zip(*results):
        assert a.shape == b.shape and a.dtype == b.dtype


@pytest.mark.parametrize("call, message", [
    (lambda x: lstm_sequence(x, np.ones((D, 8)), np.ones((U, 8)), np.ones(5)), "bias of shape"),
    (lambda x: simple_rnn_sequence(x, np.ones((D, U)), np.ones((U, U)), np.ones((2, U))),
     "bias of shape"),
    (lambda x: lstm_sequence(x, np.ones((D, 8)), np.ones((U, 6))), "kernel"),
    (lambda x: gru_sequence(x, np.ones((D, 6)), np.ones((U, 8))), "kernel"),
    (lambda x: simple_rnn_sequence(x, np.ones((D, U)), np.ones((U, 3))), "kernel"),
])
def test_weights_of_the_wrong_shape_raise_a_clear_error(call, message):
    """These used to fail inside concatenate / matmul with NumPy's message."""
    with pytest.raises(ValueError, match=message):
        call(np.zeros((2, T, D)))


@pytest.mark.parametrize("module", ["recurrent_lstm", "recurrent_gru", "recurrent"])
def test_each_recurrent_module_imports_first_in_a_fresh_interpreter(module):
    """recurrent.py re-exported lstm_sequence / gru_sequence by importing them at its end, so
    importing recurrent_lstm (or _gru) before recurrent failed with a circular ImportError."""
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    code = (f"import shenjing.autograd.ops.{module}\n"
            "from shenjing.autograd.ops.recurrent import gru_sequence, lstm_sequence\n")
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]


@pytest.mark.parametrize("kind", ["lstm", "gru", "simple"])
def test_backward_leaves_the_incoming_gradient_alone(kind):
    """With B = 1 the time-major dy was a view of the incoming gradient, and
    zero_output_for_mask zeroed its masked steps in place."""
    from shenjing.autograd.ops.recurrent import SimpleRNNSequence
    from shenjing.autograd.ops.recurrent_gru import GRUSequence
    from shenjing.autograd.ops.recurrent_lstm import LSTMSequence
    cls = {"lstm": LSTMSequence, "gru": GRUSequence, "simple": SimpleRNNSequence}[kind]
    arrays = _op_case(kind, True, False, batch=1)
    tensors = [sj.Tensor(a, requires_grad=True) for a in arrays]
    packed = cls.apply(*tensors, mask=np.array([[True, False, True, False]]),
                       zero_output_for_mask=True)
    g = np.random.default_rng(2).standard_normal(packed.shape)
    before = g.copy()
    packed.backward(g)
    np.testing.assert_array_equal(g, before)


def _fused_and_loop(make, x, training):
    """(outputs, the next random draw) with the fused path on, then off."""
    results, weights = [], None
    for enabled in (True, False):
        sj.set_random_seed(3)
        layer = make()
        layer.build(x.shape)
        if weights is None:
            weights = layer.get_weights()
        layer.set_weights(weights)
        previous = fused.set_enabled(enabled)
        try:
            out = layer(x, training=training).numpy()
        finally:
            fused.set_enabled(previous)
        results.append((out, sj.random.uniform((3,)).numpy()))
    return results


@pytest.mark.parametrize("training", [True, False])
def test_simple_rnn_with_recurrent_dropout_one_matches_the_loop(training):
    """SimpleRNNCell applies its recurrent mask whenever one exists in training (Keras 3), also
    for recurrent_dropout=1.0, where the fused path's 0 < rate < 1 test let it run without it."""
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32")
    (out_f, draw_f), (out_l, draw_l) = _fused_and_loop(
        lambda: layers.SimpleRNN(2, recurrent_dropout=1.0, seed=1), x, training)
    np.testing.assert_allclose(out_f, out_l, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(draw_f, draw_l)


@pytest.mark.parametrize("cls, extra", [(layers.LSTM, {}), (layers.GRU, {}),
                                        (layers.GRU, {"reset_after": False}), (layers.SimpleRNN, {})])
@pytest.mark.parametrize("numpy_steps", [False, True])
def test_nan_or_inf_on_masked_steps_changes_nothing(cls, extra, numpy_steps, monkeypatch):
    """A masked step's input reaches no output, so NaN / inf padding there must give the same
    outputs and gradients as zero padding. The NumPy steps made NaN gradients of it (0 * NaN)
    while the compiled steps gave finite ones; both fed it into dW."""
    from shenjing.backend.kernels import recurrent as steps, recurrent_numpy
    if numpy_steps:
        monkeypatch.setattr(steps, "steps", lambda *arrays: recurrent_numpy)
    rng = np.random.default_rng(5)
    clean = rng.standard_normal((2, T, D))
    mask = np.ones((2, T), bool)
    mask[0, 3] = mask[1, 0] = False
    dirty = clean.copy()
    dirty[0, 3], dirty[1, 0] = np.nan, np.inf
    clean[~mask] = 0
    results = []
    for x in (dirty, clean):
        sj.set_random_seed(0)
        layer = cls(U, dtype="float64", return_sequences=True, go_backwards=True, **extra)
        layer.build(x.shape)
        tensor = sj.Tensor(x, requires_grad=True)
        out = layer(tensor, mask=mask)
        (out * np.linspace(-1, 1, out.size).reshape(out.shape)).sum().backward()
        results.append([out.numpy(), tensor.grad] + [w.grad for w in layer.trainable_weights])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
