"""Files written by Keras 3.15 (JAX backend; see fixtures/make_keras_op_fixtures.py) whose graphs
hold keras.ops nodes (x + y, x[..., :3], mean, concatenate, //, %, **, @) or layers whose node
kwargs carry ``training`` (Dropout family: false; BatchNormalization: true) load in shenjing and
predict what Keras predicted. Keras itself is not needed."""

import json
import zipfile

import numpy as np

import shenjing  # noqa: F401
from shenjing import models, saving  # noqa: F401  (models registers Functional)

from saving_helpers import FIXTURES


def fixture(name):
    return np.load(FIXTURES / name, allow_pickle=False)


def test_keras_graph_with_operation_nodes_predicts_as_keras():
    model = saving.load_model(FIXTURES / "keras_op_graph.keras")
    pred = model.predict([fixture("keras_op_graph_x.npy"), fixture("keras_op_graph_y.npy")], verbose=0)
    np.testing.assert_allclose(pred, fixture("keras_op_graph_pred.npy"), rtol=1e-5, atol=1e-4)
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "InputLayer", "Dense", "Dense"]
    kinds = [layer.op.keras_class_name for layer in model._functional_layers
             if getattr(layer, "_is_operation", False)]
    assert {"Add", "GetItem", "Mean", "Concatenate", "Negative", "FloorDivide", "Mod", "Power",
            "Matmul", "TrueDivide", "Absolute"} <= set(kinds)


def test_saved_again_the_graph_keeps_keras_config(tmp_path):
    model = saving.load_model(FIXTURES / "keras_op_graph.keras")
    model.save(tmp_path / "again.keras")
    read = lambda path: json.loads(zipfile.ZipFile(path).read("config.json"))["config"]["layers"]
    ours, theirs = read(tmp_path / "again.keras"), read(FIXTURES / "keras_op_graph.keras")
    assert [e["name"] for e in ours] == [e["name"] for e in theirs]
    for mine, keras_entry in zip(ours, theirs):
        if keras_entry["module"].startswith("keras.src.ops."):
            for key in ("module", "class_name", "config", "registered_name"):
                assert mine[key] == keras_entry[key], (keras_entry["name"], key)
    again = saving.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(
        again.predict([fixture("keras_op_graph_x.npy"), fixture("keras_op_graph_y.npy")], verbose=0),
        fixture("keras_op_graph_pred.npy"), rtol=1e-5, atol=1e-4)


def test_training_kwargs_in_keras_nodes_yield_to_the_trainer():
    """Dropout/SpatialDropout1D/GaussianNoise/GaussianDropout nodes carry {"training": false},
    the BatchNormalization node {"training": true}: predict (training=False) and fit
    (training=True) override them, as Keras's functional model does."""
    model = saving.load_model(FIXTURES / "keras_training_kwargs.keras")
    x = fixture("keras_training_kwargs_x.npy")
    np.testing.assert_allclose(model.predict(x, verbose=0), fixture("keras_training_kwargs_pred.npy"),
                               rtol=1e-5, atol=1e-5)
    bn = model.get_layer("bn")
    assert bn._inbound_nodes[0].call_kwargs == {"training": True}
    moving = bn.moving_mean.numpy().copy()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.zeros((8, 2), "float32"), epochs=1, batch_size=4, verbose=0)
    assert not np.allclose(bn.moving_mean.numpy(), moving)   # trained in training mode
    # Called with training unset, the nodes' own flags decide: the noise layers stay off
    # (the same output twice) and BatchNormalization uses the batch's statistics.
    first, second = model(x).numpy(), model(x).numpy()
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, model.predict(x, verbose=0), atol=1e-3)
