"""Values and errors of ``keras.ops.nn`` beyond the gradient harness: closed forms, encodings,
the symbolic registration, and the clear errors on bad input."""

import math

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops
from shenjing.ops import dispatch

X = np.linspace(-4, 4, 17)


@pytest.mark.parametrize("name, formula", [
    ("relu6", lambda x: np.clip(x, 0, 6)),
    ("softsign", lambda x: x / (1 + np.abs(x))),
    ("log_sigmoid", lambda x: -np.log1p(np.exp(-x))),
    ("hard_sigmoid", lambda x: np.clip(x + 3, 0, 6) / 6),
    ("hard_silu", lambda x: x * np.clip(x + 3, 0, 6) / 6),
    ("selu", lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x))),
    ("celu", lambda x: np.maximum(x, 0) + np.minimum(0, np.expm1(x))),
    ("tanh_shrink", lambda x: x - np.tanh(x)),
    ("hard_tanh", lambda x: np.clip(x, -1, 1)),
    ("hard_shrink", lambda x: np.where(np.abs(x) > 0.5, x, 0)),
    ("soft_shrink", lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0)),
    ("squareplus", lambda x: (x + np.sqrt(x * x + 4)) / 2),
    ("sparse_sigmoid", lambda x: np.clip((x + 1) / 2, 0, 1)),
    ("sparse_plus", lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4))),
])
def test_activation_closed_forms(name, formula):
    np.testing.assert_allclose(getattr(ops, name)(X).numpy(), formula(X), rtol=1e-6, atol=1e-12)


def test_activations_keep_float32_and_accept_integers():
    assert ops.selu(np.ones(3, np.float32)).dtype == np.float32
    assert ops.relu6(np.array([-1, 3, 9])).numpy().tolist() == [0, 3, 6]


def test_sparsemax_is_the_projection_onto_the_simplex():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((20, 6)) * 2
    p = ops.sparsemax(z).numpy()
    np.testing.assert_allclose(p.sum(-1), 1.0, rtol=1e-12)
    assert (p >= 0).all()
    # KKT: on the support p = z - tau with one tau per row; off it z <= tau.
    for zi, pi in zip(z, p):
        support = pi > 0
        tau = (zi[support] - pi[support])
        np.testing.assert_allclose(tau, tau[0], atol=1e-12)
        assert (zi[~support] <= tau[0] + 1e-12).all()


def test_threshold_and_glu_values():
    np.testing.assert_array_equal(ops.threshold(np.array([0.1, 0.5, 2.0]), 0.4, 9.0).numpy(),
                                  [9.0, 0.5, 2.0])
    x = np.array([[1.0, 2.0, 0.0, 3.0]])
    np.testing.assert_allclose(ops.glu(x).numpy(), [[0.5, 2.0 / (1 + math.exp(-3))]])
    with pytest.raises(ValueError, match="divisible by 2"):
        ops.glu(np.ones((2, 3)))


def test_one_hot_negative_labels_axis_and_errors():
    out = ops.one_hot(np.array([2, -1, 0]), 3)
    np.testing.assert_array_equal(out.numpy(), [[0, 0, 1], [0, 0, 0], [1, 0, 0]])
    assert out.dtype == np.float32
    assert ops.one_hot(np.array([[0, 1]]), 4, axis=0).shape == (4, 1, 2)
    assert ops.one_hot([1], 2, dtype="int32").dtype == np.int32
    with pytest.raises(ValueError, match="out of range"):
        ops.one_hot([3], 3)
    with pytest.raises(ValueError, match="integer class indices"):
        ops.one_hot([0.5], 3)
    with pytest.raises(ValueError, match="sparse"):
        ops.one_hot([1], 3, sparse=True)


def test_multi_hot():
    np.testing.assert_array_equal(ops.multi_hot(np.array([[0, 2], [3, 3]]), 4).numpy(),
                                  [[1, 0, 1, 0], [0, 0, 0, 1]])
    np.testing.assert_array_equal(ops.multi_hot(np.array([1, 3]), num_classes=4).numpy(),
                                  [0, 1, 0, 1])
    with pytest.raises(ValueError, match="num_classes"):
        ops.multi_hot([1])


def test_crossentropies_match_their_formulas_and_check_shapes():
    t = np.array([[0.0, 1.0], [1.0, 0.0]])
    p = np.array([[0.2, 0.8], [0.6, 0.4]])
    np.testing.assert_allclose(ops.binary_crossentropy(t, p).numpy(),
                               -(t * np.log(p) + (1 - t) * np.log(1 - p)))
    z = np.array([[40.0, -40.0]])
    assert np.isfinite(ops.binary_crossentropy(np.array([[0.0, 1.0]]), z, from_logits=True).numpy()).all()
    np.testing.assert_allclose(ops.categorical_crossentropy(t, p).numpy(), -np.log([0.8, 0.6]))
    np.testing.assert_allclose(ops.sparse_categorical_crossentropy([1, 0], p).numpy(),
                               -np.log([0.8, 0.6]))
    logits = np.log(p)
    np.testing.assert_allclose(
        ops.sparse_categorical_crossentropy([1, 0], logits, from_logits=True).numpy(),
        -np.log([0.8, 0.6]), rtol=1e-12)
    # A negative label (ignored class) contributes 0.
    np.testing.assert_allclose(
        ops.sparse_categorical_crossentropy([-1, 0], logits, from_logits=True).numpy(),
        [0.0, -np.log(0.6)], atol=1e-12)
    with pytest.raises(ValueError, match="same shape"):
        ops.binary_crossentropy(np.ones((2, 3)), np.ones((3, 2)) / 2)
    with pytest.raises(ValueError, match="same shape up until"):
        ops.sparse_categorical_crossentropy([0, 1, 2], p)
    with pytest.raises(ValueError, match="out of range"):
        ops.sparse_categorical_crossentropy([0, 5], p)


def test_moments_normalizations_and_psnr():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 5))
    m, v = ops.moments(x, axes=[0])
    np.testing.assert_allclose(m.numpy(), x.mean(0))
    np.testing.assert_allclose(v.numpy(), x.var(0))
    y = ops.layer_normalization(x, epsilon=0.0).numpy()
    np.testing.assert_allclose(y, (x - x.mean(1, keepdims=True)) / x.std(1, keepdims=True))
    np.testing.assert_allclose(ops.normalize(x).numpy(),
                               x / np.linalg.norm(x, axis=-1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(ops.rms_normalization(x, epsilon=0.0).numpy(),
                               x / np.sqrt((x * x).mean(-1, keepdims=True)))
    np.testing.assert_allclose(ops.psnr(np.zeros(4), np.full(4, 0.1), 1.0).numpy(), 20.0)
    with pytest.raises(ValueError, match="order"):
        ops.normalize(x, order=0)
    with pytest.raises(NotImplementedError, match="synchronized"):
        ops.moments(x, axes=[0], synchronized=True)
    with pytest.raises(ValueError, match="variance"):
        ops.batch_normalization(x, np.zeros(5), np.ones(3), axis=-1)


def test_dot_product_attention_masks_and_errors():
    rng = np.random.default_rng(4)
    q, k, v = (rng.standard_normal((1, 3, 1, 2)) for _ in range(3))
    out = ops.dot_product_attention(q, k, v, is_causal=True).numpy()
    np.testing.assert_allclose(out[0, 0, 0], v[0, 0, 0])  # the first query sees only key 0
    mask = np.array([[[[False, True, False]]]])
    np.testing.assert_allclose(ops.dot_product_attention(q, k, v, mask=mask).numpy()[0, :, 0],
                               np.repeat(v[0, 1, 0][None], 3, axis=0))
    with pytest.raises(ValueError, match="4D"):
        ops.dot_product_attention(q[0], k[0], v[0])
    with pytest.raises(ValueError, match="Flash attention"):
        ops.dot_product_attention(q, k, v, flash_attention=True)


def test_pixel_shuffle_round_trip_and_polar():
    x = np.arange(2 * 4 * 6 * 3, dtype=float).reshape(2, 4, 6, 3)
    np.testing.assert_array_equal(ops.depth_to_space(ops.space_to_depth(x, 2), 2).numpy(), x)
    with pytest.raises(ValueError, match="divisible"):
        ops.space_to_depth(x, 4)
    z = ops.polar(np.array([2.0]), np.array([math.pi / 2])).numpy()
    np.testing.assert_allclose(z, [2j], atol=1e-12)


def test_every_nn_op_is_registered_with_keras_class_names():
    for name in ops.nn.__all__:
        fn = getattr(ops.nn, name)
        assert fn.keras_module == "nn" and dispatch.OPS[("nn", fn.keras_class_name)] is not None
    assert ops.batch_normalization.keras_class_name == "BatchNorm"
    assert ops.swish is ops.silu and ops.hard_swish is ops.hard_silu
    assert isinstance(ops.relu(sj.Tensor(np.ones(2))), sj.Tensor)
