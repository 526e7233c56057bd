"""EinsumDense, Attention, AdditiveAttention, MultiHeadAttention and
``ops.dot_product_attention`` against real Keras 3 (JAX): the same weights (Keras's, perturbed
so that biases are not zero), then outputs, attention scores, and the gradients of sum(y * w)
with respect to every input and every weight (JAX's grad through ``stateless_call``).

Masks go in explicitly; a query mask reaches Keras's MultiHeadAttention as the query's
``_keras_mask`` (Keras 3.15's ``call`` reads it from there, not from ``query_mask``).
"""

import numpy as np
import pytest

import shenjing
from shenjing import layers as sj_layers
from shenjing import ops as sj_ops

keras = pytest.importorskip("keras")
jax = pytest.importorskip("jax")
jnp = jax.numpy

TOL = dict(rtol=1e-4, atol=2e-5)


def _same_weights(theirs, ours, r):
    values = [np.asarray(v.numpy()) + 0.1 * r.standard_normal(v.shape).astype("float32")
              for v in theirs.weights]
    for variable, value in zip(theirs.weights, values):
        variable.assign(value)
    assert [tuple(v.shape) for v in ours.weights] == [v.shape for v in values]
    ours.set_weights(values)


def _compare(theirs, ours, keras_call, ours_call, inputs):
    """keras_call(layer_call, *inputs) / ours_call(*tensors): (output, scores or None)."""
    trainable = [v.value for v in theirs.trainable_variables]
    non_trainable = [v.value for v in theirs.non_trainable_variables]

    def run(weights, *xs):
        return keras_call(lambda *a, **k: theirs.stateless_call(weights, non_trainable, *a, **k)[0], *xs)

    y_k, scores_k = run(trainable, *[jnp.asarray(x) for x in inputs])
    w = np.random.default_rng(5).standard_normal(y_k.shape).astype("float32")
    grads = jax.grad(lambda t, *xs: jnp.sum(run(t, *xs)[0] * w), argnums=tuple(range(len(inputs) + 1)))(
        trainable, *[jnp.asarray(x) for x in inputs])
    tensors = [shenjing.Tensor(x, requires_grad=True) for x in inputs]
    y, scores = ours_call(*tensors)
    (y * shenjing.Tensor(w)).sum().backward()
    np.testing.assert_allclose(y.numpy(), np.asarray(y_k), **TOL)
    if scores_k is not None:
        np.testing.assert_allclose(scores.numpy(), np.asarray(scores_k), **TOL)
    for t, g in zip(tensors, grads[1:]):
        np.testing.assert_allclose(t.grad, np.asarray(g), **TOL)
    for v, g in zip(ours.trainable_weights, grads[0]):
        np.testing.assert_allclose(v.grad, np.asarray(g), **TOL, err_msg=v.path)


@pytest.mark.parametrize("equation, output_shape, bias_axes, in_shape", [
    ("ab,bc->ac", (5,), "c", (3, 4)),
    ("abc,cde->abde", (None, 2, 3), "de", (2, 5, 4)),
    ("abcd,cde->abe", (None, 6), "e", (2, 5, 3, 4)),
    ("...b,bc->...c", (6,), None, (2, 3, 4)),
    ("abc,cd->adb", (6, None), "d", (2, 3, 4)),
    ("ab...,bc->ac...", (6, 3), "c", (2, 4, 3)),
    ("abc,bcd->abd", (3, 5), "d", (2, 3, 4)),
])
def test_einsum_dense(equation, output_shape, bias_axes, in_shape):
    r = np.random.default_rng(len(equation))
    x = r.standard_normal(in_shape).astype("float32")
    theirs = keras.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes, activation="tanh")
    theirs(x)
    ours = sj_layers.EinsumDense(equation, output_shape, bias_axes=bias_axes, activation="tanh")
    ours.build(in_shape)
    _same_weights(theirs, ours, r)
    _compare(theirs, ours, lambda call, x: (call(x), None), lambda x: (ours(x), None), [x])
    ours_config, theirs_config = ours.get_config(), theirs.get_config()
    assert ours_config.keys() == theirs_config.keys()
    for key in ("equation", "output_shape", "bias_axes", "activation", "kernel_initializer"):
        assert ours_config[key] == theirs_config[key], key
    # a config Keras wrote builds the same layer here, and ours builds in Keras
    assert sj_layers.EinsumDense.from_config(theirs_config).get_config()["equation"] == equation
    keras.layers.EinsumDense.from_config(ours_config)


_ATTENTION_CASES = [
    ("Attention", {}, {}, ((2, 4, 3), (2, 5, 3)), "none"),
    ("Attention", {"use_scale": True}, {"return_attention_scores": True}, ((2, 4, 3), (2, 5, 3), (2, 5, 3)), "both"),
    ("Attention", {"score_mode": "concat", "use_scale": True},
     {"use_causal_mask": True, "return_attention_scores": True}, ((2, 4, 3), (2, 4, 3)), "both"),
    ("Attention", {"score_mode": "concat"}, {"use_causal_mask": True}, ((2, 4, 3), (2, 4, 3)), "value"),
    ("AdditiveAttention", {}, {}, ((2, 4, 3), (2, 5, 3)), "value"),
    ("AdditiveAttention", {"use_scale": True}, {"return_attention_scores": True},
     ((2, 4, 3), (2, 5, 3), (2, 5, 3)), "both"),
    ("AdditiveAttention", {"use_scale": False}, {"use_causal_mask": True}, ((2, 4, 3), (2, 4, 3)), "none"),
]


@pytest.mark.parametrize("name, kwargs, call, shapes, masks", _ATTENTION_CASES)
def test_attention_layers(name, kwargs, call, shapes, masks):
    r = np.random.default_rng(len(shapes) + len(call))
    inputs = [r.standard_normal(s).astype("float32") for s in shapes]
    mask = None
    if masks != "none":
        mask = [r.random(shapes[0][:2]) > 0.3 if masks == "both" else None, r.random(shapes[1][:2]) > 0.3]
    theirs = getattr(keras.layers, name)(**kwargs)
    theirs(inputs, mask=mask, **call)
    ours = getattr(sj_layers, name)(**kwargs)
    ours.build([tuple(s) for s in shapes])
    _same_weights(theirs, ours, r)
    k_mask = None if mask is None else [None if m is None else jnp.asarray(m) for m in mask]

    def keras_call(layer_call, *xs):
        out = layer_call(list(xs), mask=k_mask, **call)
        return out if isinstance(out, tuple) else (out, None)

    def ours_call(*xs):
        out = ours(list(xs), mask=mask, **call)
        return out if isinstance(out, tuple) else (out, None)

    _compare(theirs, ours, keras_call, ours_call, inputs)
    assert ours.get_config().keys() == theirs.get_config().keys()


_MHA_CASES = [
    # (kwargs, call: masks / flags, query shape, value shape, key shape)
    ({"num_heads": 2, "key_dim": 4}, {}, (2, 5, 6), (2, 5, 6), None),
    ({"num_heads": 2, "key_dim": 4}, {"use_causal_mask": True}, (2, 5, 6), (2, 5, 6), None),
    ({"num_heads": 3, "key_dim": 4, "value_dim": 2, "output_shape": 7},
     {"value_mask": True, "return_attention_scores": True}, (2, 5, 6), (2, 4, 3), (2, 4, 5)),
    ({"num_heads": 2, "key_dim": 4}, {"query_mask": True, "return_attention_scores": True,
                                      "use_causal_mask": True}, (2, 5, 6), (2, 5, 6), None),
    ({"num_heads": 2, "key_dim": 4}, {"query_mask": True, "value_mask": True}, (2, 5, 6), (2, 5, 6), None),
    ({"num_heads": 2, "key_dim": 3, "attention_axes": (1, 2)}, {"return_attention_scores": True},
     (2, 3, 4, 5), (2, 3, 4, 5), None),
    ({"num_heads": 2, "key_dim": 3, "attention_axes": (2,)}, {"attention_mask": (2, 3, 4, 4)},
     (2, 3, 4, 5), (2, 3, 4, 5), None),
    ({"num_heads": 2, "key_dim": 3, "output_shape": (2, 3), "use_bias": False},
     {"attention_mask": (2, 4, 4), "key_mask": True}, (2, 4, 5), (2, 4, 5), (2, 4, 6)),
]


@pytest.mark.parametrize("kwargs, call, q_shape, v_shape, k_shape", _MHA_CASES)
def test_multi_head_attention(kwargs, call, q_shape, v_shape, k_shape):
    from keras.src.backend import set_keras_mask

    r = np.random.default_rng(sum(q_shape) + len(call))
    shapes = [q_shape, v_shape] + ([k_shape] if k_shape else [])
    inputs = [r.standard_normal(s).astype("float32") for s in shapes]
    masks = {}
    for name in ("value_mask", "key_mask"):
        if call.get(name):
            masks[name] = r.random(v_shape[:2]) > 0.3
    if "attention_mask" in call:
        masks["attention_mask"] = r.random(call["attention_mask"]) > 0.2
    q_mask = r.random(q_shape[:2]) > 0.3 if call.get("query_mask") else None
    flags = {k: v for k, v in call.items() if k in ("use_causal_mask", "return_attention_scores")}
    theirs = keras.layers.MultiHeadAttention(**kwargs)
    theirs(*inputs, **masks, **flags)
    ours = sj_layers.MultiHeadAttention(**kwargs)
    ours.build(*shapes)
    assert [v.path for v in ours.weights] == ["/".join(v.path.split("/")[-2:]) for v in theirs.weights]
    _same_weights(theirs, ours, r)

    def keras_call(layer_call, *xs):
        if q_mask is not None:
            set_keras_mask(xs[0], jnp.asarray(q_mask))
        out = layer_call(*xs, **masks, **flags)
        return out if isinstance(out, tuple) else (out, None)

    def ours_call(*xs):
        out = ours(*xs, query_mask=q_mask, **masks, **flags)
        return out if isinstance(out, tuple) else (out, None)

    _compare(theirs, ours, keras_call, ours_call, inputs)
    ours_config = ours.get_config()
    theirs_config = theirs.get_config()
    assert ours_config.keys() == theirs_config.keys()
    for key in ("num_heads", "key_dim", "value_dim", "use_bias", "output_shape", "attention_axes"):
        assert ours_config[key] == theirs_config[key], key


@pytest.mark.parametrize("seed", range(4))
def test_dot_product_attention(seed):
    r = np.random.default_rng(seed)
    b, t, s, n, h = 2, int(r.integers(1, 5)), int(r.integers(1, 5)), 4, int(r.integers(1, 4))
    k_heads = int(r.choice([1, 2, 4]))
    q = r.standard_normal((b, t, n, h)).astype("float32")
    k, v = (r.standard_normal((b, s, k_heads, h)).astype("float32") for _ in range(2))
    kwargs = {"is_causal": seed % 2 == 1, "scale": None if seed % 3 else 0.4}
    if seed % 3 != 2:
        kwargs["mask"] = r.random((b, n if seed % 2 else 1, t, s)) > 0.3
    if seed >= 2:
        kwargs["bias"] = r.standard_normal((b, 1, t, s)).astype("float32")
    w = r.standard_normal((b, t, n, h)).astype("float32")
    expected = np.asarray(keras.ops.dot_product_attention(q, k, v, **kwargs))
    grads = jax.grad(lambda *a: jnp.sum(keras.ops.dot_product_attention(*a, **kwargs) * w),
                     argnums=(0, 1, 2))(q, k, v)
    tensors = [shenjing.Tensor(a, requires_grad=True) for a in (q, k, v)]
    y = sj_ops.dot_product_attention(*tensors, **kwargs)
    (y * shenjing.Tensor(w)).sum().backward()
    np.testing.assert_allclose(y.numpy(), expected, **TOL)
    for tensor, g in zip(tensors, grads):
        np.testing.assert_allclose(tensor.grad, np.asarray(g), **TOL)
