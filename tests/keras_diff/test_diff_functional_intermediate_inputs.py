"""Model(inputs=<intermediate tensors>, outputs): Keras 3 gives each intermediate input a new
Input and copies the nodes after it (functional.clone_graph_nodes), so the layers before it are
not in the model. keras-io's structured_data_classification_from_scratch passes Normalization
outputs as model inputs this way."""

import numpy as np
import pytest

import shenjing.keras as sj

keras = pytest.importorskip("keras")


def _build(k):
    raw = k.Input((1,), name="age")
    norm = k.layers.Normalization(mean=50.0, variance=100.0)(raw)
    other = k.Input((2,), name="sex")
    hidden = k.layers.Dense(3, kernel_initializer="ones", bias_initializer="zeros",
                            name="hidden")(k.layers.concatenate([norm, other]))
    out = k.layers.Dense(1, kernel_initializer=k.initializers.Constant(0.5), name="out")(hidden)
    return k.Model({"age": norm, "sex": other}, out), k.Model([raw, other], out)


def test_intermediate_inputs_match_keras():
    ours, ours_full = _build(sj)
    theirs, theirs_full = _build(keras)
    assert [type(l).__name__ for l in ours.layers] == [type(l).__name__ for l in theirs.layers]
    assert [tuple(t.shape) for t in ours.inputs] == [tuple(t.shape) for t in theirs.inputs]
    x = {"age": np.array([[60.0], [40.0]], "float32"), "sex": np.array([[1, 0], [0, 1]], "float32")}
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-6)
    # The original graph is untouched: the model from the raw Input still normalizes.
    both = [x["age"], x["sex"]]
    np.testing.assert_allclose(ours_full.predict(both, verbose=0),
                               theirs_full.predict(both, verbose=0), rtol=1e-6)
    assert not np.allclose(ours_full.predict(both, verbose=0), ours.predict(x, verbose=0))


def test_intermediate_inputs_train_and_round_trip(tmp_path):
    model, _ = _build(sj)
    model.compile("sgd", "mse")
    x = {"age": np.ones((8, 1), "float32"), "sex": np.ones((8, 2), "float32")}
    model.fit(x, np.zeros((8, 1)), epochs=1, verbose=0)
    path = str(tmp_path / "cut.keras")
    model.save(path)
    loaded = sj.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_a_missing_input_is_still_disconnected():
    raw = sj.Input((1,))
    other = sj.Input((1,))
    norm = sj.layers.Normalization(mean=0.0, variance=1.0)(raw)
    out = sj.layers.Add()([norm, sj.layers.Dense(1)(raw), other])
    with pytest.raises(ValueError, match="Graph disconnected"):
        sj.Model([norm, other], out)


@pytest.mark.parametrize("kind", ["functional", "sequential"])
@pytest.mark.parametrize("input_shape,x_shape", [((1,), (4,)), ((3,), (4, 3, 1))])
def test_input_rank_adjusted_as_keras(kind, input_shape, x_shape):
    """Keras 3's Functional._adjust_input_rank: (n,) feeds Input((1,)) (the structured-data
    examples' scalar columns, batched), (n, 3, 1) feeds Input((3,))."""
    x = np.arange(np.prod(x_shape), dtype="float32").reshape(x_shape)
    results = []
    for k in (sj, keras):
        dense = k.layers.Dense(2, kernel_initializer="ones")
        if kind == "functional":
            inp = k.Input(input_shape)
            model = k.Model(inp, dense(inp))
        else:
            model = k.Sequential([k.Input(input_shape), dense])
        results.append(model.predict(x, verbose=0))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)
