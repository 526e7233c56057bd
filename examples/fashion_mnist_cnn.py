"""The tutorials' CNN on Fashion-MNIST, trained with the engine alone (no ``fit``).

Conv2D(32, 3, relu) - MaxPooling2D(2) - Conv2D(64, 3, relu) - MaxPooling2D(2) -
Conv2D(64, 3, relu) - Flatten - Dense(64, relu) - Dense(10), Adam, batch 64.
Each step: logits = layers(x); loss = cross-entropy(y, logits); loss.backward();
optimizer.step(weights).

Needs the IDX files of Debian's dataset-fashion-mnist package
(apt-get install dataset-fashion-mnist) or a copy in ~/.shenjing/datasets/fashion-mnist.

Run: python examples/fashion_mnist_cnn.py [--model cnn|mlp] [--epochs 1] [--batch-size 64]
"""

import argparse
import time

import numpy as np

import shenjing as sj
from shenjing import layers, losses, optimizers
from shenjing.datasets import fashion_mnist


def build(model):
    if model == "cnn":
        return [
            layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10),
        ]
    return [
        layers.Flatten(input_shape=(28, 28)),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10),
    ]


def forward(stack, x, training):
    for layer in stack:
        x = layer(x, training=training)
    return x


def trainable_weights(stack):
    return [w for layer in stack for w in layer.trainable_weights]


def evaluate(stack, x, y, batch_size=1000):
    correct, total_loss = 0, 0.0
    with sj.no_grad():
        for start in range(0, len(x), batch_size):
            logits = forward(stack, x[start:start + batch_size], training=False)
            batch_y = y[start:start + batch_size]
            total_loss += losses.sparse_categorical_crossentropy(batch_y, logits, from_logits=True).sum().item()
            correct += int((logits.numpy().argmax(axis=-1) == batch_y).sum())
    return total_loss / len(x), correct / len(x)


def main(model="cnn", epochs=1, batch_size=None, seed=0, limit=None):
    batch_size = batch_size or (64 if model == "cnn" else 32)
    sj.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    x_train = (x_train / np.float32(255)).astype(np.float32)
    x_test = (x_test / np.float32(255)).astype(np.float32)
    if model == "cnn":
        x_train, x_test = x_train[..., None], x_test[..., None]
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]

    stack = build(model)
    optimizer = optimizers.Adam(learning_rate=1e-3)
    rng = np.random.default_rng(seed)
    seconds = []
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))
        start_time = time.perf_counter()
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            logits = forward(stack, x_train[batch], training=True)
            loss = losses.sparse_categorical_crossentropy(y_train[batch], logits, from_logits=True).mean()
            weights = trainable_weights(stack)
            loss.backward()
            optimizer.step(weights)
            optimizer.zero_grad(weights)
        seconds.append(time.perf_counter() - start_time)
        test_loss, test_acc = evaluate(stack, x_test, y_test)
        print(f"epoch {epoch + 1}/{epochs}: {seconds[-1]:.1f} s  last batch loss {loss.item():.4f}  "
              f"test loss {test_loss:.4f}  test accuracy {test_acc:.4f}", flush=True)
    return test_acc, seconds


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["cnn", "mlp"], default="cnn")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N images only")
    args = parser.parse_args()
    main(args.model, args.epochs, args.batch_size, args.seed, args.limit)
