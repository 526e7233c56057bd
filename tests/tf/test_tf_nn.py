"""``tf.nn`` (``shenjing.nn``): TensorFlow's argument names, defaults and semantics over
shenjing.ops."""

import math

import numpy as np
import pytest

import shenjing as tf

R = np.random.default_rng(5)


def test_every_name_is_exported_and_reachable():
    assert set(tf.nn.__all__) <= set(dir(tf.nn))
    for name in tf.nn.__all__:
        assert callable(getattr(tf.nn, name))


def test_activations_use_tensorflow_argument_names_and_defaults():
    x = np.linspace(-3, 3, 7).astype(np.float32)
    np.testing.assert_allclose(tf.nn.relu(features=x).numpy(), np.maximum(x, 0))
    np.testing.assert_allclose(tf.nn.leaky_relu(features=x).numpy(), np.where(x > 0, x, 0.2 * x))
    np.testing.assert_allclose(tf.nn.leaky_relu(x, alpha=0.1).numpy(), np.where(x > 0, x, 0.1 * x))
    exact = x * 0.5 * (1 + np.array([math.erf(v / math.sqrt(2)) for v in x]))
    np.testing.assert_allclose(tf.nn.gelu(x).numpy(), exact, rtol=1e-5, atol=1e-6)  # exact default
    np.testing.assert_allclose(tf.nn.silu(x, beta=2.0).numpy(), x / (1 + np.exp(-2 * x)), rtol=1e-5)
    assert tf.nn.swish is tf.nn.silu
    np.testing.assert_allclose(tf.nn.relu6(x * 3).numpy(), np.clip(x * 3, 0, 6))
    np.testing.assert_allclose(tf.nn.softmax(logits=x).numpy().sum(), 1.0, rtol=1e-6)
    np.testing.assert_allclose(tf.nn.log_softmax(x[None], axis=0).numpy(), 0.0, atol=1e-7)
    for name in ("sigmoid", "tanh", "elu", "selu", "softplus", "softsign"):
        assert getattr(tf.nn, name)(x).shape == x.shape


def test_moments_l2_normalize_bias_add_batch_normalization():
    x = R.standard_normal((4, 3))
    mean, var = tf.nn.moments(x, axes=[0])
    np.testing.assert_allclose(mean.numpy(), x.mean(0))
    np.testing.assert_allclose(var.numpy(), x.var(0))
    np.testing.assert_allclose(tf.nn.l2_normalize(x, axis=1).numpy(),
                               x / np.linalg.norm(x, axis=1, keepdims=True))
    np.testing.assert_allclose(tf.nn.l2_normalize(np.zeros(3)).numpy(), 0.0)
    np.testing.assert_allclose(tf.nn.bias_add(x, np.arange(3.0)).numpy(), x + np.arange(3.0))
    y = R.standard_normal((2, 3, 4))
    np.testing.assert_allclose(tf.nn.bias_add(y, np.arange(3.0), data_format="NCHW").numpy(),
                               y + np.arange(3.0)[:, None])
    with pytest.raises(ValueError, match="channel axis"):
        tf.nn.bias_add(x, np.ones(4))
    out = tf.nn.batch_normalization(x, mean, var, offset=1.0, scale=2.0, variance_epsilon=0.0)
    np.testing.assert_allclose(out.numpy(), (x - x.mean(0)) / x.std(0) * 2 + 1)


def test_dropout_is_always_on_and_scales_by_the_kept_fraction():
    x = np.ones((200, 50), np.float32)
    y = tf.nn.dropout(x, rate=0.25, seed=3).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.03
    np.testing.assert_array_equal(tf.nn.dropout(x, 0.25, seed=3).numpy(), y)
    shaped = tf.nn.dropout(x, 0.5, noise_shape=[200, 1], seed=1).numpy()
    assert (shaped == shaped[:, :1]).all()
    with pytest.raises(ValueError, match="rate"):
        tf.nn.dropout(x, rate=1.0)


def test_cross_entropies_with_logits():
    logits = R.standard_normal((3, 4))
    labels = np.eye(4)[[1, 0, 3]]
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    ref = -log_p[np.arange(3), [1, 0, 3]]
    np.testing.assert_allclose(
        tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits).numpy(), ref)
    np.testing.assert_allclose(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 0, 3], logits=logits).numpy(), ref)
    with pytest.raises(ValueError, match="labels of shape"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[[1], [0], [3]], logits=logits)
    z, t = R.standard_normal(5), R.uniform(0, 1, 5)
    sig = 1 / (1 + np.exp(-z))
    bce = -(t * np.log(sig) + (1 - t) * np.log(1 - sig))
    np.testing.assert_allclose(tf.nn.sigmoid_cross_entropy_with_logits(labels=t, logits=z).numpy(), bce)
    weighted = -(3.0 * t * np.log(sig) + (1 - t) * np.log(1 - sig))
    np.testing.assert_allclose(
        tf.nn.weighted_cross_entropy_with_logits(labels=t, logits=z, pos_weight=3.0).numpy(),
        weighted)
    with pytest.raises(ValueError, match="labels and logits"):
        tf.nn.sigmoid_cross_entropy_with_logits(logits=z)


def test_log_poisson_loss():
    c, z = np.array([0.1, 0.2, 0.3]), np.array([0.0, 2.0, 3.0])
    np.testing.assert_allclose(tf.nn.log_poisson_loss(z, c).numpy(), np.exp(c) - z * c)
    full = tf.nn.log_poisson_loss(z, c, compute_full_loss=True).numpy()
    stirling = np.where(z > 1, z * np.log(np.maximum(z, 1)) - z
                        + 0.5 * np.log(2 * np.pi * np.maximum(z, 1)), 0)
    np.testing.assert_allclose(full, np.exp(c) - z * c + stirling)


def test_embedding_lookup_top_k_in_top_k():
    params = R.standard_normal((5, 3))
    np.testing.assert_array_equal(tf.nn.embedding_lookup(params, [[4, 0]]).numpy(), params[[[4, 0]]])
    result = tf.nn.top_k(np.array([[1.0, 4.0, 2.0]]), k=2)
    np.testing.assert_array_equal(result.values.numpy(), [[4.0, 2.0]])
    np.testing.assert_array_equal(result.indices.numpy(), [[1, 2]])
    np.testing.assert_array_equal(tf.nn.in_top_k([1], np.array([[1.0, 4.0, 2.0]]), 1).numpy(), [True])


def test_gradients_flow_through_the_tf_names():
    x = tf.Variable(np.array([[0.5, -1.0, 2.0]]))
    with tf.GradientTape() as tape:
        loss = tf.nn.softmax_cross_entropy_with_logits(labels=np.array([[0.0, 1.0, 0.0]]),
                                                       logits=x * 1.0).sum()
    grad = tape.gradient(loss, x)
    p = np.exp([0.5, -1.0, 2.0]) / np.exp([0.5, -1.0, 2.0]).sum()
    np.testing.assert_allclose(np.asarray(grad), [p - [0, 1, 0]], rtol=1e-6)
