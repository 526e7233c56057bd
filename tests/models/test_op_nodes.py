"""Functional graphs built from Python operators and keras.ops on symbolic tensors (Keras 3's
operation nodes): shapes, values, training, summary, .keras round trips and refusals."""

import io
import json
import zipfile

import numpy as np
import pytest

import shenjing as sj
import shenjing.keras as keras
from shenjing import ops, saving
from shenjing.keras import layers
from shenjing.ops import dispatch

R = np.random.default_rng(7)


def kind(tensor):
    layer = tensor._keras_history[0]
    return layer.op.keras_class_name


def test_each_operator_records_keras_operation_class_and_shape():
    x = keras.Input((4,))
    y = keras.Input((4,))
    m = keras.Input((4, 3))
    cases = [
        (x + y, "Add", (None, 4)), (2.0 + x, "Add", (None, 4)), (x - 1.0, "Subtract", (None, 4)),
        (1.0 - x, "Subtract", (None, 4)), (x * y, "Multiply", (None, 4)), (3 * x, "Multiply", (None, 4)),
        (x / 2.0, "TrueDivide", (None, 4)), (2.0 / x, "TrueDivide", (None, 4)),
        (x // 2.0, "FloorDivide", (None, 4)), (5.0 // x, "FloorDivide", (None, 4)),
        (x % 2.0, "Mod", (None, 4)), (5.0 % x, "Mod", (None, 4)), (x ** 2, "Power", (None, 4)),
        (2.0 ** x, "Power", (None, 4)), (x @ np.ones((4, 2), "float32"), "Matmul", (None, 2)),
        (np.ones((3, 4), "float32") @ m, "Matmul", (None, 3, 3)), (-x, "Negative", (None, 4)),
        (abs(x), "Absolute", (None, 4)), (x[..., :3], "GetItem", (None, 3)),
        (x[:, None], "GetItem", (None, 1, 4)), (x[0], "GetItem", (4,)), (m[:, -1], "GetItem", (None, 3)),
        (m[:, 1:3, None, ::2], "GetItem", (None, 2, 1, 2)),
        (ops.mean(m, axis=1), "Mean", (None, 3)), (ops.concatenate([x, y], axis=-1), "Concatenate", (None, 8)),
    ]
    for tensor, class_name, shape in cases:
        assert isinstance(tensor, layers.KerasTensor)
        assert kind(tensor) == class_name and tensor.shape == shape, (class_name, tensor.shape)
    for tensor, class_name in ((x < y, "Less"), (x <= 1.0, "LessEqual"), (x > y, "Greater"),
                               (x >= y, "GreaterEqual"), (x != y, "NotEqual")):
        assert kind(tensor) == class_name and tensor.dtype == "bool" and tensor.shape == (None, 4)
    assert (x == x) is True and (x == y) is False   # identity, as in Keras (dict keys)
    assert +x is x


def test_in_place_add_rebinds_and_unknown_sizes_stay_unknown():
    x = keras.Input((None, 3))
    residual = layers.Dense(3)(x)
    h = x
    h += residual
    assert h is not x and kind(h) == "Add" and h.shape == (None, None, 3)
    assert ops.mean(h, axis=1).shape == (None, 3)
    assert h[:, :2].shape == (None, None, 3)   # a slice of an unknown size stays unknown
    assert h[:, 1:, 0].shape == (None, None)
    with pytest.raises(TypeError, match="bool"):
        bool(x)
    with pytest.raises(TypeError, match="iterated"):
        iter(x)


def build_model():
    x = keras.Input((4,), name="x")
    y = keras.Input((4,), name="y")
    a = x + y
    a += y
    b = a[..., :3]
    c = ops.mean(a, axis=-1, keepdims=True)
    d = ops.concatenate([b, c], axis=-1)
    e = -d * 2.0
    f = layers.Dense(2, name="dense")(e)
    return keras.Model([x, y], 1.0 - f), (x, y)


def reference(model, xs, ys):
    kernel, bias = (w.numpy() for w in model.get_layer("dense").weights)
    a = xs + 2 * ys
    d = np.concatenate([a[:, :3], a.mean(-1, keepdims=True)], -1)
    return 1.0 - ((-d * 2.0) @ kernel + bias)


def test_model_predicts_trains_and_differentiates_through_op_nodes():
    model, _ = build_model()
    xs, ys = R.normal(size=(6, 4)).astype("float32"), R.normal(size=(6, 4)).astype("float32")
    np.testing.assert_allclose(model.predict([xs, ys], verbose=0), reference(model, xs, ys), rtol=1e-5, atol=1e-5)
    assert [l.name for l in model.layers] == ["x", "y", "dense"]   # operations are not layers
    with sj.GradientTape() as tape:
        out = model([xs, ys])
        loss = ops.mean(out * out)
    grads = tape.gradient(loss, model.trainable_weights)
    kernel, bias = (w.numpy() for w in model.trainable_weights)
    a = xs + 2 * ys
    e = -2.0 * np.concatenate([a[:, :3], a.mean(-1, keepdims=True)], -1)
    pred = 1.0 - (e @ kernel + bias)
    dpred = 2 * pred / pred.size
    np.testing.assert_allclose(grads[0].numpy(), e.T @ -dpred, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(grads[1].numpy(), -dpred.sum(0), rtol=1e-4, atol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    target = R.normal(size=(6, 2)).astype("float32")
    history = model.fit([xs, ys], target, epochs=5, batch_size=6, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_summary_lists_operations_with_keras_class_names():
    model, _ = build_model()
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    for row in ("add (Add)", "add_1 (Add)", "get_item (GetItem)", "mean (Mean)",
                "concatenate (Concatenate)", "negative (Negative)", "subtract (Subtract)"):
        assert row in text
    assert "get_item[0][0], mean[0][0]" in text


def test_keras_file_round_trip_writes_operations_as_keras_does(tmp_path):
    model, _ = build_model()
    path = tmp_path / "ops.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
        with __import__("h5py").File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
            groups = sorted(f["layers"].keys())
    entries = {e["name"]: e for e in config["config"]["layers"]}
    mean = entries["mean"]
    assert (mean["module"], mean["class_name"], mean["registered_name"]) == ("keras.src.ops.numpy", "Mean", "Mean")
    assert mean["config"] == {"name": "mean", "axis": -1, "keepdims": True}
    assert len(mean["inbound_nodes"][0]["args"]) == 1   # axis lives in the config, not the node
    key = entries["get_item"]["inbound_nodes"][0]["args"][1]
    assert key == [{"class_name": "__ellipsis__", "config": {}},
                   {"class_name": "__slice__", "config": {"start": None, "stop": 3, "step": None}}]
    assert entries["multiply"]["inbound_nodes"][0]["args"][1] == 2.0
    assert entries["concatenate"]["config"] == {"name": "concatenate", "axis": -1}
    assert groups == ["dense", "input_layer", "input_layer_1"]   # weights of layers only
    loaded = saving.load_model(path)
    xs, ys = R.normal(size=(3, 4)).astype("float32"), R.normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(loaded.predict([xs, ys], verbose=0), model.predict([xs, ys], verbose=0),
                               rtol=1e-6, atol=1e-6)
    assert [type(l.op.eager).__name__ for l in loaded._functional_layers if getattr(l, "_is_operation", False)]


def test_unknown_operation_in_a_file_is_refused_by_name(tmp_path):
    model, _ = build_model()
    config = json.loads(json.dumps(saving.serialize_keras_object(model)))
    for entry in config["config"]["layers"]:
        if entry["class_name"] == "Mean":
            entry["class_name"] = entry["registered_name"] = "os.system"
    with pytest.raises(ValueError, match="Could not locate the operation 'os.system'"):
        saving.deserialize_keras_object(config)
    for entry in config["config"]["layers"]:
        if entry["class_name"] == "os.system":
            entry["class_name"] = "Mean"
            entry["config"]["evil"] = 1
    with pytest.raises(ValueError, match=r"does not take: \['evil'\]"):
        saving.deserialize_keras_object(config)


def test_handler_is_generic_for_any_keras_op():
    @dispatch.keras_op("shenjing_test_scaled_sum", module="numpy")
    def scaled_sum(x, scale=1.0, axis=None):
        return ops.multiply(sj.ops.sum(x, axis=axis), scale)

    try:
        x = keras.Input((3, 2))
        out = scaled_sum(x, 2.0, axis=1)
        assert out.shape == (None, 2) and kind(out) == "ShenjingTestScaledSum"
        model = keras.Model(x, out)
        data = R.normal(size=(4, 3, 2)).astype("float32")
        np.testing.assert_allclose(model.predict(data, verbose=0), 2.0 * data.sum(1), rtol=1e-5)
        # Not a Keras op: every argument stays on the node.
        node = out._keras_history[0]._inbound_nodes[0]
        assert node.call_args[1] == 2.0 and node.call_kwargs == {"axis": 1}
        # A list of symbolic tensors is seen too.
        a, b = keras.Input((2,)), keras.Input((3,))
        assert ops.concatenate([a, b], axis=1).shape == (None, 5)
    finally:
        dispatch.OPS.pop(("numpy", "ShenjingTestScaledSum"), None)


def test_failing_shape_inference_names_the_op():
    x = keras.Input((4,))
    with pytest.raises(Exception, match="keras.ops.get_item"):
        x[:, 7]


def test_tuple_arguments_survive_the_json_round_trip(tmp_path):
    x = keras.Input((2, 3, 4))
    out = ops.mean(x, axis=(1, 2), keepdims=False) + ops.get_item(x, (slice(None), 0, 0))
    model = keras.Model(x, out)
    path = tmp_path / "axes.keras"
    model.save(path)
    loaded = saving.load_model(path)
    data = R.normal(size=(3, 2, 3, 4)).astype("float32")
    np.testing.assert_allclose(loaded.predict(data, verbose=0), data.mean(axis=(1, 2)) + data[:, 0, 0], rtol=1e-5)


def test_a_concrete_tensor_on_the_left_defers_to_the_symbolic_tensor():
    x = keras.Input((4,))
    t = sj.Tensor(np.arange(4, dtype="float32"))
    for result, class_name in ((t + x, "Add"), (t - x, "Subtract"), (t * x, "Multiply"),
                               (t / x, "TrueDivide"), (t ** x, "Power"), (t < x, "Greater"),
                               (t != x, "NotEqual")):
        assert isinstance(result, layers.KerasTensor) and kind(result) == class_name
    assert (t == x) is False
    model = keras.Model(x, t - x)
    np.testing.assert_allclose(model.predict(np.ones((2, 4), "float32"), verbose=0), [[-1, 0, 1, 2]] * 2)
    np.testing.assert_allclose((t + t).numpy(), [0, 2, 4, 6])   # concrete tensors as before
