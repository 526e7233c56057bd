"""End-to-end gradients of layers: finite differences in float64, PyTorch where installed,
and Keras's parameter counts for the tutorial CNN."""

import numpy as np
import pytest

import shenjing
from shenjing import layers


def _built(layer, input_shape):
    layer.build(input_shape)
    return layer


@pytest.mark.parametrize("make, input_shape", [
    (lambda: layers.Dense(3, activation="tanh", dtype="float64", bias_initializer="random_normal"), (2, 4)),
    (lambda: layers.Conv2D(2, 3, strides=2, padding="same", dtype="float64"), (2, 5, 5, 2)),
    (lambda: layers.Conv1D(2, 2, padding="causal", dilation_rate=2, dtype="float64"), (2, 6, 2)),
    (lambda: layers.MaxPooling2D(dtype="float64"), (1, 4, 4, 2)),
    (lambda: layers.AveragePooling2D(3, strides=2, padding="same", dtype="float64"), (1, 5, 5, 1)),
    (lambda: layers.LayerNormalization(dtype="float64", beta_initializer="random_normal"), (3, 5)),
    (lambda: layers.PReLU(alpha_initializer="random_normal", dtype="float64"), (2, 3)),
])
def test_gradcheck_wrt_the_input(make, input_shape):
    layer = make()
    x = np.random.default_rng(0).standard_normal(input_shape)
    assert shenjing.gradcheck(lambda t: layer(t), [x])


def test_batch_normalization_training_gradcheck():
    layer = layers.BatchNormalization(dtype="float64", gamma_initializer="random_normal")
    x = np.random.default_rng(1).standard_normal((6, 3))
    assert shenjing.gradcheck(lambda t: layer(t, training=True), [x], atol=1e-4)


@pytest.mark.parametrize("make, input_shape", [
    (lambda: layers.Dense(3, dtype="float64"), (2, 4)),
    (lambda: layers.Conv2D(2, (2, 3), strides=(1, 2), dtype="float64"), (2, 5, 6, 2)),
    (lambda: layers.BatchNormalization(dtype="float64", momentum=0.0), (5, 3)),
    (lambda: layers.Embedding(6, 2, dtype="float64"), None),
])
def test_weight_gradients_against_finite_differences(make, input_shape):
    layer = make()
    rng = np.random.default_rng(2)
    x = rng.integers(0, 6, (3, 4)) if input_shape is None else rng.standard_normal(input_shape)
    y = layer(x, training=True)
    weights = rng.standard_normal(y.shape)
    for w in layer.trainable_weights:
        w.grad = None
    (layer(x, training=True) * shenjing.tensor(weights)).sum().backward()
    for w in layer.trainable_weights:
        def f():
            with shenjing.no_grad():
                return float(np.sum(layer(x, training=True).numpy() * weights))
        numeric = shenjing.autograd.numerical_gradient(f, w.data)
        np.testing.assert_allclose(w.grad, numeric, rtol=1e-4, atol=1e-6, err_msg=w.path)


def test_conv2d_forward_and_kernel_gradient_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 9, 8, 3))
    layer = layers.Conv2D(5, (3, 2), strides=(2, 1), dilation_rate=1, padding="valid", dtype="float64",
                          bias_initializer="random_normal")
    y = layer(x)
    weights = rng.standard_normal(y.shape)
    (y * shenjing.tensor(weights)).sum().backward()

    kernel = torch.tensor(layer.kernel.numpy().transpose(3, 2, 0, 1), requires_grad=True)  # (out, in, kh, kw)
    bias = torch.tensor(layer.bias.numpy(), requires_grad=True)
    xt = torch.tensor(x.transpose(0, 3, 1, 2))
    yt = torch.nn.functional.conv2d(xt, kernel, bias, stride=(2, 1))
    (yt * torch.tensor(weights.transpose(0, 3, 1, 2))).sum().backward()
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy().transpose(0, 2, 3, 1), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(layer.kernel.grad, kernel.grad.numpy().transpose(2, 3, 1, 0),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(layer.bias.grad, bias.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_conv2d_same_padding_matches_torch_same():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(4).standard_normal((1, 6, 7, 2))
    layer = layers.Conv2D(3, 3, padding="same", dtype="float64")
    y = layer(x).numpy()
    kernel = torch.tensor(layer.kernel.numpy().transpose(3, 2, 0, 1))
    yt = torch.nn.functional.conv2d(torch.tensor(x.transpose(0, 3, 1, 2)), kernel, padding="same")
    np.testing.assert_allclose(y, yt.numpy().transpose(0, 2, 3, 1), rtol=1e-10, atol=1e-10)


def test_batch_normalization_matches_torch_in_training_and_eval():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(5).standard_normal((8, 4))
    ours = layers.BatchNormalization(dtype="float64", momentum=0.9, epsilon=1e-3)
    theirs = torch.nn.BatchNorm1d(4, eps=1e-3, momentum=0.1, dtype=torch.float64)
    y = ours(x, training=True).numpy()
    yt = theirs(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(y, yt, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.moving_mean.numpy(), theirs.running_mean.numpy(), rtol=1e-10)
    # torch's running variance is unbiased; Keras's (and ours) is the biased batch variance.
    biased = 0.9 + 0.1 * x.var(axis=0)
    np.testing.assert_allclose(ours.moving_variance.numpy(), biased, rtol=1e-10)


def test_tutorial_cnn_parameter_counts_equal_keras():
    shapes = (None, 28, 28, 1)
    stack = [layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
             layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(),
             layers.Conv2D(64, 3, activation="relu"), layers.Flatten(),
             layers.Dense(64, activation="relu"), layers.Dense(10)]
    counts = {}
    for layer in stack:
        layer.build(shapes)
        counts[layer.name] = layer.count_params()
        shapes = layer.compute_output_shape(shapes)
    assert counts == {"conv2d": 320, "max_pooling2d": 0, "conv2d_1": 18496, "max_pooling2d_1": 0,
                      "conv2d_2": 36928, "flatten": 0, "dense": 36928, "dense_1": 650}
    assert shapes == (None, 10)


def test_a_small_cnn_learns_through_the_layers():
    """Plain gradient descent through Conv2D, BatchNorm, pooling, Dropout, Dense: the loss falls."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal((32, 8, 8, 1)).astype(np.float32)
    labels = (x[:, :4].sum(axis=(1, 2, 3)) > x[:, 4:].sum(axis=(1, 2, 3))).astype(np.int64)
    stack = [layers.Conv2D(4, 3, padding="same", activation="relu"), layers.BatchNormalization(),
             layers.MaxPooling2D(), layers.Flatten(), layers.Dropout(0.1), layers.Dense(2)]

    def loss_value():
        h = x
        for layer in stack:
            h = layer(h, training=True)
        return shenjing.ops.sparse_softmax_cross_entropy(labels, h).mean()

    first = loss_value().item()
    for _ in range(30):
        loss = loss_value()
        loss.backward()
        for layer in stack:
            for w in layer.trainable_weights:
                w.assign(w.data - 0.1 * w.grad)
                w.grad = None
    assert loss_value().item() < 0.7 * first
