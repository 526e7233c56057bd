"""The tutorials' self-attention module as a shenjing Layer, trained on a toy task.

    Q = x W_q,  K = x W_k,  V = x W_v          (each of width d = input_dim // 8)
    A = softmax(Q Kᵀ / √d)                      (one row of weights per position)
    y = (A V) W_o                               (back to input_dim)

Toy task: each sequence holds 12 random vectors of width 32; in half of them two positions
carry the same "key" pattern (a match anywhere in the sequence), and the model must say
whether the sequence has a match: a question about pairs of positions, which attention
answers and a per-position model cannot. Synthetic data, offline.

Run: python examples/self_attention.py [--epochs 8] [--steps N]   (about 5 s)
"""

import argparse
import math

import numpy as np

import shenjing as tf
from shenjing import keras
from shenjing.keras import layers, ops


class SelfAttention(layers.Layer):
    """softmax(Q Kᵀ / √d) V then an output projection; Q, K, V of width input_dim // 8."""

    def __init__(self, reduction=8, **kwargs):
        super().__init__(**kwargs)
        self.reduction = reduction

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.head_dim = max(input_dim // self.reduction, 1)
        self.query = layers.Dense(self.head_dim, use_bias=False, name="query")
        self.key = layers.Dense(self.head_dim, use_bias=False, name="key")
        self.value = layers.Dense(self.head_dim, use_bias=False, name="value")
        self.projection = layers.Dense(input_dim, name="projection")
        for layer in (self.query, self.key, self.value):
            layer.build(input_shape)
        self.projection.build(tuple(input_shape[:-1]) + (self.head_dim,))

    def call(self, x, return_attention=False):
        q, k, v = self.query(x), self.key(x), self.value(x)
        scores = ops.matmul(q, ops.swapaxes(k, -1, -2)) / math.sqrt(self.head_dim)
        weights = ops.softmax(scores, axis=-1)
        y = self.projection(ops.matmul(weights, v))
        return (y, weights) if return_attention else y

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "reduction": self.reduction}


def make_data(n, length=12, width=32, seed=0):
    """x (n, length, width) noise; half the sequences get one pattern at two positions."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, length, width)).astype("float32")
    y = (rng.random(n) < 0.5).astype("int64")
    patterns = rng.normal(size=(n, width)).astype("float32") * 2.0
    for i in np.flatnonzero(y):
        a, b = rng.choice(length, 2, replace=False)
        x[i, a] = x[i, b] = patterns[i]
    return x, y


def build_model(length=12, width=32):
    inputs = keras.Input((length, width))
    h = layers.Dense(width, activation="relu")(inputs)
    h = h + SelfAttention(name="self_attention")(h)
    h = layers.GlobalMaxPooling1D()(h)
    outputs = layers.Dense(2)(h)
    return keras.Model(inputs, outputs)


def main(epochs=8, steps=None, n_train=4000, batch_size=64):
    """Train; returns the test accuracy."""
    tf.random.set_seed(0)
    x_train, y_train = make_data(n_train, seed=0)
    x_test, y_test = make_data(1000, seed=1)
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(2e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, steps_per_epoch=steps,
              verbose=2)
    accuracy = model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"]
    print(f"test accuracy: {accuracy:.3f}")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--steps", type=int, default=None, help="steps per epoch (default: all)")
    args = parser.parse_args()
    main(epochs=args.epochs, steps=args.steps)
