"""Sequential, functional and subclassed models: structure, shapes, parameter counts."""

import numpy as np
import pytest

from shenjing import layers
from shenjing.models import Model, Sequential


def tutorial_cnn():
    return Sequential([
        layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10),
    ])


def test_sequential_with_input_shape_is_built_with_keras_parameter_counts():
    model = tutorial_cnn()
    assert model.built
    assert [l.count_params() for l in model.layers] == [320, 0, 18496, 0, 36928, 0, 36928, 650]
    assert model.count_params() == 93322
    assert model.compute_output_shape((None, 28, 28, 1)) == (None, 10)


def test_summary_prints_names_shapes_and_totals():
    lines = []
    tutorial_cnn().summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "sequential"' in text
    assert "conv2d (Conv2D)" in text and "(None, 26, 26, 32)" in text
    assert "max_pooling2d (MaxPooling2D)" in text and "(None, 13, 13, 32)" in text
    assert "Total params: 93,322 (364.54 KB)" in text
    assert "Trainable params: 93,322" in text and "Non-trainable params: 0 (0.00 B)" in text


def test_sequential_without_shape_builds_on_first_call_and_add_pop():
    model = Sequential()
    model.add(layers.Dense(5, activation="relu"))
    model.add(layers.Dense(2))
    assert not model.built
    out = model(np.ones((3, 7), np.float32))
    assert out.shape == (3, 2) and model.built
    assert [w.shape for w in model.weights] == [(7, 5), (5,), (5, 2), (2,)]
    last = model.pop()
    assert last.name == "dense_1" and len(model.layers) == 1


def test_sequential_accepts_an_input_first_and_rejects_duplicate_names():
    model = Sequential([layers.Input((4,)), layers.Dense(3, name="a")])
    assert model.built and model.count_params() == 15
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(2, name="a"))
    with pytest.raises(ValueError, match="Only instances of `keras.Layer`"):
        Sequential([np.ones(3)])


def test_sequential_reports_the_layer_that_cannot_take_its_input():
    with pytest.raises(ValueError, match="conv2d"):
        Sequential([layers.Dense(4, input_shape=(8,)), layers.Conv2D(2, 3)])


def test_functional_model_with_two_inputs_and_two_outputs():
    a = layers.Input((4,), name="a")
    b = layers.Input((3,), name="b")
    h = layers.Dense(5, activation="relu")(a)
    joined = layers.Flatten()(layers.Reshape((8, 1))(layers_concat(h, b)))
    out1 = layers.Dense(2, name="first")(joined)
    out2 = layers.Dense(1, name="second")(h)
    model = Model(inputs=[a, b], outputs=[out1, out2])
    assert model.output_names == ["first", "second"]
    y1, y2 = model([np.ones((6, 4)), np.ones((6, 3))])
    assert y1.shape == (6, 2) and y2.shape == (6, 1)
    y1d, _ = model({"a": np.ones((6, 4)), "b": np.ones((6, 3))})
    np.testing.assert_allclose(y1d.numpy(), y1.numpy())
    with pytest.raises(ValueError, match="expects 2 input"):
        model(np.ones((6, 4)))


def layers_concat(x, y):
    """Concatenate two symbolic tensors with a tiny custom layer (no merge layers needed)."""
    from shenjing import ops

    class Concat(layers.Layer):
        def call(self, inputs):
            return ops.concatenate(inputs, axis=-1)

    return Concat()([x, y])


def test_functional_model_shares_weights_with_its_layers_and_rejects_disconnected_graphs():
    x = layers.Input((3,))
    dense = layers.Dense(2)
    model = Model(x, dense(x))
    assert model.weights[0] is dense.kernel
    other = layers.Input((3,))
    with pytest.raises(ValueError, match="disconnected"):
        Model(other, dense(x))


def test_subclassed_model_tracks_its_layers():
    class Net(Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.out = layers.Dense(3)

        def call(self, x, training=None):
            return self.out(self.hidden(x))

    net = Net()
    y = net(np.ones((2, 5), np.float32))
    assert y.shape == (2, 3)
    assert len(net.trainable_weights) == 4
    assert net.count_params() == 5 * 8 + 8 + 8 * 3 + 3
    assert net.get_layer("dense") is net.hidden


def test_get_layer_by_index_and_errors():
    model = tutorial_cnn()
    assert model.get_layer(index=0).name == "conv2d"
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")


def test_sequential_layers_added_after_a_build_get_weights():
    model = Sequential()
    model.add(layers.Input((3,)))
    model.add(layers.Dense(2))
    model.add(layers.Dense(1))
    assert [w.shape for w in model.weights] == [(3, 2), (2,), (2, 1), (1,)]
    model.pop()
    model.add(layers.Dense(4))
    assert model.layers[-1].kernel.shape == (2, 4)


def test_subclassed_model_remembers_its_first_input_shape():
    class Net(Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    net = Net()
    net(np.ones((5, 3), np.float32))
    assert net._build_input_shape == (None, 3)
