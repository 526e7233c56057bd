"""The fused scaled dot-product attention op (shenjing.autograd.ops.attention) through the op
harness: numerical gradients, float32 against float64, no mutation; and its values against
the formula written with NumPy."""

import numpy as np

from op_harness import harness_tests
from shenjing.autograd.ops.attention import scaled_dot_product_attention as sdpa

_R = np.random.default_rng(7)


def randn(*shape):
    return _R.standard_normal(shape)


_KEEP = np.array([[True, False, True, True], [False, False, False, False], [True, True, False, True]])
_DROP = (_R.random((2, 3, 4)) > 0.3) / 0.7

CASES = [
    (lambda q, k, v: sdpa(q, k, v, scale=0.5), [randn(2, 3, 5), randn(2, 4, 5), randn(2, 4, 2)], {}),
    # a query with every key masked: a uniform average (Keras's dot_product_attention) ...
    (lambda q, k, v: sdpa(q, k, v, keep=_KEEP), [randn(2, 3, 5), randn(2, 4, 5), randn(2, 4, 3)], {}),
    # ... or zeros (Keras's softmax-layer path), with dropout on the weights
    (lambda q, k, v: sdpa(q, k, v, keep=_KEEP, zero_masked=True, drop=_DROP, scale=0.3),
     [randn(2, 3, 5), randn(2, 4, 5), randn(2, 4, 3)], {}),
    (lambda q, k, v: sdpa(q, k, v, keep=np.tril(np.ones((3, 3), bool))),
     [randn(1, 2, 3, 2), randn(1, 2, 3, 2), randn(1, 2, 3, 4)], {}),
]

(test_gradcheck, test_float32_gradients_keep_dtype_and_match_float64,
 test_ops_change_neither_inputs_nor_gradients_nor_saved_values) = harness_tests(CASES)


def test_values_match_the_formula():
    q, k, v = randn(2, 3, 5), randn(2, 4, 5), randn(2, 4, 3)
    logits = np.where(_KEEP, q @ k.transpose(0, 2, 1) * 0.3, -1e9)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p = p / p.sum(-1, keepdims=True) * _KEEP
    expected = (p * _DROP) @ v
    out = sdpa(q, k, v, keep=_KEEP, zero_masked=True, drop=_DROP, scale=0.3).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-12)
    assert np.all(out[:, 1] == 0)  # the query with no key left


def test_float16_query_with_no_key_left_is_finite():
    # -1e9 is -inf in float16: the fill must stay finite, or a fully masked row is NaN.
    q, k, v = randn(2, 3, 5), randn(2, 4, 5), randn(2, 4, 3)
    ref = sdpa(q, k, v, keep=_KEEP, scale=0.3).numpy()
    for zero_masked in (False, True):
        out = sdpa(q.astype(np.float16), k.astype(np.float16), v.astype(np.float16),
                   keep=_KEEP, scale=0.3, zero_masked=zero_masked).numpy()
        assert out.dtype == np.float16
        expected = ref * (_KEEP.any(-1)[:, None] if zero_masked else 1)
        np.testing.assert_allclose(out, expected, atol=2e-2, rtol=2e-2)
