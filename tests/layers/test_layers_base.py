"""The Layer base contract: names, keyword checks, tracking, trainable, weights, losses, config."""

import numpy as np
import pytest

import shenjing
from shenjing import layers, ops


def test_auto_names_count_per_class_and_reset():
    names = [layers.Dense(2).name, layers.Dense(2).name, layers.Conv2D(1, 3).name,
             layers.MaxPooling2D().name, layers.BatchNormalization().name, layers.ReLU().name,
             layers.LeakyReLU().name, layers.GlobalAveragePooling2D().name]
    assert names == ["dense", "dense_1", "conv2d", "max_pooling2d", "batch_normalization",
                     "re_lu", "leaky_re_lu", "global_average_pooling2d"]
    assert layers.Dense(2, name="head").name == "head"
    layers.reset_name_counters()
    assert layers.Dense(2).name == "dense"


def test_unknown_keyword_is_rejected_in_keras_words():
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments passed to Dense: \{'foo': 1\}"):
        layers.Dense(2, foo=1)


def test_bad_name_and_trainable_are_rejected():
    with pytest.raises(ValueError, match="name"):
        layers.Dense(2, name="a/b")
    with pytest.raises(ValueError, match="trainable"):
        layers.Dense(2, trainable="yes")


@pytest.mark.parametrize("kwargs, expected", [
    ({"input_shape": (784,)}, (None, 784)),
    ({"input_dim": 784}, (None, 784)),
    ({"batch_input_shape": (32, 784)}, (32, 784)),
    ({"input_shape": (784,), "batch_size": 8}, (8, 784)),
])
def test_input_shape_keywords_are_stored_batch_first(kwargs, expected):
    assert layers.Dense(2, **kwargs)._batch_input_shape == expected


def test_declared_input_shape_builds_on_first_call_and_checks_the_input():
    layer = layers.Dense(64, input_shape=(784,))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 784"):
        layer(np.zeros((32, 100), np.float32))
    assert layer.kernel.shape == (784, 64)


def test_weights_are_variables_in_creation_order_with_paths():
    layer = layers.BatchNormalization()
    layer.build((None, 3))
    assert layer.built
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.path for w in layer.weights][0] == "batch_normalization/gamma"
    assert all(isinstance(w, shenjing.Variable) for w in layer.weights)
    assert [w.name for w in layer.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]


def test_get_weights_are_copies_and_set_weights_assigns():
    layer = layers.Dense(2)
    layer.build((None, 3))
    values = layer.get_weights()
    values[0][...] = 7.0
    assert not np.any(layer.kernel.numpy() == 7.0)
    layer.set_weights([np.ones((3, 2)), np.full(2, 0.5)])
    np.testing.assert_array_equal(layer.kernel.numpy(), np.ones((3, 2), np.float32))
    assert layer.kernel.dtype == np.float32


def test_set_weights_wrong_count_or_shape_names_the_layer():
    layer = layers.Dense(2)
    layer.build((None, 3))
    with pytest.raises(ValueError, match=r"layer 'dense' with a weight list of length 1, but the layer "
                                         r"was expecting 2 weights"):
        layer.set_weights([np.ones((3, 2))])
    with pytest.raises(ValueError, match=r"Layer 'dense' weight 'kernel' has shape \(3, 2\).*\(2, 3\)"):
        layer.set_weights([np.ones((2, 3)), np.zeros(2)])
    np.testing.assert_array_equal(layer.bias.numpy(), np.zeros(2))  # nothing was assigned


def test_count_params_needs_a_built_layer():
    layer = layers.Dense(2)
    with pytest.raises(ValueError, match="count_params.*'dense'.*isn't built"):
        layer.count_params()
    layer.build((None, 3))
    assert layer.count_params() == 8


class Block(layers.Layer):
    """A custom layer with sublayers assigned as attributes."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = layers.Dense(4, activation="relu")
        self.norm = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)
        self.last = layers.Dense(2)
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

    def call(self, x, training=None):
        x = self.norm(self.first(x), training=training)
        return self.last(self.drop(x)) * self.scale


def test_sublayers_are_tracked_in_assignment_order():
    block = Block()
    block(np.ones((3, 5), np.float32))
    assert block.layers == [block.first, block.norm, block.drop, block.last]
    paths = [w.path for w in block.weights]
    assert paths == ["block/scale", "dense/kernel", "dense/bias", "batch_normalization/gamma",
                     "batch_normalization/beta", "batch_normalization/moving_mean",
                     "batch_normalization/moving_variance", "dense_1/kernel", "dense_1/bias"]
    assert len(block.trainable_weights) == 7 and len(block.non_trainable_weights) == 2
    assert block.count_params() == 1 + 24 + 16 + 10


def test_training_flag_reaches_sublayers_through_the_call_context():
    block = Block()
    x = np.ones((64, 5), np.float32)
    block(x)
    before = block.norm.moving_mean.numpy().copy()
    np.testing.assert_array_equal(block(x).numpy(), block(x).numpy())  # inference: deterministic
    np.testing.assert_array_equal(block.norm.moving_mean.numpy(), before)
    block(x, training=True)
    assert not np.array_equal(block.norm.moving_mean.numpy(), before)


def test_setting_trainable_false_freezes_every_weight_and_back():
    block = Block()
    block(np.ones((3, 5), np.float32))
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 9
    assert not any(w.requires_grad for w in block.weights)
    block.trainable = True
    assert len(block.trainable_weights) == 7
    assert not block.norm.moving_mean.trainable  # the moving stats stay non-trainable
    block.first.trainable = False
    assert len(block.trainable_weights) == 5


def test_replacing_a_sublayer_untracks_the_old_one():
    block = Block()
    old = block.last
    block.last = layers.Dense(3)
    assert old not in block.layers and block.layers[-1] is block.last


def test_regularization_losses_are_differentiable_and_follow_the_weights():
    layer = layers.Dense(2, kernel_regularizer=shenjing.regularizers.L2(0.5), bias_regularizer="l1")
    layer.build((None, 3))
    layer.set_weights([np.ones((3, 2)), np.full(2, -2.0)])
    kernel_loss, bias_loss = layer.losses
    assert kernel_loss.item() == pytest.approx(0.5 * 6)
    assert bias_loss.item() == pytest.approx(0.01 * 4)
    out = layer(np.ones((1, 3), np.float32))
    total = out.sum() + sum(layer.losses)
    total.backward()
    # d/dW of sum(x W + b) is 1 per entry; the L2 penalty adds 2 * 0.5 * W = 1.
    np.testing.assert_allclose(layer.kernel.grad, np.full((3, 2), 2.0))
    layer.trainable = False
    assert layer.losses == []


def test_activity_regularizer_and_add_loss_are_collected_per_call():
    layer = layers.Dense(2, kernel_initializer="ones", activity_regularizer="l2")
    layer(np.ones((4, 3), np.float32))
    (loss,) = layer.losses
    assert loss.item() == pytest.approx(0.01 * (4 * 2 * 9) / 4)  # divided by the batch size

    class WithLoss(layers.Layer):
        def call(self, x):
            self.add_loss(ops.sum(x))
            return x

    custom = WithLoss()
    custom(np.ones((2, 2), np.float32))
    custom(np.ones((2, 2), np.float32))
    assert [l.item() for l in custom.losses] == [4.0]  # the losses of the last call only


def test_call_converts_arrays_lists_and_integers_to_float_tensors():
    layer = layers.Activation("linear")
    assert layer([[1, 2]]).dtype == np.float32
    assert layer(np.ones((1, 2), np.float64)).dtype == np.float32
    out = layers.Dense(1, dtype="float64")(np.ones((1, 2), np.float32))
    assert out.dtype == np.float64


def test_dtype_policy_in_config_and_back():
    layer = layers.Dense(2, dtype="float64")
    config = layer.get_config()
    assert config["dtype"] == {"module": "keras", "class_name": "DTypePolicy",
                               "config": {"name": "float64"}, "registered_name": None}
    clone = layers.Dense.from_config(config)
    assert clone.dtype == "float64" and clone.dtype_policy.name == "float64"
    clone.build((None, 3))
    assert clone.kernel.dtype == np.float64
    with pytest.raises(ValueError, match="dtype"):
        layers.Dense(2, dtype="int32")


def test_base_config_keys_and_from_config_error():
    config = layers.Flatten().get_config()
    assert list(config)[:3] == ["name", "trainable", "dtype"]
    with pytest.raises(TypeError, match="Error when deserializing class 'Dense'"):
        layers.Dense.from_config({"units": 2, "bogus": 1})


def test_build_config_records_the_input_shape():
    layer = layers.Dense(2)
    layer(np.ones((4, 3), np.float32))
    assert layer.get_build_config() == {"input_shape": (4, 3)}
    clone = layers.Dense.from_config(layer.get_config())
    clone.build_from_config(layer.get_build_config())
    assert clone.kernel.shape == (3, 2)


def test_layer_without_build_is_built_at_init_and_counts_zero_params():
    assert layers.Flatten().built and layers.Flatten().count_params() == 0
    assert not layers.Dense(2).built


def test_symbolic_call_records_nodes_for_the_functional_api():
    inputs = layers.Input(shape=(28, 28, 1), name="image")
    assert inputs.shape == (None, 28, 28, 1) and inputs.name == "image"
    conv = layers.Conv2D(4, 3)
    hidden = conv(inputs)
    outputs = layers.Dense(10)(layers.Flatten()(hidden))
    assert hidden.shape == (None, 26, 26, 4) and outputs.shape == (None, 10)
    layer, node_index, tensor_index = hidden._keras_history
    node = layer._inbound_nodes[node_index]
    assert layer is conv and node.input_tensors == [inputs] and node.output_tensors == [hidden]
    assert node.parent_nodes[0].layer._inbound_nodes[0].is_input
    assert conv.kernel.shape == (3, 3, 1, 4)  # built from the symbolic shape


def test_input_layer_config_and_keywords():
    layer = layers.InputLayer(shape=(3,), name="x")
    assert layer.get_config() == {"batch_shape": (None, 3), "dtype": "float32", "sparse": False,
                                  "ragged": False, "name": "x", "optional": False}
    assert layers.InputLayer.from_config(layer.get_config()).batch_shape == (None, 3)
    assert layers.InputLayer(batch_input_shape=(8, 3)).batch_shape == (8, 3)
    assert layers.Input(shape=(4,), dtype="int32").dtype == "int32"
    with pytest.raises(ValueError, match="shape"):
        layers.InputLayer()


def test_tracking_survives_attributes_set_before_super_and_list_appends():
    class Stack(layers.Layer):
        def __init__(self):
            self.head = layers.Dense(1)  # before super().__init__(), as Keras allows
            super().__init__()
            self.blocks = []
            for _ in range(2):
                self.blocks.append(layers.Dense(3))

        def build(self):  # a build that takes no shape
            self.offset = self.add_weight(shape=(1,), initializer="zeros", name="offset")

        def call(self, x):
            for block in self.blocks:
                x = block(x)
            return self.head(x) + self.offset

    stack = Stack()
    stack(np.ones((2, 4), np.float32))
    assert stack.layers == [stack.head, *stack.blocks]
    assert len(stack.weights) == 7 and stack.weights[0] is stack.offset


def test_forgetting_super_init_is_a_clear_error():
    class Broken(layers.Layer):
        def __init__(self):
            self.units = 3

        def call(self, x):
            return x

    with pytest.raises(RuntimeError, match="forgot to call `super\\(\\).__init__\\(\\)`"):
        Broken()(np.ones((1, 2)))


def test_add_weight_takes_tf_keras_positional_name_first():
    # TensorFlow's custom-layers tutorial: add_weight("kernel", shape=[...]) (Keras 2's order
    # name, shape, dtype, initializer); Keras 3 refuses it, shenjing runs the tutorial.
    layer = layers.Layer()
    kernel = layer.add_weight("kernel", shape=[3, 2])
    assert kernel.name == "kernel" and tuple(kernel.shape) == (3, 2)
    bias = layer.add_weight("bias", (2,), "float32", "ones")
    assert bias.name == "bias" and np.all(bias.numpy() == 1.0)
    w = layer.add_weight((2, 2), "zeros")  # Keras 3's order: shape, initializer, dtype
    assert np.all(w.numpy() == 0.0)
    with pytest.raises(ValueError, match="`shape` was passed both positionally and as a keyword"):
        layer.add_weight((2, 2), shape=(2, 2))
    with pytest.raises(TypeError, match="at most 3 positional arguments"):
        layer.add_weight((2,), "zeros", "float32", "extra")


def test_symbolic_call_keeps_an_explicit_training_flag():
    inputs = layers.Input(shape=(3,))
    outputs = layers.Dropout(0.5)(inputs, training=True)
    layer, node_index, _ = outputs._keras_history
    assert layer._inbound_nodes[node_index].call_kwargs == {"training": True}


def test_default_compute_output_shape_runs_call_for_custom_layers():
    class Double(layers.Layer):
        def call(self, x):
            return ops.concatenate([x, x], axis=-1)

    assert Double().compute_output_shape((None, 3)) == (None, 6)
    assert Double()(layers.Input(shape=(3,))).shape == (None, 6)


def test_building_twice_keeps_the_weights_and_still_checks_the_shape():
    layer = layers.Dense(2)
    layer.build((None, 3))
    kernel = layer.kernel
    layer.build((None, 3))
    assert layer.kernel is kernel and len(layer.weights) == 2
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer.build((None, 4))


class Split(layers.Layer):
    """Two inputs in, two outputs out."""

    def call(self, inputs):
        a, b = inputs
        return [a + b, a * b]

    def compute_output_shape(self, input_shape):
        return [input_shape[0], input_shape[1]]


def test_layers_with_several_inputs_and_outputs_eager_and_symbolic():
    total, product = Split()([np.full((2, 3), 2.0), np.full((2, 3), 4.0)])
    assert total.numpy().tolist() == [[6.0] * 3] * 2 and product.numpy()[0, 0] == 8.0
    a, b = layers.Input(shape=(3,)), layers.Input(shape=(3,))
    outputs = Split()([a, b])
    assert [o.shape for o in outputs] == [(None, 3), (None, 3)]
    assert [o._keras_history[2] for o in outputs] == [0, 1]


def test_conv_config_matches_keras_keys():
    config = layers.Conv2D(8, 3).get_config()
    assert list(config) == [
        "name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding", "data_format",
        "dilation_rate", "groups", "activation", "use_bias", "kernel_initializer", "bias_initializer",
        "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
        "bias_constraint"]
    assert config["kernel_size"] == (3, 3) and config["data_format"] == "channels_last"
    assert layers.Conv2D.from_config({**config, "lora_rank": None}).filters == 8


def test_tracking_rebuilds_its_container_index_for_objects_made_without_it():
    """A layer unpickled from a version without ``_container_names`` still finds list contents."""
    class Block(layers.Layer):
        def __init__(self):
            super().__init__()
            self.parts = []

    block = Block()
    del block.__dict__["_container_names"]  # as an object saved before the index existed
    block.parts.append(layers.Dense(3))
    block.parts[0].build((None, 2))
    assert len(block.trainable_weights) == 2
    block.extra = [layers.Dense(1)]  # setattr works again too
    assert len(block.layers) == 2
