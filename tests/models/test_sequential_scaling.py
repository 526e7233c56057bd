"""Issue 10, finding 7: building and loading a model is linear in its number of layers.

``Sequential.add`` used to compare the new name with every earlier one and to rebuild the
whole stack on each add; a functional config whose layers came in reverse order took one
pass over all layers per layer. These tests count work (name reads, Python function calls,
nodes recorded), never wall-clock time.
"""

import sys

import numpy as np
import pytest

import shenjing.keras as keras
from shenjing.serialization import deserialize_keras_object


class NameCountingDense(keras.layers.Dense):
    """A Dense whose ``name`` reads are counted (a property over the stored name)."""

    reads = 0

    @property
    def name(self):
        type(self).reads += 1
        return self.__dict__["_counted_name"]

    @name.setter
    def name(self, value):
        self.__dict__["_counted_name"] = value


def name_reads_to_add(n):
    """How many times layer names are read while adding ``n`` layers to a Sequential."""
    model = keras.Sequential(name=f"names_{n}")
    layers = [NameCountingDense(1, name=f"d{i}") for i in range(n)]
    NameCountingDense.reads = 0
    for layer in layers:
        model.add(layer, rebuild=False)
    return NameCountingDense.reads


def test_sequential_add_reads_each_name_a_constant_number_of_times():
    small, large = name_reads_to_add(200), name_reads_to_add(800)
    assert large <= 4 * small + 50   # linear: 4x the layers, 4x the reads (quadratic: 16x)
    assert large <= 5 * 800


def test_duplicate_names_are_still_refused_with_keras_wording():
    model = keras.Sequential([keras.layers.Dense(2, name="a")])
    with pytest.raises(ValueError, match="All layers added to a Sequential model should have "
                                         "unique names. Name 'a' is already the name of a "
                                         "layer in this model. Update the `name` argument"):
        model.add(keras.layers.Dense(3, name="a"))


def test_a_popped_name_can_be_used_again():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="a"),
                              keras.layers.Dense(3, name="b")])
    model.pop()
    model.add(keras.layers.Dense(5, name="b"))
    assert [layer.name for layer in model.layers] == ["a", "b"]
    assert model.output_shape == (None, 5)


def test_a_renamed_layer_frees_its_old_name():
    model = keras.Sequential([keras.layers.Dense(2, name="a")])
    model.layers[0].name = "renamed"
    model.add(keras.layers.Dense(3, name="a"))
    assert [layer.name for layer in model.layers] == ["renamed", "a"]


def test_adding_to_a_built_model_does_not_rebuild_the_stack():
    """Each add builds the new layer only: the first layer is called once in all, not once per
    add (that was quadratic in time and in the nodes it left on every layer)."""
    model = keras.Sequential([keras.Input((3,))])
    for i in range(40):
        model.add(keras.layers.Dense(3, name=f"d{i}"))
    assert model.built
    assert len(model.layers[0]._inbound_nodes) == 1
    assert model.output_shape == (None, 3)
    assert model.count_params() == 40 * 12
    x = np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)
    expected = x
    for layer in model.layers:
        expected = expected @ layer.kernel.numpy() + layer.bias.numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_an_incompatible_layer_added_to_a_built_model_is_reported():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name="a")])
    with pytest.raises(ValueError, match="Sequential model .*: layer 'conv' cannot take the "
                                         r"output of the layer before it \(shape \(None, 4\)\)"):
        model.add(keras.layers.Conv2D(2, 3, name="conv"))


def test_add_after_pop_rebuilds_and_keeps_working():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(5)])
    model.pop()
    model.add(keras.layers.Dense(6))
    model.add(keras.layers.Dense(7))
    assert model.output_shape == (None, 7)
    assert model.predict(np.zeros((2, 3), "float32"), verbose=0).shape == (2, 7)


# -- loading: Python function calls per layer do not grow with the number of layers -------------
def sequential_config(n):
    layers = [{"module": "keras.layers", "class_name": "InputLayer",
               "config": {"batch_shape": [None, 1], "name": "in"}}]
    layers += [{"module": "keras.layers", "class_name": "Dense",
                "config": {"units": 1, "name": f"d{i}"}} for i in range(n)]
    return {"module": "keras", "class_name": "Sequential",
            "config": {"name": "s", "layers": layers}}


def functional_config(n, reverse=False):
    tensor = {"class_name": "__keras_tensor__",
              "config": {"shape": [None, 1], "dtype": "float32", "keras_history": None}}
    layers = [{"module": "keras.layers", "class_name": "InputLayer", "name": "in",
               "config": {"batch_shape": [None, 1], "name": "in"}, "inbound_nodes": []}]
    previous = "in"
    for i in range(n):
        arg = {**tensor, "config": {**tensor["config"], "keras_history": [previous, 0, 0]}}
        layers.append({"module": "keras.layers", "class_name": "Dense", "name": f"d{i}",
                       "config": {"units": 1, "name": f"d{i}"},
                       "inbound_nodes": [{"args": [arg], "kwargs": {}}]})
        previous = f"d{i}"
    if reverse:   # every layer comes before the one it reads from
        layers = layers[:1] + layers[1:][::-1]
    return {"module": "keras", "class_name": "Functional",
            "config": {"name": "f", "layers": layers, "input_layers": [["in", 0, 0]],
                       "output_layers": [[previous, 0, 0]]}}


def python_calls(build):
    """The number of Python function calls ``build()`` makes (deterministic, unlike time)."""
    count = [0]

    def profile(frame, event, arg):
        if event == "call":
            count[0] += 1

    sys.setprofile(profile)
    try:
        result = build()
    finally:
        sys.setprofile(None)
    return count[0], result


@pytest.mark.parametrize("make", [sequential_config, functional_config,
                                  lambda n: functional_config(n, reverse=True)],
                         ids=["sequential", "functional", "functional_reversed"])
def test_loading_a_config_is_linear_in_its_layers(make):
    deserialize_keras_object(make(5))   # first-use work (imports, caches) out of the count
    small, model = python_calls(lambda: deserialize_keras_object(make(150)))
    assert len(model.layers) >= 150
    large, model = python_calls(lambda: deserialize_keras_object(make(600)))
    assert len(model.layers) >= 600
    # 4x the layers: about 4x the calls when linear (16x when quadratic); a loose bound.
    assert large <= 5 * small, (small, large)


def test_a_reversed_functional_config_builds_the_same_model():
    x = np.linspace(-1, 1, 4, dtype="float32").reshape(4, 1)
    forward = deserialize_keras_object(functional_config(6))
    backward = deserialize_keras_object(functional_config(6, reverse=True))
    assert [l.name for l in forward.layers] == [l.name for l in backward.layers]
    for a, b in zip(forward.layers, backward.layers):
        b.set_weights(a.get_weights())
    np.testing.assert_allclose(forward.predict(x, verbose=0), backward.predict(x, verbose=0))


def test_a_functional_config_with_a_cycle_is_still_refused():
    config = functional_config(3)
    layers = config["config"]["layers"]
    layers[1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = ["d2", 0, 0]
    with pytest.raises(ValueError, match=r"either has loops or disconnected nodes.*"
                                         r"\['d0', 'd1', 'd2'\]"):
        deserialize_keras_object(config)


def test_a_functional_config_naming_an_unknown_layer_is_refused():
    config = functional_config(2)
    config["config"]["layers"][2]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = \
        ["nowhere", 0, 0]
    with pytest.raises(ValueError, match="unknown layer 'nowhere'"):
        deserialize_keras_object(config)


@pytest.mark.parametrize("history", [["d0", -1, 0], ["d0", 0, 5], ["d0", "0", 0]])
def test_a_functional_config_with_bad_node_indices_is_refused(history):
    config = functional_config(2)
    config["config"]["layers"][2]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = \
        history
    with pytest.raises(ValueError, match="Invalid functional model configuration"):
        deserialize_keras_object(config)


def test_a_shared_layer_keeps_its_node_order_whatever_the_config_order():
    inputs = keras.Input((2,))
    shared = keras.layers.Dense(2, name="shared")
    a = shared(inputs)
    b = shared(keras.layers.Dense(2, name="mid")(a))
    model = keras.Model(inputs, [a, b])
    config = model.get_config()
    config["layers"] = config["layers"][:1] + config["layers"][1:][::-1]
    again = keras.Model.from_config(config)
    again.set_weights(model.get_weights())
    x = np.linspace(-1, 1, 6, dtype="float32").reshape(3, 2)
    for got, want in zip(again.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_allclose(got, want, rtol=1e-6)

