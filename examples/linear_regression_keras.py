"""Linear regression y = 2x + 1 + noise with the Keras API: one Dense(1) unit and MSE.

The Dense layer's kernel is the slope w and its bias is the intercept b;
``fit`` runs gradient descent on the mean squared error.

Run: python examples/linear_regression_keras.py
"""

import numpy as np

import shenjing as tf


def main(epochs=100):
    tf.random.set_seed(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(256, 1)).astype(np.float32)
    y = 2 * x + 1 + rng.normal(0, 0.1, size=x.shape).astype(np.float32)

    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    kernel, bias = model.layers[0].get_weights()
    w, b = float(kernel[0, 0]), float(bias[0])
    print(f"learned w = {w:.4f} (true 2), b = {b:.4f} (true 1); final MSE {model.evaluate(x, y, verbose=0):.5f}")
    return w, b


if __name__ == "__main__":
    main()
