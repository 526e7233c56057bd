"""Every loss shenjing shares with Keras 3.15, compared with real Keras (JAX) on random
configurations: the reduced value and its gradient w.r.t. y_pred (shapes, from_logits,
label_smoothing, axis, reduction, sample weights of shape (B,), (B, 1), (B, T)), the
per-sample functions, and get_config key by key.
"""

import numpy as np
import pytest

import shenjing.keras as sk
from shenjing.autograd.tensor import Tensor

keras = pytest.importorskip("keras")
jax = pytest.importorskip("jax")

REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]
RTOL, ATOL = 2e-4, 2e-5
CONFIGS_PER_LOSS = 12


def _probs(rng, shape, axis=-1):
    x = rng.uniform(0.05, 1.0, size=shape)
    return (x / x.sum(axis=axis, keepdims=True)).astype("float32")


def _onehot(rng, shape, axis=-1):
    labels = rng.integers(0, shape[axis], size=shape[:axis % len(shape)] + shape[axis % len(shape) + 1:])
    return np.moveaxis(np.eye(shape[axis], dtype="float32")[labels], -1, axis)


def _weights(rng, batch, steps):
    """None, (B,), (B, 1) or (B, T) sample weights (the last two only with a step axis)."""
    kind = rng.integers(0, 4 if steps else 3)
    if kind == 0:
        return None
    if kind == 1:
        return rng.uniform(0, 2, size=(batch,)).astype("float32")
    if kind == 2:
        return rng.uniform(0, 2, size=(batch, 1)).astype("float32")
    return rng.uniform(0, 2, size=(batch, steps)).astype("float32")


def _shape(rng, last):
    """(B, C) or (B, T, C) from a few fixed sizes, so that JAX's per-shape compilations are
    reused across configurations (the values, arguments and weights are what vary)."""
    batch = 3
    steps = 2 if rng.random() < 0.4 else None
    last = 1 if last == 1 else 3
    return (batch, steps, last) if steps else (batch, last), batch, steps


def _regression(rng, positive=False):
    shape, batch, steps = _shape(rng, int(rng.integers(1, 3)))
    low = 0.1 if positive else -2.0
    return (rng.uniform(low, 2, shape).astype("float32"), rng.uniform(low, 2, shape).astype("float32"),
            _weights(rng, batch, steps))


def _binary(rng, kwargs):
    shape, batch, steps = _shape(rng, int(rng.integers(1, 3)))
    y_true = (rng.random(shape) > 0.5).astype("float32")
    y_pred = (rng.normal(size=shape) if kwargs.get("from_logits")
              else rng.uniform(0.02, 0.98, shape)).astype("float32")
    return y_true, y_pred, _weights(rng, batch, steps)


def _categorical(rng, kwargs):
    shape, batch, steps = _shape(rng, int(rng.integers(2, 5)))
    axis = kwargs.get("axis", -1)
    y_true = _onehot(rng, shape, axis)
    y_pred = (rng.normal(size=shape).astype("float32") if kwargs.get("from_logits")
              else _probs(rng, shape, axis))
    weights = _weights(rng, batch, steps) if axis == -1 else None
    return y_true, y_pred, weights


def _sparse(rng, kwargs):
    shape, batch, steps = _shape(rng, int(rng.integers(2, 5)))
    y_true = rng.integers(0, shape[-1], size=shape[:-1])
    if kwargs.get("ignore_class") is not None:
        y_true[rng.random(y_true.shape) < 0.3] = kwargs["ignore_class"]
    if rng.random() < 0.3:
        y_true = y_true[..., None]
    y_pred = (rng.normal(size=shape).astype("float32") if kwargs.get("from_logits")
              else _probs(rng, shape))
    return y_true, y_pred, _weights(rng, batch, steps)


def _hinge(rng, kwargs):
    y_true, y_pred, w = _regression(rng)
    return (y_true > 0).astype("float32"), y_pred, w


def _overlap(rng, kwargs):
    shape = (3, 2, 3)
    y_true = (rng.random(shape) > 0.5).astype("float32")
    return y_true, rng.uniform(0, 1, shape).astype("float32"), (
        rng.uniform(0, 2, (shape[0],)).astype("float32") if kwargs.get("axis") and rng.random() < 0.5 else None)


def _circle(rng, kwargs):
    batch = 6
    emb = rng.normal(size=(batch, 3))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return rng.integers(0, 3, size=batch), emb.astype("float32"), _weights(rng, batch, None)


def _gce(rng, kwargs):
    batch, classes = 3, 3
    return rng.integers(0, classes, size=batch), _probs(rng, (batch, classes)), _weights(rng, batch, None)


def _ls(rng):
    return float(rng.choice([0.0, 0.1, 0.3]))


# name -> (random constructor kwargs, random inputs)
LOSSES = {
    "MeanSquaredError": (lambda r: {}, lambda r, k: _regression(r)),
    "MeanAbsoluteError": (lambda r: {}, lambda r, k: _regression(r)),
    "MeanAbsolutePercentageError": (lambda r: {}, lambda r, k: _regression(r, positive=True)),
    "MeanSquaredLogarithmicError": (lambda r: {}, lambda r, k: _regression(r, positive=True)),
    "CosineSimilarity": (lambda r: {"axis": -1}, lambda r, k: _regression(r)),
    "Huber": (lambda r: {"delta": float(r.choice([0.5, 1.0, 2.0]))}, lambda r, k: _regression(r)),
    "LogCosh": (lambda r: {}, lambda r, k: _regression(r)),
    "Hinge": (lambda r: {}, _hinge),
    "SquaredHinge": (lambda r: {}, _hinge),
    "CategoricalHinge": (lambda r: {}, lambda r, k: _categorical(r, {})),
    "KLDivergence": (lambda r: {}, lambda r, k: _categorical(r, {})[:1] + _categorical(r, {})[1:]
                     if False else (lambda t: (_probs(r, t[0].shape), t[1], t[2]))(_categorical(r, {}))),
    "Poisson": (lambda r: {}, lambda r, k: _regression(r, positive=True)),
    "BinaryCrossentropy": (lambda r: {"from_logits": bool(r.random() < 0.5),
                                      "label_smoothing": _ls(r)}, _binary),
    "BinaryFocalCrossentropy": (lambda r: {"from_logits": bool(r.random() < 0.5),
                                           "label_smoothing": _ls(r),
                                           "apply_class_balancing": bool(r.random() < 0.5),
                                           "alpha": float(r.choice([0.25, 0.6])),
                                           "gamma": float(r.choice([0.0, 1.0, 2.0]))}, _binary),
    "CategoricalCrossentropy": (lambda r: {"from_logits": bool(r.random() < 0.5),
                                           "label_smoothing": _ls(r),
                                           "axis": int(r.choice([-1, -1, 1]))}, _categorical),
    "CategoricalFocalCrossentropy": (lambda r: {"from_logits": bool(r.random() < 0.5),
                                                "label_smoothing": _ls(r),
                                                "alpha": float(r.choice([0.25, 1.0])),
                                                "gamma": float(r.choice([0.0, 2.0])),
                                                "axis": int(r.choice([-1, -1, 1]))}, _categorical),
    # Keras's JAX backend accepts axis only as the last axis (it checks the label shape
    # against y_pred.shape[:-1]), so axis stays -1 here.
    "SparseCategoricalCrossentropy": (lambda r: {"from_logits": bool(r.random() < 0.5),
                                                 "ignore_class": (None if r.random() < 0.5 else 1)},
                                      _sparse),
    "Dice": (lambda r: {"axis": [None, (1, 2), [1]][int(r.integers(0, 3))]}, _overlap),
    "Tversky": (lambda r: {"alpha": float(r.choice([0.3, 0.5])), "beta": float(r.choice([0.5, 0.7])),
                           "axis": [None, (1, 2)][int(r.integers(0, 2))]}, _overlap),
    "Circle": (lambda r: {"gamma": float(r.choice([2.0, 80.0])), "margin": float(r.choice([0.25, 0.4])),
                          "remove_diagonal": bool(r.random() < 0.7)}, _circle),
    "CategoricalGeneralizedCrossEntropy": (lambda r: {"q": float(r.choice([0.2, 0.5, 0.8]))}, _gce),
}
NOT_COMPARED = {}


def _ctc(rng, kwargs):
    """0-padded labels (3, 3) (lengths 1..3, repeats allowed) and logits (3, 5, 4)."""
    labels = rng.integers(1, 4, size=(3, 3))
    for row, length in enumerate(rng.integers(1, 4, size=3)):
        labels[row, length:] = 0
    return labels, rng.normal(size=(3, 5, 4)).astype("float32"), _weights(rng, 3, None)


LOSSES["CTC"] = (lambda r: {}, _ctc)


def test_every_keras_loss_is_covered():
    names = {n for n in dir(keras.losses) if n[0].isupper() and n not in ("Loss",)}
    assert names - set(LOSSES) - set(NOT_COMPARED) == set()


def _keras_value_and_grad(loss, y_true, y_pred, weights):
    import jax.numpy as jnp

    def total(p):
        value = loss(y_true, p, sample_weight=weights)
        return jnp.sum(value), value

    (_, value), grad = jax.value_and_grad(total, has_aux=True)(jnp.asarray(y_pred))
    return np.asarray(value), np.asarray(grad)


def _shenjing_value_and_grad(loss, y_true, y_pred, weights):
    p = Tensor(y_pred.copy(), requires_grad=True)
    out = loss(y_true, p, sample_weight=weights)
    value = np.asarray(out.data)
    out.sum().backward() if out.ndim else out.backward()
    return value, np.asarray(p.grad)


def _compare(name, seed):
    rng = np.random.default_rng(seed)
    make_kwargs, make_inputs = LOSSES[name]
    kwargs = make_kwargs(rng)
    y_true, y_pred, weights = make_inputs(rng, kwargs)
    kwargs["reduction"] = str(rng.choice(REDUCTIONS))
    k_loss, s_loss = getattr(keras.losses, name)(**kwargs), getattr(sk.losses, name)(**kwargs)
    where = (f"{name}({kwargs}) y_true{np.shape(y_true)} y_pred{y_pred.shape} "
             f"w{None if weights is None else weights.shape}")
    try:
        kv, kg = _keras_value_and_grad(k_loss, y_true, y_pred, weights)
    except ValueError:
        # Keras refuses these weights (e.g. (B,) against losses (B, T)): so must shenjing
        try:
            _shenjing_value_and_grad(s_loss, y_true, y_pred, weights)
        except ValueError:
            return []
        return [f"{where}: Keras raises ValueError, shenjing does not"]
    sv, sg = _shenjing_value_and_grad(s_loss, y_true, y_pred, weights)
    problems = []
    if kv.shape != sv.shape:
        problems.append(f"{where}: shape keras {kv.shape} shenjing {sv.shape}")
    elif not np.allclose(sv, kv, rtol=RTOL, atol=ATOL):
        problems.append(f"{where}: value keras {kv} shenjing {sv}")
    finite = np.isfinite(kg)  # Keras's -inf masking can give NaN gradients (Circle)
    if not np.allclose(sg[finite], kg[finite], rtol=1e-3, atol=1e-4):
        problems.append(f"{where}: gradient differs, max |diff| {np.abs(sg - kg)[finite].max()}")
    return problems


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_matches_keras(name):
    problems = []
    for seed in range(CONFIGS_PER_LOSS):
        problems += _compare(name, seed)
    assert not problems, "\n".join(problems)


# The per-sample functions, called directly (their default arguments).
FUNCTIONS = {
    "mean_squared_error": "MeanSquaredError", "mean_absolute_error": "MeanAbsoluteError",
    "mean_absolute_percentage_error": "MeanAbsolutePercentageError",
    "mean_squared_logarithmic_error": "MeanSquaredLogarithmicError",
    "cosine_similarity": "CosineSimilarity", "huber": "Huber", "log_cosh": "LogCosh",
    "hinge": "Hinge", "squared_hinge": "SquaredHinge", "categorical_hinge": "CategoricalHinge",
    "kl_divergence": "KLDivergence", "poisson": "Poisson",
    "binary_crossentropy": "BinaryCrossentropy",
    "binary_focal_crossentropy": "BinaryFocalCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "categorical_focal_crossentropy": "CategoricalFocalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
    "dice": "Dice", "tversky": "Tversky", "circle": "Circle",
    "categorical_generalized_cross_entropy": "CategoricalGeneralizedCrossEntropy",
    "ctc": "CTC",
}


def test_every_keras_loss_function_is_covered():
    names = {n for n in dir(keras.losses) if n[0].islower()} - {"get", "serialize", "deserialize"}
    assert names - set(FUNCTIONS) == set()


@pytest.mark.parametrize("fn_name", sorted(FUNCTIONS))
def test_loss_function_matches_keras(fn_name):
    import jax.numpy as jnp

    problems = []
    for seed in range(6):
        rng = np.random.default_rng(100 + seed)
        extra = {"q": 0.5} if fn_name == "categorical_generalized_cross_entropy" else {}
        y_true, y_pred, _ = LOSSES[FUNCTIONS[fn_name]][1](rng, {})
        k_fn, s_fn = getattr(keras.losses, fn_name), getattr(sk.losses, fn_name)
        (_, kv), kg = jax.value_and_grad(lambda p: (lambda v: (jnp.sum(v), v))(k_fn(y_true, p, **extra)),
                                         has_aux=True)(jnp.asarray(y_pred))
        kv, kg = np.asarray(kv), np.asarray(kg)
        p = Tensor(y_pred.copy(), requires_grad=True)
        out = s_fn(y_true, p, **extra)
        out.sum().backward()
        if kv.shape != out.shape or not np.allclose(out.data, kv, rtol=RTOL, atol=ATOL):
            problems.append(f"{fn_name} seed {seed}: keras {kv} shenjing {out.data}")
        finite = np.isfinite(kg)
        if not np.allclose(p.grad[finite], kg[finite], rtol=1e-3, atol=1e-4):
            problems.append(f"{fn_name} seed {seed}: gradient differs")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_config_matches_keras(name):
    for seed in range(4):
        rng = np.random.default_rng(200 + seed)
        kwargs = LOSSES[name][0](rng)
        kwargs["reduction"] = str(rng.choice(REDUCTIONS))
        k_config = getattr(keras.losses, name)(**kwargs).get_config()
        s_config = getattr(sk.losses, name)(**kwargs).get_config()
        assert sorted(s_config) == sorted(k_config), name
        for key in k_config:
            assert s_config[key] == k_config[key], (name, key, s_config[key], k_config[key])
        # and each side loads the other's config
        getattr(sk.losses, name).from_config(k_config)
        getattr(keras.losses, name).from_config(s_config)
