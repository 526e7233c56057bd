"""A one-output functional model takes ``loss``/``metrics``/``loss_weights`` dicts keyed by its
output name, as Keras does (it refused the name, and a metrics dict was silently ignored)."""

import numpy as np
import pytest

from shenjing.keras import Model, layers


def one_output():
    inputs = layers.Input((3,))
    return Model(inputs, layers.Dense(2, activation="softmax", name="out")(inputs))


def test_dicts_keyed_by_the_output_name():
    model = one_output()
    model.compile(optimizer="sgd", loss={"out": "sparse_categorical_crossentropy"},
                  loss_weights={"out": 2.0}, metrics={"out": ["accuracy"]})
    x, y = np.ones((4, 3), "float32"), np.array([0, 1, 1, 0])
    logs = model.fit(x, y, epochs=1, verbose=0).history
    assert sorted(logs) == ["accuracy", "loss"]   # no prefix for one output, as Keras
    plain = one_output()
    plain.set_weights(model.get_weights())
    plain.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0)[0], 2 * plain.evaluate(x, y, verbose=0), rtol=1e-6)


def test_an_unknown_key_names_the_output():
    model = one_output()
    with pytest.raises(ValueError, match=r"output names \['out'\]"):
        model.compile(optimizer="sgd", loss={"nope": "mse"})
        model.fit(np.ones((2, 3), "float32"), np.zeros((2, 2), "float32"), verbose=0)


def test_a_one_output_metrics_dict_applies_whatever_its_key_and_unbuilt_sequential_learns_its_name():
    from shenjing.keras import Sequential

    x, y = np.ones((4, 3), "float32"), np.zeros((4, 1), "float32")
    for key in ("out", "output", "other"):   # Keras: one output, every metric applies to it
        inputs = layers.Input((3,))
        model = Model(inputs, layers.Dense(1, name="out")(inputs))
        model.compile(optimizer="sgd", loss="mse", metrics={key: ["mae"]})
        assert sorted(model.fit(x, y, verbose=0).history) == ["loss", "mae"]
    unbuilt = Sequential([layers.Dense(1, name="out")])   # output_names unknown at compile
    unbuilt.compile(optimizer="sgd", loss={"out": "mse"}, metrics={"out": "mae"})
    assert sorted(unbuilt.fit(x, y, verbose=0).history) == ["loss", "mae"]
