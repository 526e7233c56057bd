"""The fused whole-sequence recurrences (autograd/ops/recurrent*.py): gradient checks through the
op harness, equality with a plain loop of Keras's cells, and the compiled step loops
against their NumPy twins."""

import itertools

import numpy as np
import pytest

from shenjing.autograd.ops import concatenate, reshape
from shenjing.autograd.ops.recurrent import gru_sequence, lstm_sequence, simple_rnn_sequence
from shenjing.backend import kernels
from op_harness import harness_tests
import recurrent_reference as ref

_R = np.random.default_rng(7)
B, T, D, U = 2, 4, 3, 2
MASK = np.array([[True, False, True, True], [False, True, True, False]])
ALL_MASKED_ROW = np.array([[True, True, False, True], [False, False, False, False]])


def randn(*shape, scale=0.6):
    return _R.standard_normal(shape) * scale


def flat(*parts):
    """One tensor of every output, so that the harness differentiates them all."""
    return concatenate([reshape(p, (p.shape[0], -1)) for p in parts], axis=1)


def lstm_case(mask=None, go_backwards=False, zero=False, act="tanh", ract="sigmoid", bias=True):
    def fn(x, w, r, h0, c0, *b):
        return flat(*lstm_sequence(x, w, r, b[0] if b else None, [h0, c0], mask=mask,
                                   go_backwards=go_backwards, zero_output_for_mask=zero,
                                   activation=act, recurrent_activation=ract))
    inputs = [randn(B, T, D), randn(D, 4 * U), randn(U, 4 * U), randn(B, U), randn(B, U)]
    return fn, inputs + ([randn(4 * U)] if bias else [])


def gru_case(reset_after, mask=None, go_backwards=False, zero=False, act="tanh", ract="sigmoid",
             bias=True):
    def fn(x, w, r, h0, *b):
        return flat(*gru_sequence(x, w, r, b[0] if b else None, h0, mask=mask,
                                  go_backwards=go_backwards, zero_output_for_mask=zero,
                                  activation=act, recurrent_activation=ract, reset_after=reset_after))
    shape = (2, 3 * U) if reset_after else (3 * U,)
    inputs = [randn(B, T, D), randn(D, 3 * U), randn(U, 3 * U), randn(B, U)]
    return fn, inputs + ([randn(*shape)] if bias else [])


def simple_case(mask=None, go_backwards=False, zero=False, act="tanh", bias=True):
    def fn(x, w, r, h0, *b):
        return flat(*simple_rnn_sequence(x, w, r, b[0] if b else None, h0, mask=mask,
                                         go_backwards=go_backwards, zero_output_for_mask=zero,
                                         activation=act))
    inputs = [randn(B, T, D), randn(D, U), randn(U, U), randn(B, U)]
    return fn, inputs + ([randn(U)] if bias else [])


CASES = []


def case(name, made):
    CASES.append(pytest.param(made[0], made[1], {}, id=name))


for mask, gb, zero in [(None, False, False), (MASK, False, False), (MASK, True, True),
                       (ALL_MASKED_ROW, True, False)]:
    tag = f"mask{mask is not None and mask.sum()}-back{int(gb)}-zero{int(zero)}"
    case(f"lstm-{tag}", lstm_case(mask, gb, zero))
    case(f"gru_after-{tag}", gru_case(True, mask, gb, zero))
    case(f"gru_before-{tag}", gru_case(False, mask, gb, zero))
    case(f"simple-{tag}", simple_case(mask, gb, zero))
case("lstm-nobias-hardsig-relu", lstm_case(MASK, act="relu", ract="hard_sigmoid", bias=False))
case("gru_after-nobias-linear", gru_case(True, act=None, ract="sigmoid", bias=False))
case("gru_before-relu-hardsig", gru_case(False, MASK, act="relu", ract="hard_sigmoid"))
case("simple-relu-nobias", simple_case(act="relu", bias=False))


def zero_state_case(sequence, k, bias_shape, mask=None):
    """No initial state: zeros, where the ops skip h_0 R and its share of dR."""
    def fn(x, w, r, b):
        return flat(*sequence(x, w, r, b, mask=mask, go_backwards=True))
    return fn, [randn(B, T, D), randn(D, k * U), randn(U, k * U), randn(*bias_shape)]


case("lstm-zero-state", zero_state_case(lstm_sequence, 4, (4 * U,), MASK))
case("gru_after-zero-state", zero_state_case(gru_sequence, 3, (2, 3 * U)))
case("simple-zero-state", zero_state_case(simple_rnn_sequence, 1, (U,), MASK))

test_gradcheck, test_float32_gradients, test_no_mutation = harness_tests(CASES)


# -- the same values as a plain loop of Keras's cells ---------------------------------------------
CONFIGS = list(itertools.product([None, MASK, ALL_MASKED_ROW], [False, True], [False, True]))


@pytest.mark.parametrize("mask, go_backwards, zero", CONFIGS)
def test_values_match_a_plain_loop_of_the_cells(mask, go_backwards, zero):
    x, h0, c0 = randn(B, T, D), randn(B, U), randn(B, U)
    opts = dict(mask=mask, go_backwards=go_backwards, zero_output_for_mask=zero)
    w, r, b = randn(D, 4 * U), randn(U, 4 * U), randn(4 * U)
    got = lstm_sequence(x, w, r, b, [h0, c0], **opts)
    y, (h, c) = ref.run(ref.lstm_step(w, r, b), x, [h0, c0], mask, go_backwards, zero)
    _close(got, [y, h, c])
    for reset_after in (True, False):
        w, r = randn(D, 3 * U), randn(U, 3 * U)
        b = randn(2, 3 * U) if reset_after else randn(3 * U)
        got = gru_sequence(x, w, r, b, h0, reset_after=reset_after, **opts)
        y, (h,) = ref.run(ref.gru_step(w, r, b, reset_after), x, [h0], mask, go_backwards, zero)
        _close(got, [y, h])
    w, r, b = randn(D, U), randn(U, U), randn(U)
    got = simple_rnn_sequence(x, w, r, b, h0, **opts)
    y, (h,) = ref.run(ref.simple_step(w, r, b), x, [h0], mask, go_backwards, zero)
    _close(got, [y, h])


def test_zero_initial_state_by_default_and_keras_activations():
    x = randn(B, T, D)
    w, r = randn(D, 4 * U), randn(U, 4 * U)
    got = lstm_sequence(x, w, r, activation="relu", recurrent_activation="hard_sigmoid")
    zeros = np.zeros((B, U))
    y, (h, c) = ref.run(ref.lstm_step(w, r, None, "relu", "hard_sigmoid"), x, [zeros, zeros])
    _close(got, [y, h, c])


def test_unsupported_activation_and_bad_shapes_say_what_was_expected():
    x = randn(B, T, D)
    with pytest.raises(ValueError, match="supports the activations"):
        lstm_sequence(x, randn(D, 4 * U), randn(U, 4 * U), activation="gelu")
    with pytest.raises(ValueError, match="bias of shape"):
        gru_sequence(x, randn(D, 3 * U), randn(U, 3 * U), randn(3 * U), reset_after=True)
    with pytest.raises(ValueError, match="mask of shape"):
        simple_rnn_sequence(x, randn(D, U), randn(U, U), mask=np.ones((B, T + 1), bool))


def _close(got, want):
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w, rtol=1e-10, atol=1e-12)


# -- compiled step loops against their NumPy twins ------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_compiled_and_numpy_steps_agree(dtype):
    if not kernels.available():
        pytest.skip("the compiled loops are off or numba is missing")
    made = [lstm_case(MASK, True), lstm_case(act="relu", ract="hard_sigmoid"),
            gru_case(True, MASK), gru_case(False, MASK, True), simple_case(MASK, act="relu"),
            gru_case(False, act=None, ract="hard_sigmoid")]
    import shenjing as sj
    for fn, inputs in made:
        results = []
        for switch in (True, False):
            with kernels.disabled() if not switch else _nothing():
                tensors = [sj.Tensor(np.asarray(a, dtype=dtype), requires_grad=True) for a in inputs]
                out = fn(*tensors)
                (out * np.linspace(-1, 1, out.size).reshape(out.shape)).sum().backward()
                results.append([out.numpy()] + [t.grad for t in tensors])
        tol = 1e-5 if dtype == np.float32 else 1e-12
        for a, b in zip(*results):
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_the_compiled_steps_run_whatever_the_weights_layout(monkeypatch):
    """The step loops touch only the op's own buffers: a transposed (F-ordered) recurrent
    kernel, as an initializer may give, must not send the op to the NumPy steps."""
    if not kernels.available():
        pytest.skip("the compiled loops are off or numba is missing")
    from shenjing.backend.kernels import recurrent as switch, recurrent_numpy
    chosen = []
    real = switch.steps
    monkeypatch.setattr(switch, "steps", lambda *a: chosen.append(real(*a)) or chosen[-1])
    r = np.asfortranarray(randn(U, 4 * U).astype(np.float32))
    w = randn(D, 4 * U).astype(np.float32)
    import shenjing as sj
    y, h, c = lstm_sequence(randn(B, T, D).astype(np.float32), sj.Tensor(w, requires_grad=True),
                            sj.Tensor(r, requires_grad=True))
    h.sum().backward()
    assert len(chosen) == 2 and recurrent_numpy not in chosen
