"""keras.ops.linalg, keras.ops.core and keras.ops.image against real Keras 3 (JAX backend):
values on random inputs, and gradients of the differentiable linalg and image ops."""

import numpy as np
import pytest

from shenjing import ops

from conftest import keras  # noqa: F401  (skips the module where Keras is absent)

import jax  # noqa: E402  (after conftest chose the JAX backend)

K = keras.ops
_R = np.random.default_rng(2024)


def _close(ours, theirs, tol=1e-4):
    ours = ours.numpy() if hasattr(ours, "numpy") else np.asarray(ours)
    theirs = np.asarray(theirs)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


def _well(*shape):
    return (_R.standard_normal(shape) * 0.5 + shape[-1] * np.eye(shape[-1])).astype(np.float32)


def _spd(*shape):
    m = _R.standard_normal(shape).astype(np.float32)
    return m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1], dtype=np.float32)


# -- linalg: values --------------------------------------------------------------------
LINALG_VALUES = [
    ("inv", lambda m: m.inv(_A)),
    ("det", lambda m: m.det(_A)),
    ("solve", lambda m: m.solve(_A, _B)),
    ("solve-vector", lambda m: m.solve(_A[0], _B[0, :, 0])),
    ("solve_triangular-lower", lambda m: m.solve_triangular(_A, _B, lower=True)),
    ("solve_triangular-upper", lambda m: m.solve_triangular(_A, _B)),
    ("cholesky", lambda m: m.cholesky(_S)),
    ("cholesky-upper", lambda m: m.cholesky(_S, upper=True)),
    ("cholesky_inverse", lambda m: m.cholesky_inverse(np.linalg.cholesky(_S[0]))),  # Keras: 2-D only
    ("eigh-values", lambda m: m.eigh(_S)[0]),
    ("eigh-vectors-abs", lambda m: abs(np.asarray(m.eigh(_S)[1]))),
    ("svd-values", lambda m: m.svd(_M, compute_uv=False)),
    ("qr-r-abs", lambda m: abs(np.asarray(m.qr(_M)[1]))),
    ("lstsq", lambda m: m.lstsq(_M[0], _B[0])),
    ("pinv", lambda m: m.pinv(_M)),
    ("matrix_rank", lambda m: m.matrix_rank(_M)),
    ("lu_factor-lu", lambda m: m.lu_factor(_A)[0]),
    ("lu_factor-pivots", lambda m: m.lu_factor(_A)[1]),
]
_A, _B, _S, _M = _well(2, 4, 4), _R.standard_normal((2, 4, 3)).astype(np.float32), _spd(2, 4, 4), \
    _R.standard_normal((2, 4, 3)).astype(np.float32)
for _ord in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
    LINALG_VALUES.append((f"norm-matrix-{_ord}", lambda m, _o=_ord: m.norm(_M, ord=_o, axis=(1, 2))))
    LINALG_VALUES.append((f"norm-matrix-keepdims-{_ord}", lambda m, _o=_ord: m.norm(_M, ord=_o, axis=(2, 0), keepdims=True)))
for _ord in (None, 0, 1, 2, 3, 0.5, np.inf, -np.inf):
    LINALG_VALUES.append((f"norm-vector-{_ord}", lambda m, _o=_ord: m.norm(_M, ord=_o, axis=-1)))
LINALG_VALUES.append(("norm-all", lambda m: m.norm(_M)))
LINALG_VALUES.append(("norm-int", lambda m: m.norm(np.arange(6).reshape(2, 3))))


@pytest.mark.parametrize("name, call", LINALG_VALUES, ids=[n for n, _ in LINALG_VALUES])
def test_linalg_values_match_keras(name, call):
    _close(call(ops), call(K), tol=2e-4)


# -- gradients: jax.grad of sum(f(x) * w) through Keras against shenjing's backward ------
GRADIENTS = [
    ("inv", lambda m, x: m.inv(x), _well(3, 3)),
    ("det", lambda m, x: m.det(x), _well(2, 3, 3)),
    ("solve-a", lambda m, x: m.solve(x, _B[0, :3]), _well(3, 3)),
    ("cholesky", lambda m, x: m.cholesky(x), _spd(3, 3)),
    ("eigh-values", lambda m, x: m.eigh(x)[0], _spd(3, 3)),
    ("svd-values", lambda m, x: m.svd(x, compute_uv=False), _R.standard_normal((3, 4)).astype(np.float32)),
    ("norm-fro", lambda m, x: m.norm(x), _R.standard_normal((3, 4)).astype(np.float32)),
    ("norm-nuc", lambda m, x: m.norm(x, ord="nuc"), _R.standard_normal((3, 4)).astype(np.float32)),
    ("norm-vector-3", lambda m, x: m.norm(x, ord=3, axis=0), _R.standard_normal((3, 4)).astype(np.float32)),
    ("resize-bilinear", lambda m, x: m.image.resize(x, (5, 3)), _R.standard_normal((1, 3, 4, 2)).astype(np.float32)),
    ("resize-bicubic-antialias", lambda m, x: m.image.resize(x, (2, 3), interpolation="bicubic", antialias=True),
     _R.standard_normal((1, 5, 4, 1)).astype(np.float32)),
    ("affine", lambda m, x: m.image.affine_transform(x, np.array([1.1, 0.2, -0.3, -0.1, 0.9, 0.4, 0, 0], np.float32),
                                                    fill_mode="reflect"), _R.standard_normal((1, 4, 3, 2)).astype(np.float32)),
    ("affine-c0c1-batch2", lambda m, x: m.image.affine_transform(
        x, np.array([[1.0, 0.1, -0.5, 0.05, 0.9, 0.3, 0.6, -0.4], [0.9, 0.0, 0.2, 0.1, 1.1, -0.3, 0, 0]],
                    np.float32), fill_mode="nearest"), _R.standard_normal((2, 4, 3, 2)).astype(np.float32)),
    ("rgb_to_hsv", lambda m, x: m.image.rgb_to_hsv(x), _R.uniform(0.05, 0.95, (1, 2, 3, 3)).astype(np.float32)),
    ("extract_patches", lambda m, x: m.image.extract_patches(x, 2, strides=1, padding="same"),
     _R.standard_normal((1, 3, 3, 2)).astype(np.float32)),
]


@pytest.mark.parametrize("name, call, x", GRADIENTS, ids=[g[0] for g in GRADIENTS])
def test_gradients_match_keras(name, call, x):
    out = call(K, x)
    w = _R.standard_normal(np.shape(out)).astype(np.float32)
    expected = jax.grad(lambda v: (call(K, v) * w).sum())(x)
    import shenjing as sj

    v = sj.Variable(x)
    (call(ops, v) * w).sum().backward()
    _close(v.grad, expected, tol=2e-3)


# -- core -----------------------------------------------------------------------------
CORE_VALUES = [
    ("scatter", lambda m: m.scatter(np.array([[0, 1], [1, 0], [0, 1]]), np.array([1.0, 2.0, 3.0], np.float32), (2, 2))),
    ("scatter_update", lambda m: m.scatter_update(np.zeros((3, 2), np.float32), np.array([[0], [2]]),
                                                  np.ones((2, 2), np.float32))),
    ("scatter_update-add", lambda m: m.scatter_update(np.ones((3, 2), np.float32), np.array([[0, 1], [0, 1]]),
                                                      np.array([2.0, 3.0], np.float32), reduction="add")),
    ("scatter_update-max", lambda m: m.scatter_update(np.ones((3, 2), np.float32), np.array([[2, 0]]),
                                                      np.array([5.0], np.float32), reduction="max")),
    ("slice", lambda m: m.slice(np.arange(24.0).reshape(2, 3, 4), (1, 0, 1), (1, 2, 3))),
    ("slice_update", lambda m: m.slice_update(np.zeros((3, 4)), (1, 1), np.ones((2, 2)))),
    ("unstack", lambda m: m.unstack(np.arange(6.0).reshape(2, 3), axis=1)[2]),
    ("saturate_cast", lambda m: m.saturate_cast(np.array([-5.0, 3.7, 400.0], np.float32), "uint8")),
    ("cast", lambda m: m.cast(np.array([1.7, -1.7], np.float32), "int32")),
    ("fori_loop", lambda m: m.fori_loop(0, 5, lambda i, v: v * 2.0, np.ones(2, np.float32))),
    ("while_loop", lambda m: m.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v + 1.5), (0, np.zeros(2, np.float32)))[1]),
    ("scan", lambda m: m.scan(lambda c, x: (c + x, c * x), np.float32(1.0), np.arange(4.0, dtype=np.float32))[1]),
    ("scan-reverse", lambda m: m.scan(lambda c, x: (c + x, c), np.float32(0.0), np.arange(4.0, dtype=np.float32),
                                      reverse=True)[1]),
    ("associative_scan", lambda m: m.associative_scan(lambda a, b: a + b, np.arange(6.0, dtype=np.float32).reshape(2, 3), axis=1)),
    ("associative_scan-reverse", lambda m: m.associative_scan(lambda a, b: a * b, np.arange(1.0, 5.0, dtype=np.float32), reverse=True)),
    ("map", lambda m: m.map(lambda r: r * 2.0, np.arange(6.0, dtype=np.float32).reshape(3, 2))),
    ("vectorized_map", lambda m: m.vectorized_map(lambda r: r.sum(), np.arange(6.0, dtype=np.float32).reshape(3, 2))),
    ("switch", lambda m: m.switch(7, [lambda x: x, lambda x: x * 3.0], np.ones(2, np.float32))),
    ("cond", lambda m: m.cond(False, lambda: np.ones(2, np.float32), lambda: np.zeros(2, np.float32))),
]


@pytest.mark.parametrize("name, call", CORE_VALUES, ids=[n for n, _ in CORE_VALUES])
def test_core_values_match_keras(name, call):
    _close(call(ops), call(K))


def test_core_facts_match_keras():
    x = np.zeros((2, 3), np.float16)
    assert ops.shape(x) == tuple(K.shape(x)) and ops.dtype(x) == K.dtype(x) == "float16"
    assert ops.convert_to_tensor([1, 2]).dtype.name == K.dtype(K.convert_to_tensor([1, 2]))
    assert ops.convert_to_tensor([1.0]).dtype.name == K.dtype(K.convert_to_tensor([1.0]))


def test_custom_gradient_matches_keras():
    def make(m):
        @m.custom_gradient
        def log1pexp(x):
            e = m.exp(x)

            def grad(*args, upstream=None):
                if upstream is None:
                    (upstream,) = args
                return m.multiply(upstream, 1.0 - 1.0 / m.add(1, e))

            return m.log(1 + e), grad
        return log1pexp

    x = _R.standard_normal(4).astype(np.float32)
    expected = jax.grad(lambda v: make(K)(v).sum())(x)
    import shenjing as sj

    v = sj.Variable(x)
    make(ops)(v).sum().backward()
    _close(make(ops)(x), make(K)(x))
    _close(v.grad, expected)


# -- image: values ----------------------------------------------------------------------
_X = _R.random((2, 7, 9, 3)).astype(np.float32)
IMAGE_VALUES = []
for _interp in ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5"):
    for _size in ((4, 5), (11, 14), (3, 17)):
        for _aa in (False, True):
            IMAGE_VALUES.append((f"resize-{_interp}-{_size}-aa{_aa}",
                                 lambda m, _i=_interp, _s=_size, _a=_aa: m.image.resize(_X, _s, interpolation=_i, antialias=_a)))
    IMAGE_VALUES.append((f"resize-{_interp}-cf-crop", lambda m, _i=_interp: m.image.resize(
        _X.transpose(0, 3, 1, 2), (5, 4), interpolation=_i, crop_to_aspect_ratio=True, data_format="channels_first")))
    IMAGE_VALUES.append((f"resize-{_interp}-pad", lambda m, _i=_interp: m.image.resize(
        _X[0], (6, 3), interpolation=_i, pad_to_aspect_ratio=True, fill_value=0.5)))
IMAGE_VALUES.append(("resize-uint8-bilinear", lambda m: m.image.resize((_X[0] * 255).astype(np.uint8), (5, 4))))
_T = np.array([[1.1, 0.2, -1.3, -0.15, 0.9, 2.2, 0, 0], [0.8, -0.3, 2.0, 0.25, 1.2, -1.0, 0, 0]], np.float32)
_C = (_R.random((2, 4, 3)) * 9 - 2).astype(np.float32)
_IN = _R.random((5, 6)).astype(np.float32)
for _mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
    for _interp, _order in (("nearest", 0), ("bilinear", 1)):
        IMAGE_VALUES.append((f"affine-{_mode}-{_interp}", lambda m, _m=_mode, _i=_interp: m.image.affine_transform(
            _X, _T, _i, _m, 0.2)))
        IMAGE_VALUES.append((f"affine-cf-{_mode}-{_interp}", lambda m, _m=_mode, _i=_interp: m.image.affine_transform(
            _X[0].transpose(2, 0, 1), _T[0], _i, _m, 0.2, data_format="channels_first")))
        IMAGE_VALUES.append((f"map_coordinates-{_mode}-{_order}", lambda m, _m=_mode, _o=_order: m.image.map_coordinates(
            _IN, _C, _o, _m, 0.3)))
# channel terms c0, c1 (Keras's JAX backend: they multiply the channel index); two transforms
_TC = np.array([[1.0, 0.1, -0.5, 0.05, 0.9, 0.3, 0.6, -0.4], [0.9, 0.0, 0.2, 0.1, 1.1, -0.3, -0.3, 0.5]],
               np.float32)
for _interp in ("nearest", "bilinear"):
    IMAGE_VALUES.append((f"affine-c0c1-{_interp}", lambda m, _i=_interp: m.image.affine_transform(
        _X, _TC, _i, "reflect", 0.2)))
    IMAGE_VALUES.append((f"affine-c0c1-cf-constant-{_interp}", lambda m, _i=_interp: m.image.affine_transform(
        _X[0].transpose(2, 0, 1), _TC[1], _i, "constant", 0.2, data_format="channels_first")))
IMAGE_VALUES += [
    ("rgb_to_grayscale", lambda m: m.image.rgb_to_grayscale(_X)),
    ("rgb_to_grayscale-cf", lambda m: m.image.rgb_to_grayscale(_X.transpose(0, 3, 1, 2), data_format="channels_first")),
    ("rgb_to_hsv", lambda m: m.image.rgb_to_hsv(_X)),
    ("rgb_to_hsv-cf", lambda m: m.image.rgb_to_hsv(_X.transpose(0, 3, 1, 2), data_format="channels_first")),
    ("hsv_to_rgb", lambda m: m.image.hsv_to_rgb(_X * 1.5 - 0.2)),
    ("pad_images", lambda m: m.image.pad_images(_X, 1, 0, 2, target_width=12)),
    ("pad_images-cf", lambda m: m.image.pad_images(_X[0].transpose(2, 0, 1), target_height=9, bottom_padding=0,
                                                   left_padding=3, right_padding=1, data_format="channels_first")),
    ("crop_images", lambda m: m.image.crop_images(_X, 1, 0, 2, target_width=6)),
    ("crop_images-cf", lambda m: m.image.crop_images(_X.transpose(0, 3, 1, 2), target_height=4, bottom_cropping=0,
                                                     left_cropping=3, right_cropping=1, data_format="channels_first")),
]
for _kw in (dict(size=3), dict(size=(2, 3), strides=1), dict(size=2, strides=(2, 1), padding="same"),
            dict(size=3, strides=2, dilation_rate=2), dict(size=(3, 2), strides=(3, 2), padding="same")):
    IMAGE_VALUES.append((f"extract_patches-{_kw}", lambda m, _k=_kw: m.image.extract_patches(_X, **_k)))
    IMAGE_VALUES.append((f"extract_patches-cf-{_kw}", lambda m, _k=_kw: m.image.extract_patches(
        _X.transpose(0, 3, 1, 2), data_format="channels_first", **_k)))


@pytest.mark.parametrize("name, call", IMAGE_VALUES, ids=[n for n, _ in IMAGE_VALUES])
def test_image_values_match_keras(name, call):
    _close(call(ops), call(K), tol=1.01 if "uint8" in name else 1e-4)


def test_affine_transform_refuses_what_keras_cannot_compute():
    images = np.full((2, 4, 4, 1), 7, np.uint8)
    t = np.array([[1, 0, 2, 0, 1, 2, 0, 0]] * 3, np.float32)
    with pytest.raises(ValueError, match="one transform or one per image \\(2\\); received 3"):
        ops.image.affine_transform(images, t)
    with pytest.raises(TypeError):  # Keras: a reshape error
        K.image.affine_transform(images, t)
    for fill in (300, -5):  # outside uint8: Keras's NumPy OverflowError, a wrapped value before
        with pytest.raises(ValueError, match=f"fill_value={fill} is outside the range .* uint8"):
            ops.image.affine_transform(images, t[:2], fill_value=fill)
        with pytest.raises(ValueError, match="map_coordinates: fill_value"):
            ops.image.map_coordinates(images[0, :, :, 0], np.zeros((2, 3, 3)) - 5, 0, fill_value=fill)
        with pytest.raises(OverflowError):
            K.image.affine_transform(images, t[:2], fill_value=fill)
    edge = ops.image.affine_transform(images, t[:2], "nearest", fill_value=255)
    np.testing.assert_array_equal(np.asarray(edge), np.asarray(K.image.affine_transform(
        images, t[:2], "nearest", fill_value=255)))
