"""A softmax or sigmoid output followed by a probability cross-entropy is computed as the
fused, stable logits loss (as Keras's TensorFlow backend): same values and gradients as
the unfused formula where that one does not clip, exact and finite where it does."""

import warnings

import numpy as np
import pytest

import shenjing as tf
from shenjing import layers, losses, ops
from shenjing.losses import functions as F

rng = np.random.default_rng(3)
LABELS = np.array([0, 3, 4, 1, 2, 2])
ONE_HOT = np.eye(5, dtype=np.float32)[LABELS]
BIN_TRUE = rng.integers(0, 2, (6, 5)).astype(np.float32)


def _logits(scale=2.0):
    return tf.tensor((rng.standard_normal((6, 5)) * scale).astype(np.float32))


CASES = [
    ("sparse", "softmax", lambda p: F.sparse_categorical_crossentropy(LABELS, p)),
    ("categorical", "softmax", lambda p: F.categorical_crossentropy(ONE_HOT, p)),
    ("smoothed", "softmax", lambda p: F.categorical_crossentropy(ONE_HOT, p, label_smoothing=0.1)),
    ("binary", "sigmoid", lambda p: F.binary_crossentropy(BIN_TRUE, p)),
    ("ignored", "softmax", lambda p: F.sparse_categorical_crossentropy(LABELS, p, ignore_class=2)),
]


def _value_and_grad(z, activation, loss_fn, fused):
    z = tf.tensor(z.data)
    with tf.GradientTape(persistent=True) as tape:  # persistent: the graph stays to inspect
        tape.watch(z)
        p = ops.softmax(z) if activation == "softmax" else ops.sigmoid(z)
        if not fused:
            p = p * 1.0  # a tensor derived from the output carries no mark: the unfused path
        loss = loss_fn(p)
        total = loss.sum()
    return loss.numpy(), tape.gradient(total, z).numpy(), loss


@pytest.mark.parametrize("name, activation, loss_fn", CASES, ids=[c[0] for c in CASES])
def test_fused_equals_unfused_on_moderate_logits(name, activation, loss_fn):
    z = _logits()
    fused, fused_grad, loss = _value_and_grad(z, activation, loss_fn, fused=True)
    plain, plain_grad, plain_loss = _value_and_grad(z, activation, loss_fn, fused=False)
    np.testing.assert_allclose(fused, plain, rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(fused_grad, plain_grad, rtol=1e-5, atol=1e-6)
    assert {"Softmax", "Sigmoid", "Clip"}.isdisjoint(_graph_ops(loss))
    assert {"Softmax", "Sigmoid"} & _graph_ops(plain_loss)


def _graph_ops(tensor):
    seen, stack, names = set(), [tensor], set()
    while stack:
        t = stack.pop()
        if t._ctx is None or id(t) in seen:
            continue
        seen.add(id(t))
        names.add(type(t._ctx).__name__)
        stack.extend(t._ctx.inputs)
    return names


def test_the_fused_graph_skips_softmax_and_the_unfused_one_clips():
    z = tf.tensor(_logits().data, requires_grad=True)
    fused = F.sparse_categorical_crossentropy(LABELS, ops.softmax(z))
    unfused = F.sparse_categorical_crossentropy(LABELS, ops.softmax(z) * 1.0)
    assert "SparseSoftmaxCrossEntropy" in _graph_ops(fused) and "Softmax" not in _graph_ops(fused)
    assert "Softmax" in _graph_ops(unfused)


def test_extreme_logits_are_exact_and_finite_where_the_unfused_path_clips():
    z = np.array([[60.0, -60.0, 0.0], [0.0, 0.0, 90.0]], dtype=np.float32)
    labels = np.array([1, 2])
    expected = np.array([120.0, 0.0])  # logsumexp(z) - z[label], exactly
    value, grad, _ = _value_and_grad(tf.tensor(z), "softmax",
                                     lambda p: F.sparse_categorical_crossentropy(labels, p), True)
    np.testing.assert_allclose(value, expected, atol=1e-5)
    assert np.isfinite(grad).all() and abs(grad[0, 1] + 1.0) < 1e-6  # softmax - onehot
    clipped, clipped_grad, _ = _value_and_grad(
        tf.tensor(z), "softmax", lambda p: F.sparse_categorical_crossentropy(labels, p), False)
    assert clipped[0] == pytest.approx(-np.log(1e-7), rel=1e-4)  # the clip: 16.1, not 120
    assert clipped_grad[0, 1] == 0.0  # and no gradient through the clip
    value, grad, _ = _value_and_grad(tf.tensor(np.array([[50.0, -50.0]], np.float32)), "sigmoid",
                                     lambda p: F.binary_crossentropy([[0.0, 1.0]], p), True)
    np.testing.assert_allclose(value, [50.0], rtol=1e-6)
    np.testing.assert_allclose(grad, [[0.5, -0.5]], rtol=1e-6)  # mean over 2: (s - t) / 2


def test_a_softmax_over_another_axis_or_a_sigmoid_is_not_taken_for_softmax_logits():
    z = tf.tensor(_logits().data, requires_grad=True)
    over_rows = ops.softmax(z, axis=0)
    np.testing.assert_allclose(F.categorical_crossentropy(ONE_HOT, over_rows).numpy(),
                               F.categorical_crossentropy(ONE_HOT, over_rows * 1.0).numpy())
    squashed = ops.sigmoid(z)
    np.testing.assert_allclose(F.categorical_crossentropy(ONE_HOT, squashed).numpy(),
                               F.categorical_crossentropy(ONE_HOT, squashed * 1.0).numpy())
    # A softmax over axis 0 with the loss over axis 0 is fused.
    fused = F.categorical_crossentropy(ONE_HOT, over_rows, axis=0)
    assert "SoftmaxCrossEntropy" in _graph_ops(fused) and "Softmax" not in _graph_ops(fused)


def test_the_mark_is_on_layer_outputs_only_and_holds_no_graph_without_grad():
    x = rng.standard_normal((3, 4)).astype(np.float32)
    for layer, activation in [(layers.Dense(5, activation="softmax"), "softmax"),
                              (layers.Dense(5, activation="sigmoid"), "sigmoid"),
                              (layers.Activation("softmax"), "softmax"),
                              (layers.Softmax(), "softmax")]:
        out = layer(x)
        assert out._keras_logits.activation == activation
        assert getattr(out * 2.0, "_keras_logits", None) is None
    dense = layers.Dense(5, activation="softmax")
    with tf.no_grad():
        out = dense(x)
    assert out._keras_logits.logits._ctx is None  # the logits' array only


def test_from_logits_true_on_a_softmax_output_warns_and_computes_as_asked():
    p = ops.softmax(_logits())
    with pytest.warns(UserWarning, match="does not represent logits"):
        value = F.sparse_categorical_crossentropy(LABELS, p, from_logits=True).numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expected = F.sparse_categorical_crossentropy(LABELS, p * 1.0, from_logits=True).numpy()
    np.testing.assert_allclose(value, expected)


def _model(activation, seed_weights=None):
    model = tf.models.Sequential([layers.Input((8,)), layers.Dense(16, activation="relu"),
                                  layers.Dense(4, activation=activation)])
    if seed_weights is not None:
        model.set_weights(seed_weights)
    return model


def test_training_fused_unfused_and_logits_give_near_equal_weights():
    tf.set_random_seed(0)
    x = rng.standard_normal((64, 8)).astype(np.float32)
    y = rng.integers(0, 4, 64)
    start = _model("softmax").get_weights()
    runs = {
        "fused": (_model("softmax", start), "sparse_categorical_crossentropy"),
        "unfused": (_model("softmax", start),
                    lambda t, p: F.sparse_categorical_crossentropy(t, p * 1.0)),
        "logits": (_model(None, start), losses.SparseCategoricalCrossentropy(from_logits=True)),
    }
    for model, loss in runs.values():
        model.compile(optimizer=tf.optimizers.SGD(0.5), loss=loss)
        model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    weights = {name: run[0].get_weights() for name, run in runs.items()}
    for a, b, c in zip(weights["fused"], weights["unfused"], weights["logits"]):
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert any(not np.allclose(w, s) for w, s in zip(weights["fused"], start))
