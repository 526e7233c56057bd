"""Masks against Keras 3.15 (JAX): Embedding(mask_zero) -> Dense -> GlobalAveragePooling1D
(values and weight gradients), and the loss and metric values of a model whose y_pred carries
a mask, with the same weights in both, on random configurations."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import layers as L

keras = pytest.importorskip("keras")
jax = pytest.importorskip("jax")


def _ids(rng, batch, steps, vocab):
    """Random ids with trailing padding (0); every row keeps at least one real step."""
    ids = rng.integers(1, vocab, size=(batch, steps))
    lengths = rng.integers(1, steps + 1, size=batch)
    ids[np.arange(steps)[None, :] >= lengths[:, None]] = 0
    return ids.astype("int32")


def _pair(steps, vocab, dim, units, activation=None, pool=False):
    kl, kin = keras.layers, keras.Input((steps,), dtype="int32")
    h = kl.Dense(units, activation=activation)(kl.Embedding(vocab, dim, mask_zero=True)(kin))
    theirs = keras.Model(kin, kl.GlobalAveragePooling1D()(h) if pool else h)
    sin = sj.keras.Input((steps,), dtype="int32")
    h = L.Dense(units, activation=activation)(L.Embedding(vocab, dim, mask_zero=True)(sin))
    ours = sj.keras.Model(sin, L.GlobalAveragePooling1D()(h) if pool else h)
    ours.set_weights(theirs.get_weights())
    return ours, theirs


@pytest.mark.parametrize("seed, batch, steps, vocab, dim, units", [
    (0, 3, 5, 7, 4, 3), (1, 4, 6, 9, 3, 2), (2, 2, 4, 5, 2, 5), (3, 5, 3, 6, 5, 4),
])
def test_embedding_dense_global_average_matches_keras(seed, batch, steps, vocab, dim, units):
    rng = np.random.default_rng(seed)
    ids = _ids(rng, batch, steps, vocab)
    ours, theirs = _pair(steps, vocab, dim, units, pool=True)
    w = rng.standard_normal((batch, units)).astype("float32")

    def f(tv):
        y, _ = theirs.stateless_call(tv, [], ids)
        return (y * w).sum(), y

    (_, ty), grads = jax.value_and_grad(f, has_aux=True)([v.value for v in theirs.trainable_variables])
    oy = ours(ids)
    (oy * w).sum().backward()
    np.testing.assert_allclose(oy.numpy(), np.asarray(ty), rtol=1e-5, atol=1e-6)
    for variable, grad in zip(ours.trainable_weights, grads):
        np.testing.assert_allclose(variable.grad, np.asarray(grad), rtol=1e-4, atol=1e-6)


def _targets(rng, name, shape, units):
    if name == "sparse_categorical_crossentropy":
        return rng.integers(0, units, size=shape[:2])
    if name == "categorical_crossentropy":
        return np.eye(units, dtype="float32")[rng.integers(0, units, size=shape[:2])]
    if name == "binary_crossentropy":
        return rng.integers(0, 2, size=shape).astype("float32")
    return rng.standard_normal(shape).astype("float32")


LOSSES = [("sparse_categorical_crossentropy", "softmax"), ("categorical_crossentropy", "softmax"),
          ("binary_crossentropy", "sigmoid"), ("mean_squared_error", None)]
CLASSES = {"sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
           "categorical_crossentropy": "CategoricalCrossentropy",
           "binary_crossentropy": "BinaryCrossentropy", "mean_squared_error": "MeanSquaredError"}
REDUCTIONS = ["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"]


@pytest.mark.parametrize("loss, activation", LOSSES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_masked_loss_matches_keras(loss, activation, reduction):
    rng = np.random.default_rng(len(loss) + len(reduction))
    batch, steps, units = 3, 4, 3
    ids = _ids(rng, batch, steps, 6)
    ours, theirs = _pair(steps, 6, 2, units, activation=activation)
    y = _targets(rng, loss, (batch, steps, units), units)
    sample_weight = rng.uniform(0.5, 2.0, size=(batch, steps)).astype("float32")
    for sw in (None, sample_weight):
        expected = getattr(keras.losses, CLASSES[loss])(reduction=reduction)(y, theirs(ids), sample_weight=sw)
        got = getattr(sj.losses, CLASSES[loss])(reduction=reduction)(y, ours(ids), sample_weight=sw)
        np.testing.assert_allclose(got.numpy(), np.asarray(expected), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("metric, activation, target", [
    ("SparseCategoricalAccuracy", "softmax", "sparse_categorical_crossentropy"),
    ("CategoricalAccuracy", "softmax", "categorical_crossentropy"),
    ("MeanSquaredError", None, "mean_squared_error"),
    ("BinaryAccuracy", "sigmoid", "binary_crossentropy"),
])
def test_masked_metric_matches_keras(metric, activation, target):
    rng = np.random.default_rng(len(metric))
    batch, steps, units = 4, 5, 3
    ids = _ids(rng, batch, steps, 8)
    ours, theirs = _pair(steps, 8, 3, units, activation=activation)
    y = _targets(rng, target, (batch, steps, units), units)
    sample_weight = rng.uniform(0.5, 2.0, size=(batch, steps)).astype("float32")
    mine, reference = getattr(sj.metrics, metric)(), getattr(keras.metrics, metric)()
    for sw in (None, sample_weight):
        reference.update_state(y, theirs(ids), sample_weight=sw)
        mine.update_state(y, ours(ids), sample_weight=sw)
        np.testing.assert_allclose(float(mine.result()), float(reference.result()), rtol=1e-5)


def test_evaluate_with_a_masked_output_matches_keras():
    rng = np.random.default_rng(7)
    batch, steps, units = 6, 5, 4
    ids = _ids(rng, batch, steps, 9)
    ours, theirs = _pair(steps, 9, 3, units, activation="softmax")
    y = rng.integers(0, units, size=(batch, steps))
    for model in (ours, theirs):
        model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    expected = theirs.evaluate(ids, y, batch_size=batch, verbose=0)
    got = ours.evaluate(ids, y, batch_size=batch, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def _identity(x):
    return x


def _keep(inputs, mask):
    return mask


SUPPORTS = [  # (name, args, kwargs): the same constructor in both
    ("Dense", (2,), {}), ("Activation", ("relu",), {}), ("ReLU", (), {}), ("LeakyReLU", (), {}),
    ("ELU", (), {}), ("PReLU", (), {}), ("Softmax", (), {}), ("Dropout", (0.1,), {}),
    ("SpatialDropout1D", (0.1,), {}), ("GaussianNoise", (0.1,), {}), ("GaussianDropout", (0.1,), {}),
    ("AlphaDropout", (0.1,), {}), ("ActivityRegularization", (), {}), ("BatchNormalization", (), {}),
    ("LayerNormalization", (), {}), ("GroupNormalization", (1,), {}), ("UnitNormalization", (), {}),
    ("RMSNormalization", (), {}), ("Identity", (), {}), ("Masking", (), {}), ("Embedding", (3, 2), {}),
    ("Embedding", (3, 2), {"mask_zero": True}), ("Add", (), {}), ("Concatenate", (), {}),
    ("Multiply", (), {}), ("Dot", (1,), {}), ("GlobalAveragePooling1D", (), {}),
    ("GlobalMaxPooling1D", (), {}), ("GlobalAveragePooling2D", (), {}), ("Flatten", (), {}),
    ("Reshape", ((2,),), {}), ("RepeatVector", (2,), {}), ("Permute", ((1,),), {}),
    ("Conv1D", (2, 1), {}), ("MaxPooling1D", (), {}), ("Cropping1D", (), {}),
    ("ZeroPadding1D", (), {}), ("UpSampling1D", (), {}), ("Lambda", (_identity,), {}),
    ("Lambda", (_identity,), {"mask": _keep}),
]


@pytest.mark.parametrize("name, args, kwargs", SUPPORTS, ids=[f"{s[0]}{i}" for i, s in enumerate(SUPPORTS)])
def test_supports_masking_matches_keras(name, args, kwargs):
    ours = getattr(L, name)(*args, **kwargs)
    theirs = getattr(keras.layers, name)(*args, **kwargs)
    assert ours.supports_masking == theirs.supports_masking


@pytest.mark.parametrize("axis", [-1, 1])
def test_merge_masks_match_keras(axis):
    rng = np.random.default_rng(axis + 5)
    xs = [rng.standard_normal((2, 3, 4)).astype("float32") for _ in range(2)]
    masks = [rng.random((2, 3)) > 0.4, rng.random((2, 3)) > 0.4]
    for name, kwargs in (("Concatenate", {"axis": axis}), ("Add", {}), ("Maximum", {})):
        for given in (masks, [masks[0], None], [None, None]):
            ours = getattr(L, name)(**kwargs).compute_mask([sj.Tensor(x) for x in xs], given)
            theirs = getattr(keras.layers, name)(**kwargs).compute_mask(xs, given)
            if theirs is None:
                assert ours is None, (name, given)
            else:
                np.testing.assert_array_equal(ours.numpy(), np.asarray(theirs))
