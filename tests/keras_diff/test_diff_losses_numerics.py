"""The losses made finite on extreme inputs (issue 10, finding 10) still equal Keras 3 (JAX) on
ordinary inputs (probabilities in [eps, 1 - eps], unnormalised rows summing to eps or more),
value and gradient; on the extreme inputs shenjing is finite where Keras is finite or NaN, and
equal to Keras wherever Keras's value is finite."""

import numpy as np
import pytest

import shenjing.keras as sk
from shenjing.autograd.tensor import Tensor

keras = pytest.importorskip("keras")
jax = pytest.importorskip("jax")


def _keras(fn, y_true, y_pred, kwargs):
    import jax.numpy as jnp

    def total(p):
        value = fn(y_true, p, **kwargs)
        return jnp.sum(value), value

    (_, value), grad = jax.value_and_grad(total, has_aux=True)(jnp.asarray(y_pred))
    return np.asarray(value), np.asarray(grad)


def _shenjing(fn, y_true, y_pred, kwargs):
    p = Tensor(np.array(y_pred, dtype="float32"), requires_grad=True)
    out = fn(y_true, p, **kwargs)
    out.sum().backward()
    return np.asarray(out.data), np.asarray(p.grad)


def _ordinary(rng, kind):
    """(y_true, y_pred): probabilities with a spread of magnitudes, some rows unnormalised."""
    y_pred = rng.uniform(1e-6, 1.0, size=(6, 4)).astype("float32")
    y_pred[:3] /= y_pred[:3].sum(-1, keepdims=True)  # rows 0-2 normalised, 3-5 not (sums 1e-6..4)
    y_pred[4] *= 1e-5
    labels = rng.integers(0, 4, size=6)
    if kind == "sparse":
        return labels, y_pred
    if kind == "binary":
        return rng.integers(0, 2, size=(6, 4)).astype("float32"), np.clip(y_pred, 1e-6, 1 - 1e-6)
    return np.eye(4, dtype="float32")[labels], y_pred


CASES = {
    "categorical_crossentropy": ("categorical", {}),
    "categorical_crossentropy_smoothed": ("categorical", {"label_smoothing": 0.2}),
    "sparse_categorical_crossentropy": ("sparse", {}),
    "categorical_focal_crossentropy": ("categorical", {"gamma": 1.5}),
    "binary_focal_crossentropy": ("binary", {"gamma": 0.5}),
    "binary_focal_crossentropy_balanced": ("binary", {"apply_class_balancing": True}),
    "categorical_generalized_cross_entropy": ("sparse", {"q": 0.3}),
}


def _functions(name):
    base = name.replace("_smoothed", "").replace("_balanced", "")
    return getattr(keras.losses, base), getattr(sk.losses, base)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("seed", [0, 1])
def test_ordinary_inputs_match_keras(name, seed):
    kind, kwargs = CASES[name]
    y_true, y_pred = _ordinary(np.random.default_rng(seed), kind)
    k_fn, s_fn = _functions(name)
    kv, kg = _keras(k_fn, y_true, y_pred, kwargs)
    sv, sg = _shenjing(s_fn, y_true, y_pred, kwargs)
    np.testing.assert_allclose(sv, kv, rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(sg, kg, rtol=1e-3, atol=1e-4)


EXTREME = [
    ("categorical_crossentropy", np.eye(3, dtype="float32")[[1, 0]], [[0, 0, 0], [0.2, 0.3, 0.5]], {}),
    ("sparse_categorical_crossentropy", np.array([1, 0]), [[0, 0, 0], [0.2, 0.3, 0.5]], {}),
    ("categorical_focal_crossentropy", np.eye(3, dtype="float32")[[1, 0]], [[0, 0, 0], [0.2, 0.3, 0.5]], {}),
    ("binary_focal_crossentropy", np.array([[0, 1, 1]], "float32"), [[0, 1, 0.3]], {"gamma": 0.5}),
    ("categorical_generalized_cross_entropy", np.array([1, 0]), [[1, 0, 0], [0.2, 0.3, 0.5]], {"q": 0.5}),
]


@pytest.mark.parametrize("name, y_true, y_pred, kwargs", EXTREME, ids=[c[0] for c in EXTREME])
def test_extreme_inputs_finite_and_equal_where_keras_is_finite(name, y_true, y_pred, kwargs):
    k_fn, s_fn = _functions(name)
    y_pred = np.asarray(y_pred, dtype="float32")
    with np.errstate(all="ignore"):
        kv, kg = _keras(k_fn, y_true, y_pred, kwargs)
        sv, sg = _shenjing(s_fn, y_true, y_pred, kwargs)
    assert np.all(np.isfinite(sv)) and np.all(np.isfinite(sg))
    finite = np.isfinite(kv)
    np.testing.assert_allclose(sv[finite], kv[finite], rtol=2e-4, atol=2e-5)
