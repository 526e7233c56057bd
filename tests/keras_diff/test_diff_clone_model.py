"""keras.models.clone_model against Keras 3: the clone of the same model has the same config
(layer classes, names, arguments, graph) in both frameworks."""

import json

import numpy as np

import shenjing.keras as sk
from shenjing import models  # noqa: F401


def build(k):
    a = k.Input((6,), name="a")
    b = k.Input((2,), name="b")
    shared = k.layers.Dense(4, name="shared")
    h = shared(a[:, :3]) + shared(a[:, 3:])
    h += k.layers.Dense(4, name="proj")(b)
    out = k.layers.Dense(1, name="out")(k.ops.concatenate([h, b], axis=-1))
    functional = k.Model([a, b], out, name="f")
    sequential = k.Sequential([k.Input((3,), name="s_in"), k.layers.Dense(2, name="s_dense"),
                               k.layers.Dropout(0.5, name="s_drop")], name="s")
    return functional, sequential


def graph(config):
    """Each layer's class and inbound nodes, with every layer name replaced by its position
    (automatic names such as "get_item_3" depend on what ran before in each framework)."""
    entries = config["config"]["layers"]
    position = {entry.get("name", entry["config"].get("name")): i for i, entry in enumerate(entries)}

    def renamed(value):
        if isinstance(value, dict):
            if "keras_history" in value:
                return {**value, "keras_history": [position[value["keras_history"][0]]] + value["keras_history"][1:]}
            return {k: renamed(v) for k, v in value.items()}
        if isinstance(value, list):
            return [renamed(v) for v in value]
        return value

    return [(entry["class_name"], json.dumps(renamed(entry.get("inbound_nodes")), sort_keys=True))
            for entry in entries]


def test_clones_have_keras_configs(keras_module):
    for ours, theirs in zip(build(sk), build(keras_module)):
        our_clone = sk.models.clone_model(ours)
        their_clone = keras_module.models.clone_model(theirs)
        mine = json.loads(json.dumps(sk.saving.serialize_keras_object(our_clone)))
        other = json.loads(json.dumps(keras_module.saving.serialize_keras_object(their_clone)))
        assert graph(mine) == graph(other)
        assert [type(l).__name__ for l in our_clone.layers] == [type(l).__name__ for l in their_clone.layers]
        named = lambda model: [l.name for l in model.layers if l.name in ("a", "b", "shared", "proj", "out",
                                                                         "s_dense", "s_drop")]
        assert named(our_clone) == named(their_clone)
        assert not any(np.shares_memory(c.numpy(), o.numpy()) for c, o in zip(our_clone.weights, ours.weights))
