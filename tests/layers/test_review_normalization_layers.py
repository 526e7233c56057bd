"""Dot(normalize=True), UnitNormalization and RMSNormalization compute through the one
implementation in keras.ops (ops.normalize, ops.rms_normalization): same values, any axis."""

import numpy as np

from shenjing import ops
from shenjing.keras import layers


def test_unit_normalization_is_ops_normalize_with_keras_epsilon():
    x = np.array([[3.0, 4.0], [1e-14, 0.0], [0.0, 0.0]], "float32")
    y = layers.UnitNormalization(axis=-1)(x).numpy()
    np.testing.assert_allclose(y, ops.normalize(x, axis=-1, order=2, epsilon=1e-12).numpy())
    np.testing.assert_allclose(y[0], [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(y[1], [1e-2, 0.0], rtol=1e-5)  # norm 1e-14 < eps: x / 1e-12
    assert np.all(np.isfinite(y))


def test_dot_normalize_is_the_cosine_similarity():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((4, 5)).astype("float32"), rng.standard_normal((4, 5)).astype("float32")
    y = layers.Dot(axes=1, normalize=True)([a, b]).numpy()
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(y[:, 0], cos, rtol=1e-5)


def test_rms_normalization_on_a_middle_axis():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 4)).astype("float32")
    layer = layers.RMSNormalization(axis=1, epsilon=1e-6)
    layer.build(x.shape)
    layer.scale.assign(np.array([1.0, 2.0, 3.0], "float32"))
    expected = x / np.sqrt((x ** 2).mean(axis=1, keepdims=True) + 1e-6) * np.array([1, 2, 3]).reshape(1, 3, 1)
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-5)
