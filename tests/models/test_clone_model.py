"""keras.models.clone_model: the same architecture and configs with new layers and fresh
weights, for Sequential, functional (op nodes, shared layers, several inputs/outputs, nested
models), with clone_function, call_function, input_tensors, and the compile config."""

import numpy as np
import pytest

import shenjing as sj
import shenjing.keras as keras
from shenjing.keras import layers

R = np.random.default_rng(5)


def configs(model):
    return [(type(l).__name__, {k: v for k, v in l.get_config().items() if k != "name"}) for l in model.layers]


def test_sequential_clone_has_same_config_and_fresh_weights():
    model = keras.Sequential([keras.Input((4,), name="features"), layers.Dense(8, activation="relu"),
                              layers.Dropout(0.1), layers.Dense(2)], name="mlp")
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    clone = keras.models.clone_model(model)
    assert isinstance(clone, keras.Sequential) and clone.name == "mlp"
    assert configs(clone) == configs(model) and [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert clone._input_layer.name == "features" and clone._input_layer.batch_shape == (None, 4)
    assert all(a is not b for a, b in zip(clone.weights, model.weights))
    assert not np.allclose(clone.layers[0].kernel.numpy(), model.layers[0].kernel.numpy())
    assert clone.compiled and type(clone.optimizer).__name__ == "Adam" and clone.optimizer is not model.optimizer
    x = R.normal(size=(16, 4)).astype("float32")
    clone.fit(x, np.zeros((16, 2), "float32"), epochs=1, verbose=0)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_sequential_without_input_and_with_input_tensors():
    model = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    clone = keras.models.clone_model(model)
    assert len(clone.layers) == 2 and not clone.built
    inp = keras.Input((5,))
    clone = keras.models.clone_model(model, input_tensors=[inp])
    assert clone.layers[0].kernel.shape == (5, 3)
    with pytest.raises(ValueError, match="single tensor"):
        keras.models.clone_model(model, input_tensors=[inp, inp])
    with pytest.raises(ValueError, match="must be a KerasTensor"):
        keras.models.clone_model(model, input_tensors=np.ones((1, 5)))
    with pytest.raises(ValueError, match="not supported with Sequential"):
        keras.models.clone_model(model, call_function=lambda layer, *a, **k: layer(*a, **k))


def functional():
    a = keras.Input((6,), name="a")
    b = keras.Input((2,), name="b")
    shared = layers.Dense(4, name="shared")
    h = shared(a[:, :3]) + shared(a[:, 3:])
    h += layers.Dense(4, name="proj")(b)
    out1 = layers.Dense(1, name="out1")(keras.ops.concatenate([h, b], axis=-1))
    out2 = layers.Dense(3, activation="softmax", name="out2")(h)
    return keras.Model([a, b], {"score": out1, "probs": out2}, name="two_heads")


def test_functional_clone_replays_graph_with_ops_and_shared_layers():
    model = functional()
    clone = keras.models.clone_model(model)
    assert clone.name == "two_heads" and configs(clone) == configs(model)
    assert clone.input_names == ["a", "b"] and len(clone.trainable_weights) == len(model.trainable_weights)
    assert len(clone.get_layer("shared")._inbound_nodes) == 2   # still shared
    assert not any(np.allclose(c.numpy(), m.numpy()) for c, m in zip(clone.weights, model.weights)
                   if "kernel" in c.name)
    clone.set_weights(model.get_weights())
    x = [R.normal(size=(5, 6)).astype("float32"), R.normal(size=(5, 2)).astype("float32")]
    ours, theirs = clone.predict(x, verbose=0), model.predict(x, verbose=0)
    for key in ("score", "probs"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-6)


def test_clone_function_call_function_and_input_tensors():
    model = functional()
    seen = []

    def clone_function(layer):
        seen.append(layer.name)
        if isinstance(layer, layers.Dense):
            config = layer.get_config()
            config["kernel_initializer"] = "zeros"
            return layers.Dense.from_config(config)
        return layer.__class__.from_config(layer.get_config()) if not getattr(layer, "_is_operation", False) else layer

    calls = []

    def call_function(layer, *args, **kwargs):
        calls.append(layer.name)
        return layer(*args, **kwargs)

    a, b = keras.Input((6,), name="new_a"), keras.Input((2,), name="new_b")
    clone = keras.models.clone_model(model, input_tensors=[a, b], clone_function=clone_function,
                                     call_function=call_function)
    assert seen.count("shared") == 1 and calls.count("shared") == 2
    assert clone.inputs == [a, b]
    assert all(np.all(clone.get_layer(n).kernel.numpy() == 0) for n in ("shared", "proj", "out1", "out2"))
    with pytest.raises(ValueError, match="same structure"):
        keras.models.clone_model(model, input_tensors=[a])
    with pytest.raises(ValueError, match="must be KerasTensors"):
        keras.models.clone_model(model, input_tensors=[a, np.ones(2)])
    with pytest.raises(ValueError, match="Unexpected keyword"):
        keras.models.clone_model(model, bogus=1)
    with pytest.raises(ValueError, match="callable"):
        keras.models.clone_model(model, clone_function=3)


def test_nested_models_recursive_and_subclassed():
    inner = keras.Sequential([keras.Input((3,)), layers.Dense(3, name="inner_dense")], name="inner")
    x = keras.Input((3,))
    outer = keras.Model(x, layers.Dense(1)(inner(x)), name="outer")
    shallow = keras.models.clone_model(outer)
    deep = keras.models.clone_model(outer, recursive=True)
    for clone in (shallow, deep):
        assert clone.get_layer("inner") is not inner
        assert clone.get_layer("inner").layers[0].kernel is not inner.layers[0].kernel
    seen = []

    def clone_function(layer):
        seen.append(layer.name)
        return layer.__class__.from_config(layer.get_config())

    keras.models.clone_model(outer, clone_function=clone_function, recursive=True)
    assert "inner_dense" in seen and "inner" not in seen

    class Net(keras.Model):
        def __init__(self, units=2, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = layers.Dense(units)

        def call(self, inputs):
            return self.dense(inputs)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    net = Net(units=4, name="net")
    net(np.ones((1, 2), "float32"))
    copy = keras.models.clone_model(net)
    assert type(copy) is Net and copy.units == 4 and copy is not net
    with pytest.raises(ValueError, match="only supported for Sequential models or Functional"):
        keras.models.clone_model(net, clone_function=lambda layer: layer)
    with pytest.raises(ValueError, match="Expected `model` argument to be a `Model`"):
        keras.models.clone_model(layers.Dense(2))
    assert sj.models.clone_model is keras.models.clone_model
