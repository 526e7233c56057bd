"""keras.ops.nn and keras.ops.math against real Keras 3 (JAX backend): values and gradients
on random float32 inputs. Each case is one call written once and run on both ``keras.ops``
and ``shenjing.ops``; the gradient is that of sum(out * w) for fixed random weights w."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops as sops

R = np.random.default_rng(7)


def u(*shape, lo=-3.0, hi=3.0):
    return R.uniform(lo, hi, shape).astype(np.float32)


def p(*shape):
    x = R.uniform(0.1, 1.0, shape).astype(np.float32)
    return x / x.sum(-1, keepdims=True)


def ints(hi, *shape):
    return R.integers(0, hi, shape).astype(np.int32)


def distinct(*shape):
    n = int(np.prod(shape))
    return ((R.permutation(n) - n / 2) * 0.3 + 0.01).reshape(shape).astype(np.float32)


def pair(f):
    return lambda o, *a: (lambda out: out[0] + 2.0 * out[1])(f(o, *a))


ACTIVATIONS = ["relu", "relu6", "sigmoid", "sparse_sigmoid", "softplus", "softsign",
               "soft_shrink", "sparse_plus", "silu", "swish", "squareplus", "log_sigmoid",
               "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish", "elu", "selu", "celu",
               "gelu", "tanh_shrink", "hard_tanh", "hard_shrink", "softmax", "log_softmax",
               "glu"]
# sparsemax is left out: Keras 3.15's JAX sparsemax takes tau = (sum of the cumulative sums
# over the support - 1) / k instead of (cumsum[k] - 1) / k, so its rows need not sum to 1;
# shenjing's follows Martins & Astudillo (tests/ops/test_ops_nn_values.py checks it).

CASES = [pytest.param(lambda o, x, _n=n: getattr(o, _n)(x), (u(4, 6, lo=-7, hi=7),), id=n)
         for n in ACTIVATIONS]
CASES += [
    pytest.param(lambda o, x: o.gelu(x, approximate=False), (u(3, 4),), id="gelu-exact"),
    pytest.param(lambda o, x: o.celu(x, alpha=0.7), (u(3, 4),), id="celu-alpha"),
    pytest.param(lambda o, x: o.threshold(x, 0.3, -1.0), (u(3, 4),), id="threshold"),
    pytest.param(lambda o, x: o.squareplus(x, b=2), (u(3, 4),), id="squareplus-b2"),
    pytest.param(lambda o, x: o.softmax(x, axis=0), (u(3, 4),), id="softmax-axis0"),
    pytest.param(lambda o, x: o.glu(x, axis=0), (u(4, 3),), id="glu-axis0"),
    pytest.param(lambda o, t, x: o.binary_crossentropy(t, x), (u(3, 4, lo=0, hi=1),
                 u(3, 4, lo=0.01, hi=0.99)), id="binary_crossentropy"),
    pytest.param(lambda o, t, x: o.binary_crossentropy(t, x, from_logits=True),
                 (u(3, 4, lo=0, hi=1), u(3, 4)), id="binary_crossentropy-logits"),
    pytest.param(lambda o, t, x: o.categorical_crossentropy(t, x), (p(3, 5), p(3, 5)),
                 id="categorical_crossentropy"),
    pytest.param(lambda o, t, x: o.categorical_crossentropy(t, x, from_logits=True),
                 (p(3, 5), u(3, 5)), id="categorical_crossentropy-logits"),
    pytest.param(lambda o, t, x: o.categorical_crossentropy(t, x, from_logits=True, axis=0),
                 (p(4, 3), u(4, 3)), id="categorical_crossentropy-axis0"),
    pytest.param(lambda o, t, x: o.sparse_categorical_crossentropy(t, x), (ints(5, 3), p(3, 5)),
                 id="sparse_categorical_crossentropy"),
    pytest.param(lambda o, t, x: o.sparse_categorical_crossentropy(t, x, from_logits=True),
                 (ints(5, 3, 1), u(3, 5)), id="sparse_categorical_crossentropy-logits"),
    pytest.param(lambda o, a, b: o.psnr(a, b, 1.0), (u(2, 8, lo=0, hi=1), u(2, 8, lo=0, hi=1)),
                 id="psnr"),
    pytest.param(lambda o, x: o.moments(x, axes=[0])[0] + 3.0 * o.moments(x, axes=[0])[1],
                 (u(5, 3),), id="moments"),
    pytest.param(lambda o, x, m, v, b, s: o.batch_normalization(x, m, v, axis=-1, offset=b,
                                                                 scale=s),
                 (u(4, 3), u(3), u(3, lo=0.5, hi=2), u(3), u(3)), id="batch_normalization"),
    pytest.param(lambda o, x: o.normalize(x), (u(3, 4),), id="normalize"),
    pytest.param(lambda o, x: o.normalize(x, axis=0, order=1), (u(3, 4),), id="normalize-l1"),
    pytest.param(lambda o, x, s: o.rms_normalization(x, scale=s), (u(3, 4), u(4)),
                 id="rms_normalization"),
    pytest.param(lambda o, x, g, b: o.layer_normalization(x, gamma=g, beta=b),
                 (u(3, 5), u(5), u(5)), id="layer_normalization"),
    pytest.param(lambda o, q, k, v: o.dot_product_attention(q, k, v),
                 (u(2, 3, 2, 4), u(2, 5, 2, 4), u(2, 5, 2, 4)), id="dot_product_attention"),
    pytest.param(lambda o, q, k, v: o.dot_product_attention(q, k, v, is_causal=True, scale=0.5),
                 (u(1, 4, 2, 3), u(1, 4, 2, 3), u(1, 4, 2, 3)), id="attention-causal"),
    pytest.param(lambda o, q, k, v, b: o.dot_product_attention(
        q, k, v, bias=b, mask=np.array([[[[True, False, True]]]])),
        (u(1, 2, 2, 3), u(1, 3, 2, 3), u(1, 3, 2, 3), u(1, 2, 2, 3)), id="attention-mask-bias"),
    pytest.param(lambda o, q, k, v: o.dot_product_attention(q, k, v),
                 (u(1, 2, 4, 3), u(1, 3, 2, 3), u(1, 3, 2, 3)), id="attention-grouped"),
    pytest.param(lambda o, x: o.depth_to_space(x, 2), (u(1, 2, 3, 8),), id="depth_to_space"),
    pytest.param(lambda o, x: o.space_to_depth(x, 2, data_format="channels_first"),
                 (u(1, 3, 4, 2),), id="space_to_depth-nchw"),
    # keras.ops.math
    pytest.param(lambda o, d: o.segment_sum(d, np.array([0, 2, 0, 1]), num_segments=3), (u(4, 3),),
                 id="segment_sum"),
    pytest.param(lambda o, d: o.segment_max(d, np.array([0, 2, 0, 1]), num_segments=3),
                 (distinct(4, 3),), id="segment_max"),
    pytest.param(lambda o, x: o.top_k(x, 3)[0], (distinct(3, 6),), id="top_k"),
    pytest.param(lambda o, x: o.logsumexp(x, axis=-1), (u(3, 4),), id="logsumexp"),
    pytest.param(lambda o, x: o.erf(x), (u(3, 4),), id="erf"),
    pytest.param(lambda o, x: o.erfinv(x), (u(3, 4, lo=-0.9, hi=0.9),), id="erfinv"),
    pytest.param(lambda o, x: o.rsqrt(x), (u(3, 4, lo=0.5, hi=2),), id="rsqrt"),
    pytest.param(lambda o, x: o.extract_sequences(x, 4, 3), (u(2, 13),), id="extract_sequences"),
    pytest.param(lambda o, a, b: o.cdist(a, b), (u(3, 4), u(5, 4)), id="cdist"),
    pytest.param(lambda o, x: o.logdet(x), (np.eye(3, dtype=np.float32) * 2 + u(3, 3) * 0.1,),
                 id="logdet"),
    pytest.param(pair(lambda o, r, i: o.fft((r, i))), (u(2, 6), u(2, 6)), id="fft"),
    pytest.param(pair(lambda o, r, i: o.fft2((r, i))), (u(3, 4), u(3, 4)), id="fft2"),
    pytest.param(pair(lambda o, r, i: o.ifft2((r, i))), (u(3, 4), u(3, 4)), id="ifft2"),
    pytest.param(pair(lambda o, x: o.rfft(x)), (u(2, 8),), id="rfft"),
    pytest.param(pair(lambda o, x: o.rfft(x, fft_length=6)), (u(2, 9),), id="rfft-cut"),
    pytest.param(lambda o, r, i: o.irfft((r, i)), (u(2, 5), u(2, 5)), id="irfft"),
    pytest.param(lambda o, r, i: o.irfft((r, i), fft_length=7), (u(4), u(4)), id="irfft-odd"),
    pytest.param(pair(lambda o, x: o.stft(x, 6, 3, 8)), (u(2, 20),), id="stft"),
    pytest.param(pair(lambda o, x: o.stft(x, 4, 2, 4, window="hamming", center=False)),
                 (u(11),), id="stft-hamming"),
    pytest.param(lambda o, r, i: o.istft((r, i), 8, 4, 8), (u(5, 5), u(5, 5)), id="istft"),
    pytest.param(lambda o, r, i: o.istft((r, i), 4, 2, 6, length=7, window=None, center=False),
                 (u(4, 4), u(4, 4)), id="istft-no-window"),
]


def _keras_run(keras, fn, inputs):
    import jax
    import jax.numpy as jnp
    floats = [i for i, a in enumerate(inputs) if a.dtype.kind == "f"]

    def call(*diff):
        args = list(inputs)
        for i, d in zip(floats, diff):
            args[i] = d
        return fn(keras.ops, *[a if isinstance(a, jax.Array) else jnp.asarray(a) for a in args])

    with jax.disable_jit():  # tiny arrays: op-by-op is faster than compiling each case
        out, vjp = jax.vjp(call, *[jnp.asarray(inputs[i]) for i in floats])
        w = np.random.default_rng(0).standard_normal(np.shape(out)).astype(np.float32)
        grads = vjp(jnp.asarray(w))
    return np.asarray(out), [np.asarray(g) for g in grads], w


def _shenjing_run(fn, inputs, w):
    tensors = [sj.Tensor(a.copy(), requires_grad=a.dtype.kind == "f") for a in inputs]
    out = fn(sops, *tensors)
    (out * w).sum().backward()
    return out.numpy(), [t.grad for t in tensors if t.requires_grad]


@pytest.mark.parametrize("fn, inputs", CASES)
def test_values_and_gradients_match_keras(keras_module, fn, inputs):
    k_out, k_grads, w = _keras_run(keras_module, fn, inputs)
    s_out, s_grads = _shenjing_run(fn, inputs, w)
    assert s_out.shape == k_out.shape
    np.testing.assert_allclose(s_out, k_out, rtol=1e-4, atol=1e-5)
    for sg, kg in zip(s_grads, k_grads):
        np.testing.assert_allclose(sg, kg, rtol=1e-3, atol=1e-4 * max(1.0, np.abs(kg).max()))


@pytest.mark.parametrize("call", [
    lambda o: o.one_hot(np.array([0, 2, -1, 1]), 3),
    lambda o: o.one_hot(np.array([[0, 2], [1, 1]]), 3, axis=0),
    lambda o: o.multi_hot(np.array([[0, 2], [1, 1]]), 4),
    lambda o: o.multi_hot(np.array([0, 3]), 5),
    lambda o: o.top_k(np.array([[1.0, 3.0, 2.0, 3.0]]), 2)[1],
    lambda o: o.in_top_k(np.array([1, 0]), np.array([[0.1, 0.5, 0.4], [0.2, 0.5, 0.3]]), 1),
    lambda o: o.segment_min(np.array([[1.0, 5.0], [2.0, 0.0], [3.0, 4.0]]), np.array([1, 1, 0]), num_segments=2),
    lambda o: o.segment_prod(np.array([1.5, 2.0, 3.0, 0.5]), np.array([0, 1, 0, 1]), num_segments=2),
    lambda o: o.erfc(np.array([-1.0, 0.5, 3.0], dtype=np.float32)),
], ids=["one_hot", "one_hot-axis0", "multi_hot", "multi_hot-1d", "top_k-indices", "in_top_k",
        "segment_min", "segment_prod", "erfc"])
def test_integer_and_boolean_results_match_keras(keras_module, call):
    np.testing.assert_allclose(np.asarray(call(sops)), np.asarray(call(keras_module.ops)),
                               rtol=1e-5, atol=1e-6)


def test_polar_and_complex_views_match_keras(keras_module):
    r, a = u(3, lo=0.5, hi=2), u(3)
    np.testing.assert_allclose(np.asarray(sops.polar(r, a)), np.asarray(keras_module.ops.polar(r, a)),
                               rtol=1e-5, atol=1e-6)
    pairs = u(4, 2)
    c = sops.view_as_complex(pairs)
    np.testing.assert_allclose(np.asarray(c), np.asarray(keras_module.ops.view_as_complex(pairs)),
                               rtol=1e-6)
    np.testing.assert_allclose(sops.view_as_real(c).numpy(), pairs, rtol=1e-6)
