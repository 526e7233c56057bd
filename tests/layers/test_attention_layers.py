"""EinsumDense, Attention, AdditiveAttention and MultiHeadAttention: the layer harness (shapes,
weights, config round trip, a training step), masks and the causal mask against the formula
written with NumPy, symbolic calls, saving, and errors."""

import json

import numpy as np
import pytest

import shenjing
from shenjing import layers
from layer_harness import run_layer_test


@pytest.mark.parametrize("equation, output_shape, bias_axes, in_shape, out_shape, n_weights", [
    ("ab,bc->ac", 5, "c", (3, 4), (3, 5), 2),
    ("abc,cde->abde", (None, 2, 3), "de", (2, 5, 4), (2, 5, 2, 3), 2),
    ("abcd,cde->abe", (None, 6), "e", (2, 5, 3, 4), (2, 5, 6), 2),
    ("...b,bc->...c", 6, None, (2, 3, 4), (2, 3, 6), 1),
    ("abc,cd->adb", (6, None), "d", (2, 3, 4), (2, 6, 3), 2),
    ("abc,bcd->abd", (3, 5), "d", (2, 3, 4), (2, 3, 5), 2),  # b in all three: the einsum path
])
def test_einsum_dense_harness(equation, output_shape, bias_axes, in_shape, out_shape, n_weights):
    run_layer_test(layers.EinsumDense, {"equation": equation, "output_shape": output_shape,
                                        "bias_axes": bias_axes, "activation": "tanh"},
                   input_shape=in_shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=n_weights)


def test_einsum_dense_matches_numpy_einsum_and_keras_shapes():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="e")
    x = np.random.default_rng(0).standard_normal((2, 5, 4)).astype("float32")
    y = layer(x).numpy()
    assert layer.kernel.shape == (4, 2, 3) and layer.bias.shape == (3,)
    expected = np.einsum("abc,cde->abde", x, layer.kernel.numpy()) + layer.bias.numpy()
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    # Keras's fans: the kernel's input axes against its output axes (not the last two axes)
    assert layer.kernel_initializer.input_axes is None  # the layer's own initializer is unchanged


def test_einsum_dense_errors():
    with pytest.raises(ValueError, match="Invalid einsum equation"):
        layers.EinsumDense("ab->b", 3)
    with pytest.raises(ValueError, match="Bias dimension 'z'"):
        layers.EinsumDense("ab,bc->ac", 3, bias_axes="z")(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="lora_rank"):
        layers.EinsumDense("ab,bc->ac", 3, lora_rank=2)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _check_multi_input(layer_cls, kwargs, inputs, call_kwargs, n_weights):
    """The harness's steps for a layer called on several tensors."""
    layer = layer_cls(**kwargs)
    y = layer(*inputs, **call_kwargs)
    assert len(layer.trainable_weights) == n_weights
    assert layer.count_params() == sum(w.size for w in layer.weights)
    config = layer.get_config()
    json.dumps(config)
    clone = layer_cls.from_config(json.loads(json.dumps(config)))
    assert json.loads(json.dumps(clone.get_config())) == json.loads(json.dumps(config))
    clone(*inputs, **call_kwargs)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(*inputs, **call_kwargs).numpy(), y.numpy(), rtol=1e-6, atol=1e-6)
    tensors = [shenjing.Tensor(a, requires_grad=True) for a in inputs[0]] if isinstance(inputs[0], list) \
        else [shenjing.Tensor(a, requires_grad=True) for a in inputs]
    args = [tensors] if isinstance(inputs[0], list) else tensors
    out = layer(*args, training=True, **call_kwargs)
    (out * out).mean().backward()
    for t in tensors:
        assert t.grad is not None and t.grad.shape == t.shape
    for w in layer.trainable_weights:
        assert w.grad is not None and w.grad.shape == w.shape, w.path
    return layer, y


_R = np.random.default_rng(3)
_Q, _V, _K = (_R.standard_normal(s).astype("float32") for s in ((2, 4, 3), (2, 5, 3), (2, 5, 3)))


@pytest.mark.parametrize("cls, kwargs, n_weights", [
    (layers.Attention, {}, 0), (layers.Attention, {"use_scale": True, "score_mode": "concat"}, 2),
    (layers.AdditiveAttention, {}, 1), (layers.AdditiveAttention, {"use_scale": False, "dropout": 0.2}, 0),
])
def test_attention_harness(cls, kwargs, n_weights):
    layer, y = _check_multi_input(cls, kwargs, [[_Q, _V, _K]], {}, n_weights)
    assert y.shape == (2, 4, 3)
    assert layer.compute_output_shape([(2, 4, 3), (2, 5, 3)]) == (2, 4, 3)
    q, v = layers.Input((4, 3)), layers.Input((5, 3))
    out, scores = cls(**kwargs)([q, v], return_attention_scores=True)
    assert out.shape == (None, 4, 3) and scores.shape == (None, 4, 5)


def test_attention_masks_against_numpy():
    q_mask = np.array([[1, 1, 0, 1], [1, 1, 1, 1]], bool)
    v_mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    layer = layers.Attention(use_scale=True)
    out, scores = layer([_Q, _V, _K], mask=[q_mask, v_mask], return_attention_scores=True,
                        use_causal_mask=True)
    s = _Q @ _K.transpose(0, 2, 1) * layer.scale.numpy()
    keep = v_mask[:, None, :] & np.tril(np.ones((4, 5), bool))
    p = _softmax(np.where(keep, s, s - 1e9))
    np.testing.assert_allclose(scores.numpy(), p, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.numpy(), (p @ _V) * q_mask[..., None], rtol=1e-5, atol=1e-6)
    assert layer.compute_mask([_Q, _V], [q_mask, v_mask]) is q_mask


def test_additive_attention_against_numpy():
    layer = layers.AdditiveAttention()
    out = layer([_Q, _V]).numpy()
    scores = (layer.scale.numpy() * np.tanh(_Q[:, :, None, :] + _V[:, None, :, :])).sum(-1)
    np.testing.assert_allclose(out, _softmax(scores) @ _V, rtol=1e-5, atol=1e-6)
    assert "score_mode" not in layer.get_config()


def test_attention_errors():
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="add")
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Attention()(_Q)
    with pytest.raises(ValueError, match="mask must be a list"):
        layers.Attention()([_Q, _V], mask=np.ones((2, 4), bool))


_X = _R.standard_normal((2, 6, 8)).astype("float32")
_Y = _R.standard_normal((2, 5, 4)).astype("float32")


@pytest.mark.parametrize("kwargs, inputs, call, out_shape", [
    ({"num_heads": 2, "key_dim": 3}, (_X, _X), {}, (2, 6, 8)),
    ({"num_heads": 2, "key_dim": 3, "value_dim": 5, "output_shape": 7}, (_X, _Y),
     {"value_mask": _R.random((2, 5)) > 0.3}, (2, 6, 7)),
    ({"num_heads": 3, "key_dim": 2, "dropout": 0.3, "use_bias": False}, (_X, _X),
     {"use_causal_mask": True}, (2, 6, 8)),
    ({"num_heads": 2, "key_dim": 2, "use_gate": True, "sliding_window": 2}, (_X, _X), {}, (2, 6, 8)),
])
def test_multi_head_attention_harness(kwargs, inputs, call, out_shape):
    n_weights = (4 + kwargs.get("use_gate", False)) * (2 if kwargs.get("use_bias", True) else 1)
    layer, y = _check_multi_input(layers.MultiHeadAttention, kwargs, inputs, call, n_weights)
    assert y.shape == out_shape
    assert layer.compute_output_shape(inputs[0].shape, inputs[1].shape) == out_shape
    q, v = layers.Input(inputs[0].shape[1:]), layers.Input(inputs[1].shape[1:])
    mha = layers.MultiHeadAttention(**kwargs)
    assert mha(q, v).shape == (None,) + out_shape[1:]
    out, scores = mha(q, v, return_attention_scores=True)
    assert scores.shape == (None, kwargs["num_heads"], inputs[0].shape[1], inputs[1].shape[1])


def test_multi_head_attention_against_numpy():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4)
    q_mask = np.array([[1, 1, 1, 0, 1, 1], [0, 1, 1, 1, 1, 1]], bool)
    v_mask = np.array([[1, 0, 1, 1, 1], [1, 1, 1, 1, 0]], bool)
    out, scores = layer(_X, _Y, query_mask=q_mask, value_mask=v_mask, use_causal_mask=True,
                        return_attention_scores=True)
    w = {v.path.split("/")[-2] + "/" + v.name: v.numpy() for v in layer.weights}
    q = np.einsum("btd,dnh->btnh", _X, w["query/kernel"]) + w["query/bias"]
    k = np.einsum("bsd,dnh->bsnh", _Y, w["key/kernel"]) + w["key/bias"]
    v = np.einsum("bsd,dnh->bsnh", _Y, w["value/kernel"]) + w["value/bias"]
    logits = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(3)
    keep = (q_mask[:, :, None] & v_mask[:, None, :] & np.tril(np.ones((6, 5), bool)))[:, None]
    p = _softmax(np.where(keep, logits, -1e9)) * keep
    heads = np.einsum("bnts,bsnh->btnh", p, v)
    expected = np.einsum("btnh,nhd->btd", heads, w["attention_output/kernel"]) + w["attention_output/bias"]
    np.testing.assert_allclose(scores.numpy(), p, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4, atol=1e-5)
    assert [tuple(v.shape) for v in layer.weights] == [(8, 2, 3), (2, 3), (4, 2, 3), (2, 3), (4, 2, 4),
                                                       (2, 4), (2, 4, 8), (8,)]
    # every projection runs as reshapes and one matrix product, not the general einsum
    assert all(sub._plan.ok for sub in (layer.query_dense, layer.key_dense, layer.value_dense,
                                        layer.output_dense))


def test_multi_head_attention_attention_axes_and_errors():
    x = _R.standard_normal((2, 3, 4, 5)).astype("float32")
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(1, 2))
    out, scores = layer(x, x, return_attention_scores=True)
    assert out.shape == x.shape and scores.shape == (2, 2, 3, 4, 3, 4)
    np.testing.assert_allclose(scores.numpy().reshape(2, 2, 12, 12).sum(-1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(num_heads=0, key_dim=2)
    with pytest.raises(ValueError, match="except the last one"):
        layers.MultiHeadAttention(2, 2)(_X, _Y, key=_X)
    with pytest.raises(ValueError, match="value=None"):
        layers.MultiHeadAttention(2, 2)(_X)


def test_multi_head_attention_in_a_model_saves_and_loads(tmp_path):
    inp = layers.Input((6, 8))
    att = layers.MultiHeadAttention(2, 4, name="mha")(inp, inp, use_causal_mask=True)
    out = layers.Dense(3)(layers.LayerNormalization()(att + inp))
    model = shenjing.keras.Model(inp, out)
    path = tmp_path / "mha.keras"
    model.save(path)
    loaded = shenjing.keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(_X, verbose=0), model.predict(_X, verbose=0),
                               rtol=1e-5, atol=1e-6)
    config = loaded.get_layer("mha").get_build_config()
    assert config == {"shapes_dict": {"query_shape": (None, 6, 8), "value_shape": (None, 6, 8)}}


def test_masks_from_embedding_reach_the_attention_layers():
    """Layer.__call__ fills query_mask / value_mask (and Attention's mask list) from the
    tensors' _keras_mask, as Keras does; the output carries the query's mask."""
    ids = np.array([[3, 4, 0, 0, 0, 0], [5, 1, 2, 6, 0, 0]])
    mask = ids != 0
    x = layers.Embedding(8, 8, mask_zero=True)(ids)
    plain = shenjing.Tensor(x.numpy())
    mha = layers.MultiHeadAttention(2, 4)
    auto = mha(x, x)
    np.testing.assert_allclose(auto.numpy(), mha(plain, plain, query_mask=mask, value_mask=mask).numpy(),
                               rtol=1e-6, atol=1e-6)
    assert not np.allclose(auto.numpy(), mha(plain, plain).numpy(), atol=1e-4)
    np.testing.assert_array_equal(np.asarray(getattr(auto._keras_mask, "data", auto._keras_mask)), mask)
    attention = layers.Attention()
    np.testing.assert_allclose(attention([x, x]).numpy(),
                               attention([plain, plain], mask=[mask, mask]).numpy(), rtol=1e-6, atol=1e-6)


def test_multi_head_attention_on_masked_inputs_does_not_warn():
    """The projections see the masked query/value; the masks are the layer's own business
    (Keras strips them first), so no "destroys the mask" warning comes from them."""
    import warnings
    from shenjing import keras
    x = keras.layers.Embedding(5, 4, mask_zero=True)(np.array([[1, 2, 0], [3, 0, 0]]))
    mha = keras.layers.MultiHeadAttention(2, 3, use_gate=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = mha(x, x)
    np.testing.assert_array_equal(np.asarray(out._keras_mask), [[1, 1, 0], [1, 0, 0]])
