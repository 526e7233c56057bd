"""An optimizer written the Keras 3 way: ``build`` creates a slot per weight with
``add_variable_from_reference``, ``update_step`` changes them with ``assign``; ``fit`` uses
it, and it saves and reloads with the model.

    velocity = momentum * velocity - learning_rate * gradient
    weight  += velocity                       (SGD with momentum, as Polyak wrote it)

Run: python examples/custom_optimizer.py
"""

import os
import tempfile

import numpy as np

from shenjing import keras


@keras.saving.register_keras_serializable(package="examples")
class MomentumSGD(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.9, name="momentum_sgd", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = momentum

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.velocities = [self.add_variable_from_reference(v, name="velocity") for v in variables]

    def update_step(self, gradient, variable, learning_rate):
        velocity = self.velocities[self._get_variable_index(variable)]
        velocity.assign(self.momentum * velocity - learning_rate * gradient)
        variable.assign_add(velocity)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum}


def make_data(n=1000, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = x @ np.array([[2.0], [-1.0], [0.5]], dtype="float32") + 1.0
    return x, y


def main(epochs=20):
    """Fit a linear model; save, reload and keep training. Returns (final loss, model path)."""
    keras.utils.set_random_seed(0)
    x, y = make_data()
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer=MomentumSGD(learning_rate=0.01), loss="mse")
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    path = os.path.join(tempfile.mkdtemp(), "linear.keras")
    model.save(path)
    reloaded = keras.saving.load_model(path)  # MomentumSGD is registered: no custom_objects needed
    history = reloaded.fit(x, y, epochs=2, batch_size=32, verbose=0)
    print(f"weights {reloaded.layers[0].get_weights()[0].ravel()}, loss {history.history['loss'][-1]:.6f}")
    return history.history["loss"][-1], path


if __name__ == "__main__":
    main()
