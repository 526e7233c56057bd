"""Bad arguments and bad inputs: each error says what was expected, what came, and which layer."""

import re

import numpy as np
import pytest

from shenjing import layers


def test_dense_fed_another_last_dim_raises_the_keras_message():
    layer = layers.Dense(10)
    layer(np.zeros((32, 784), np.float32))
    message = ('Input 0 of layer "dense" is incompatible with the layer: expected axis -1 of input '
               "shape to have value 784, but received input with shape (32, 100)")
    with pytest.raises(ValueError, match=re.escape(message)):
        layer(np.zeros((32, 100), np.float32))


def test_dense_needs_rank_two():
    with pytest.raises(ValueError, match=re.escape('layer "dense" is incompatible with the layer: '
                                                   "expected min_ndim=2, found ndim=1")):
        layers.Dense(3)(np.zeros(5, np.float32))


def test_conv2d_given_a_3d_batch_names_layer_and_ndim():
    message = ('Input 0 of layer "conv2d" is incompatible with the layer: expected ndim=4, found '
               "ndim=3. Full shape received: (8, 28, 28)")
    with pytest.raises(ValueError, match=re.escape(message)):
        layers.Conv2D(4, 3)(np.zeros((8, 28, 28), np.float32))


def test_conv2d_built_for_c_channels_fed_other_channels():
    layer = layers.Conv2D(4, 3)
    layer(np.zeros((2, 8, 8, 3), np.float32))
    with pytest.raises(ValueError, match=re.escape('layer "conv2d" is incompatible with the layer: '
                                                   "expected axis -1 of input shape to have value 3")):
        layer(np.zeros((2, 8, 8, 1), np.float32))


def test_input_shape_of_the_wrong_rank_fails_when_built():
    layer = layers.Conv2D(32, 3, input_shape=(28, 28))
    message = 'Input 0 of layer "conv2d" is incompatible with the layer: expected ndim=4, found ndim=3'
    with pytest.raises(ValueError, match=re.escape(message)):
        layer.build(layer._batch_input_shape)
    with pytest.raises(ValueError, match=re.escape(message)):
        layer(np.zeros((1, 28, 28, 1), np.float32))
    assert layer.weights == []  # nothing was half-built
    with pytest.raises(ValueError, match='layer "max_pooling2d".*expected ndim=4'):
        layers.MaxPooling2D().build((None, 28, 28))


def test_window_larger_than_input_names_the_layer():
    with pytest.raises(ValueError, match="'conv2d'.*output size"):
        layers.Conv2D(2, 5)(np.zeros((1, 3, 3, 1), np.float32))
    with pytest.raises(ValueError, match="'max_pooling2d'.*output size"):
        layers.MaxPooling2D(4)(np.zeros((1, 3, 3, 1), np.float32))


@pytest.mark.parametrize("units", [0, -3, 2.5, None, True])
def test_dense_units_must_be_a_positive_int(units):
    with pytest.raises(ValueError, match=re.escape(f"Received: units={units}")):
        layers.Dense(units)


@pytest.mark.parametrize("make", [
    lambda: layers.Conv2D(4, 3, padding="full"),
    lambda: layers.Conv2D(4, 3, padding="causal"),
    lambda: layers.MaxPooling2D(padding="bogus"),
    lambda: layers.Conv1D(4, 3, padding=1),
])
def test_bad_padding_is_rejected(make):
    with pytest.raises(ValueError, match="padding"):
        make()


@pytest.mark.parametrize("kwargs, match", [
    ({"filters": 0, "kernel_size": 3}, "filters"),
    ({"filters": 4, "kernel_size": 0}, "kernel_size"),
    ({"filters": 4, "kernel_size": (3, 3, 3)}, "kernel_size"),
    ({"filters": 4, "kernel_size": 3, "strides": -1}, "strides"),
    ({"filters": 5, "kernel_size": 3, "groups": 2}, "groups"),
    ({"filters": 4, "kernel_size": 3, "data_format": "channels_middle"}, "data_format"),
    ({"filters": 4, "kernel_size": 3, "data_format": "nhwc"}, "data_format"),
    ({"filters": 4, "kernel_size": 3, "kernel_constraint": "nope"}, "Unknown constraint"),
])
def test_bad_conv_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Conv2D(**kwargs)


@pytest.mark.parametrize("make, match", [
    (lambda: layers.Dropout(1.5), "rate"),
    (lambda: layers.Dropout(-0.1), "rate"),
    (lambda: layers.LeakyReLU(-1.0), "negative_slope"),
    (lambda: layers.ReLU(max_value=-1.0), "max_value"),
    (lambda: layers.Embedding(0, 3), "input_dim"),
    (lambda: layers.Reshape((-1, -1)), "target_shape"),
    (lambda: layers.BatchNormalization(axis="x"), "axis"),
    (lambda: layers.Flatten(data_format="x"), "data_format"),
])
def test_bad_arguments_of_other_layers(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_reshape_to_an_incompatible_size_names_the_layer():
    with pytest.raises(ValueError, match="'reshape'.*total size"):
        layers.Reshape((5,))(np.zeros((2, 6), np.float32))


def test_embedding_out_of_range_index_names_the_layer():
    layer = layers.Embedding(10, 3)
    with pytest.raises(IndexError, match="'embedding': index 10 is out of range.*input_dim=10"):
        layer(np.array([[1, 10]]))
    with pytest.raises(IndexError, match="index -1"):
        layer(np.array([[-1, 2]]))


def test_batch_normalization_fed_another_feature_size():
    layer = layers.BatchNormalization()
    layer(np.zeros((4, 3), np.float32))
    with pytest.raises(ValueError, match='layer "batch_normalization".*expected axis -1.*value 3'):
        layer(np.zeros((4, 5), np.float32))
    with pytest.raises(ValueError, match="expected ndim=2, found ndim=3"):
        layer(np.zeros((4, 2, 3), np.float32))


def test_add_weight_with_undefined_dimension():
    layer = layers.Layer(name="custom")
    with pytest.raises(ValueError, match="'custom'.*undefined"):
        layer.add_weight(shape=(None, 3))
