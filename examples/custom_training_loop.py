"""A custom training loop: the engine's forward, backward and update, written out.

    logits = model(x, training=True)                 # forward propagation
    loss = loss_fn(y, logits)                        # a scalar Tensor
    loss.backward()                                  # backpropagation (chain rule)
    optimizer.apply_gradients(zip(grads, weights))   # gradient descent step

Run: python examples/custom_training_loop.py
"""

import numpy as np

import shenjing as sj
from shenjing.keras import layers, losses, metrics, models, optimizers


def make_data(n=2000, seed=0):
    """Two interleaved half moons: not linearly separable, so the hidden layer matters."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    label = rng.integers(0, 2, n)
    x = np.stack([np.cos(t) + label, np.sin(t) * (1 - 2 * label) + 0.5 * label], axis=1)
    x += rng.normal(0, 0.1, x.shape)
    return x.astype(np.float32), label


def main(epochs=20, batch_size=64):
    sj.set_random_seed(0)
    x, y = make_data()
    model = models.Sequential([layers.Dense(32, activation="relu", input_shape=(2,)), layers.Dense(2)])
    loss_fn = losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = optimizers.Adam(learning_rate=0.01)
    accuracy = metrics.SparseCategoricalAccuracy()

    for epoch in range(epochs):
        accuracy.reset_state()
        order = np.random.default_rng(epoch).permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            logits = model(x[batch], training=True)
            loss = loss_fn(y[batch], logits)
            loss.backward()
            weights = model.trainable_weights
            optimizer.apply_gradients([(w.grad, w) for w in weights])
            for w in weights:
                w.grad = None
            accuracy.update_state(y[batch], logits)
        if epoch % 5 == 4 or epoch == epochs - 1:
            print(f"epoch {epoch + 1}: loss {loss.item():.4f}  accuracy {accuracy.result():.4f}")
    return float(accuracy.result())


if __name__ == "__main__":
    main()
