"""Functional graphs with keras.ops nodes move between Keras 3 and shenjing as ``.keras`` files,
both ways, with equal predictions (Keras file -> shenjing, shenjing file -> Keras)."""

import numpy as np

import shenjing.keras as sk
from shenjing import models, saving  # noqa: F401


def graph(k):
    """The same graph in either framework: ``k`` is keras or shenjing.keras."""
    x = k.Input((5,), name="x")
    y = k.Input((5,), name="y")
    a = x + y
    a += 0.5 * y
    b = a[..., 1:4]
    c = k.ops.mean(a, axis=-1, keepdims=True)
    d = k.ops.concatenate([b, c, a[:, None][:, 0, :1]], axis=-1)
    e = (2.0 - d) / 3.0 + abs(-d) ** 2
    f = k.layers.Dense(3, name="dense")(e)
    g = f % 1.5 + f // 0.5 - k.ops.mean(f, axis=0)
    return k.Model([x, y], [g, f @ np.eye(3, dtype="float32")])


def data():
    rng = np.random.default_rng(0)
    return [rng.normal(size=(7, 5)).astype("float32") for _ in range(2)]


def test_keras_file_loads_in_shenjing(keras_module, tmp_path):
    model = graph(keras_module)
    path = tmp_path / "k.keras"
    model.save(path)
    expected = model.predict(data(), verbose=0)
    ours = saving.load_model(path).predict(data(), verbose=0)
    for mine, theirs in zip(ours, expected):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-5)


def test_shenjing_file_loads_in_keras(keras_module, tmp_path):
    model = graph(sk)
    path = tmp_path / "s.keras"
    model.save(path)
    expected = model.predict(data(), verbose=0)
    theirs = keras_module.saving.load_model(path).predict(data(), verbose=0)
    for mine, other in zip(expected, theirs):
        np.testing.assert_allclose(other, mine, rtol=1e-5, atol=1e-5)


def test_shapes_and_dtypes_of_symbolic_results_match_keras(keras_module):
    for k in (keras_module, sk):
        x = k.Input((None, 4))
        got = [x[:, :2], x[:, 0], x[..., None, 1:], k.ops.mean(x, axis=1), x < 1.0, x // 2, -x]
        shapes = [tuple(t.shape) for t in got]
        dtypes = [str(t.dtype) for t in got]
        if k is keras_module:
            keras_result = (shapes, dtypes)
        else:
            assert (shapes, dtypes) == keras_result
