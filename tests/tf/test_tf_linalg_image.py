"""``tf.linalg`` and ``tf.image`` against NumPy, and their gradients."""

import numpy as np
import pytest

import shenjing as tf

_R = np.random.default_rng(5)


def test_linalg_names_match_numpy():
    m = _R.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    np.testing.assert_allclose(tf.linalg.inv(m).numpy(), np.linalg.inv(m), rtol=1e-6)
    np.testing.assert_allclose(tf.linalg.det(m).numpy(), np.linalg.det(m), rtol=1e-6)
    np.testing.assert_allclose(tf.linalg.trace(m).numpy(), np.trace(m, axis1=1, axis2=2))
    np.testing.assert_allclose(tf.linalg.diag_part(m).numpy(), np.diagonal(m, axis1=1, axis2=2))
    np.testing.assert_allclose(tf.linalg.diag(np.array([1.0, 2.0])).numpy(), np.diag([1.0, 2.0]))
    np.testing.assert_allclose(tf.linalg.band_part(np.ones((3, 4)), 1, 0).numpy(), np.tril(np.triu(np.ones((3, 4)), -1)))
    np.testing.assert_allclose(tf.linalg.band_part(np.ones((3, 3)), -1, 0).numpy(), np.tril(np.ones((3, 3))))
    assert tf.linalg.eye(2, 3, batch_shape=[4]).shape == (4, 2, 3)
    s, u, v = tf.linalg.svd(m)
    np.testing.assert_allclose((u.numpy() * s.numpy()[:, None, :]) @ np.swapaxes(v.numpy(), 1, 2), m, atol=1e-10)
    q, r = tf.linalg.qr(m)
    np.testing.assert_allclose(q.numpy() @ r.numpy(), m, atol=1e-10)
    spd = m @ np.swapaxes(m, 1, 2)
    np.testing.assert_allclose(tf.linalg.cholesky(spd).numpy(), np.linalg.cholesky(spd), rtol=1e-6)
    b = _R.standard_normal((2, 3, 2))
    np.testing.assert_allclose(tf.linalg.solve(m, b).numpy(), np.linalg.solve(m, b), rtol=1e-6)
    np.testing.assert_allclose(tf.linalg.triangular_solve(np.tril(m), b).numpy(), np.linalg.solve(np.tril(m), b), rtol=1e-6)
    np.testing.assert_allclose(tf.linalg.matmul(m, m, transpose_b=True).numpy(), m @ np.swapaxes(m, 1, 2))
    assert np.isclose(float(tf.linalg.norm(m)), np.linalg.norm(m))
    np.testing.assert_allclose(tf.linalg.norm(m, axis=[-2, -1]).numpy(), np.linalg.norm(m, axis=(-2, -1)))
    with pytest.raises(ValueError, match="main diagonal"):
        tf.linalg.diag(np.ones(2), k=1)


def test_linalg_compositions_are_differentiable():
    for fn in (tf.linalg.trace, tf.linalg.diag_part, lambda x: tf.linalg.band_part(x, 0, 1),
               lambda x: tf.linalg.diag(x[0])):
        assert tf.gradcheck(fn, [_R.standard_normal((3, 3))])


def test_image_names():
    img = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4, 1)
    np.testing.assert_array_equal(tf.image.flip_left_right(img).numpy(), img[:, :, ::-1])
    np.testing.assert_array_equal(tf.image.flip_up_down(img[0]).numpy(), img[0, ::-1])
    for k in range(4):
        np.testing.assert_array_equal(tf.image.rot90(img[0], k)[..., 0].numpy(), np.rot90(img[0, ..., 0], k))
    np.testing.assert_allclose(tf.image.adjust_brightness(img, 0.5).numpy(), img + 0.5)
    mean = img.mean(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(tf.image.adjust_contrast(img, 2.0).numpy(), (img - mean) * 2 + mean, rtol=1e-6)
    assert tf.image.central_crop(np.zeros((10, 8, 3)), 0.5).shape == (6, 4, 3)
    padded = tf.image.resize_with_crop_or_pad(np.ones((5, 8, 3)), 7, 4).numpy()
    assert padded.shape == (7, 4, 3) and padded[0].sum() == 0 and padded[1].all()
    assert tf.image.resize(img, (6, 8)).shape == (2, 6, 8, 1)
    assert tf.image.resize(np.zeros((4, 4, 3), np.uint8), (2, 2)).dtype == tf.float32
    assert tf.image.resize(np.zeros((4, 6, 3)), (4, 4), preserve_aspect_ratio=True).shape == (3, 4, 3)
    np.testing.assert_allclose(tf.image.rgb_to_grayscale(np.ones((2, 2, 3))).numpy(), np.full((2, 2, 1), 0.9999))
    with pytest.raises(ValueError, match="method"):
        tf.image.resize(img, (2, 2), method="area")


def test_random_flip_is_seeded_and_per_image():
    batch = _R.standard_normal((16, 2, 3, 1))
    a = tf.image.random_flip_left_right(batch, seed=3).numpy()
    b = tf.image.random_flip_left_right(batch, seed=3).numpy()
    np.testing.assert_array_equal(a, b)
    flipped = [np.array_equal(a[i], batch[i, :, ::-1]) for i in range(16)]
    kept = [np.array_equal(a[i], batch[i]) for i in range(16)]
    assert all(f or k for f, k in zip(flipped, kept)) and any(flipped) and any(kept)
