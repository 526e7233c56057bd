"""Gradient checks for ``keras.ops.math``: segment reductions, top_k values, logsumexp, the erf
family, rsqrt, framing, cdist, logdet and the Fourier transforms (fft/fft2/ifft2/rfft/irfft,
stft/istft are differentiable: each transform's backward is its adjoint). Harness as in
tests/autograd/test_autograd_op_gradients.py."""

import numpy as np
import pytest

from op_harness import harness_tests
from shenjing import ops

_R = np.random.default_rng(2468)
CASES = []
COVERED = set()

# Boolean or complex-valued: values tested in test_ops_math_values.py.
NO_GRADIENT = {"in_top_k", "view_as_complex", "view_as_real"}


def case(op, case_id, fn, *inputs, **tolerance):
    COVERED.add(op)
    CASES.append(pytest.param(fn, inputs, tolerance, id=f"{op}-{case_id}"))


def randn(*shape):
    return _R.standard_normal(shape)


def distinct(*shape):
    n = int(np.prod(shape))
    return ((_R.permutation(n) - n / 2) * 0.3 + 0.01).reshape(shape)


def pair_sum(fn):
    """A (real, imag) result as one tensor: real + 2 imag (both parts get a gradient)."""
    return lambda *a: (lambda out: out[0] + 2.0 * out[1])(fn(*a))


IDS = np.array([0, 2, 0, 1, 2, 2])
case("segment_sum", "ids", lambda d: ops.segment_sum(d, IDS), randn(6, 3))
case("segment_sum", "num_segments", lambda d: ops.segment_sum(d, IDS, num_segments=4), randn(6))
case("segment_max", "ids", lambda d: ops.segment_max(d, IDS), distinct(6, 2))
case("segment_min", "ids", lambda d: ops.segment_min(d, IDS), distinct(6, 2))
case("segment_prod", "ids", lambda d: ops.segment_prod(d, IDS), _R.uniform(0.5, 1.5, (6, 2)))
case("segment_prod", "with-zero", lambda d: ops.segment_prod(d, IDS),
     np.array([[0.0, 1.2], [0.7, 0.9], [1.3, 0.0], [1.1, 0.6], [0.8, 1.4], [1.5, 0.5]]))
case("top_k", "k2", lambda x: ops.top_k(x, 2)[0], distinct(3, 5))
case("top_k", "3d", lambda x: ops.top_k(x, 3)[0], distinct(2, 2, 4))
case("logsumexp", "axis", lambda x: ops.logsumexp(x, axis=1), randn(3, 4))
case("logsumexp", "all", ops.logsumexp, randn(3, 4))
case("erf", "plain", ops.erf, randn(3, 4))
case("erfc", "plain", ops.erfc, randn(3, 4))
case("erfinv", "plain", ops.erfinv, _R.uniform(-0.9, 0.9, (3, 4)))
case("rsqrt", "plain", ops.rsqrt, _R.uniform(0.5, 2.0, (3, 4)))
case("extract_sequences", "overlap", lambda x: ops.extract_sequences(x, 3, 2), randn(2, 9))
case("extract_sequences", "gap", lambda x: ops.extract_sequences(x, 2, 3), randn(8))
case("cdist", "2d", ops.cdist, randn(3, 4), randn(2, 4))
case("cdist", "batched", ops.cdist, randn(2, 3, 2), randn(2, 4, 2))
case("logdet", "spd", ops.logdet, np.eye(3) * 2 + 0.3 * randn(3, 3))
case("logdet", "batched", ops.logdet, np.eye(2) * 1.5 + 0.3 * randn(2, 2, 2))
case("fft", "1d", pair_sum(lambda r, i: ops.fft((r, i))), randn(2, 5), randn(2, 5))
case("fft2", "2d", pair_sum(lambda r, i: ops.fft2((r, i))), randn(3, 4), randn(3, 4))
case("ifft2", "2d", pair_sum(lambda r, i: ops.ifft2((r, i))), randn(2, 3, 4), randn(2, 3, 4))
case("rfft", "even", pair_sum(ops.rfft), randn(2, 8))
case("rfft", "odd", pair_sum(ops.rfft), randn(7))
case("rfft", "padded", pair_sum(lambda x: ops.rfft(x, fft_length=10)), randn(2, 6))
case("rfft", "cut", pair_sum(lambda x: ops.rfft(x, fft_length=5)), randn(8))
case("irfft", "even", lambda r, i: ops.irfft((r, i)), randn(2, 5), randn(2, 5))
case("irfft", "odd-length", lambda r, i: ops.irfft((r, i), fft_length=7), randn(4), randn(4))
case("irfft", "cut", lambda r, i: ops.irfft((r, i), fft_length=4), randn(6), randn(6))
case("irfft", "padded", lambda r, i: ops.irfft((r, i), fft_length=12), randn(3), randn(3))
case("stft", "hann-center", pair_sum(lambda x: ops.stft(x, 6, 3, 8)), randn(2, 20))
case("stft", "hamming-no-center", pair_sum(lambda x: ops.stft(x, 4, 2, 4, window="hamming",
                                                              center=False)), randn(11))
case("istft", "hann-center", lambda r, i: ops.istft((r, i), 8, 4, 8), randn(5, 5), randn(5, 5))
case("istft", "no-window-length", lambda r, i: ops.istft((r, i), 4, 2, 6, length=7, window=None,
                                                         center=False), randn(4, 4), randn(4, 4))


# -- the tests: the shared harness (op_harness.py) over this module's CASES --------------
(test_gradcheck, test_float32_gradients_keep_dtype_and_match_float64,
 test_ops_change_neither_inputs_nor_gradients_nor_saved_values) = harness_tests(CASES)
