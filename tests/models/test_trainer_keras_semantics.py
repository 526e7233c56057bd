"""Keras semantics of the training contract found missing by review: tf.keras's compiled_loss
logs the loss, `steps` with arrays and no batch size, fit's validation reaches on_test_* hooks,
batch_size checks."""

import numpy as np
import pytest

import shenjing as tf
from shenjing import keras


def _data(n=100, seed=0):
    x = np.random.default_rng(seed).normal(size=(n, 4)).astype("float32")
    return x, x[:, :1] * 2.0 + 1.0


class TfKerasStyle(keras.Model):
    """The tf.keras 2 guide's custom train_step: compiled_loss and compiled_metrics."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_compiled_loss_updates_the_loss_metric_as_tf_keras_did():
    x, y = _data()
    inputs = keras.Input((4,))
    model = TfKerasStyle(inputs, keras.layers.Dense(1)(inputs))
    model.compile("sgd", "mse", metrics=["mae"])
    kernel, bias = model.get_weights()
    # One step on all the data: the epoch's logged loss is the MSE of the weights before it.
    history = model.fit(x, y, epochs=1, batch_size=100, verbose=0)
    expected = float(np.mean((x @ kernel + bias - y) ** 2))
    assert history.history["loss"] == [pytest.approx(expected, rel=1e-5)]
    assert history.history["mae"] == [pytest.approx(float(np.mean(np.abs(x @ kernel + bias - y))), rel=1e-5)]
    losses = model.fit(x, y, epochs=3, batch_size=100, verbose=0).history["loss"]
    assert losses[0] > losses[1] > losses[2] > 0  # reset each epoch, not accumulated


def test_steps_with_arrays_and_no_batch_size_cover_the_data_as_keras_does():
    x, y = _data(100)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    assert model.predict(x, steps=2, verbose=0).shape == (100, 1)  # batch_size = ceil(100 / 2)
    seen = []

    class Sizes(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(batch)

    model.fit(x, y, steps_per_epoch=3, epochs=1, verbose=0, callbacks=[Sizes()])
    assert seen == [0, 1, 2]
    assert model.predict(x, batch_size=10, steps=2, verbose=0).shape == (20, 1)  # both given


def test_fit_validation_calls_the_on_test_hooks_of_fit_callbacks(capsys):
    x, y = _data(64)
    calls = []

    class Hooks(keras.callbacks.Callback):
        def on_test_begin(self, logs=None):
            calls.append("test_begin")

        def on_test_batch_end(self, batch, logs=None):
            calls.append("test_batch_end")

        def on_test_end(self, logs=None):
            calls.append(("test_end", sorted(logs)))

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(x, y, epochs=2, batch_size=32, validation_data=(x[:40], y[:40]),
                        validation_batch_size=20, callbacks=[Hooks()], verbose=2)
    assert calls == ["test_begin", "test_batch_end", "test_batch_end", ("test_end", ["loss"])] * 2
    assert len(history.history["val_loss"]) == 2
    out = capsys.readouterr().out
    lines = out.splitlines()  # validation draws no bar of its own
    assert [line[:4] for line in lines] == ["Epoc", "2/2 ", "Epoc", "2/2 "]


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "32"])
def test_batch_size_must_be_a_positive_integer(bad):
    x, y = _data(8)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="Expected `batch_size` to be a positive integer"):
        model.fit(x, y, batch_size=bad, verbose=0)
    with pytest.raises(ValueError, match="validation_batch_size"):
        model.fit(x, y, validation_data=(x, y), validation_batch_size=bad, verbose=0)


@pytest.mark.parametrize("loss, activation, units, labels", [
    ("sparse_categorical_crossentropy", "softmax", 3, lambda y: y),
    ("categorical_crossentropy", "softmax", 3, lambda y: np.eye(3, dtype="float32")[y]),
    ("binary_crossentropy", "sigmoid", 1, lambda y: (y[:, None] > 0).astype("float32")),
])
def test_a_crossentropy_metric_agrees_with_the_fused_loss_on_saturated_outputs(loss, activation, units, labels):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32") * 50  # logits far past float32's saturation
    y = labels(rng.integers(0, 3, size=32))
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=activation)])
    model.compile("sgd", loss, metrics=[loss])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs[loss] == pytest.approx(logs["loss"], rel=1e-5)
    assert logs["loss"] > 20  # exact: the clipped probability form would stop near 16.1


class Keras3Style(keras.Model):
    """A Keras 3 guide's step that calls compiled_loss and then updates the loss metric by hand."""

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_a_step_updating_the_loss_by_hand_after_compiled_loss_counts_each_batch_once():
    x, y = _data(50)
    inputs = keras.Input((4,))
    model = Keras3Style(inputs, keras.layers.Dense(1)(inputs))
    model.compile("sgd", "mse")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)  # 4 steps
    tracker = model.metrics[0]
    assert tracker.name == "loss" and float(tracker.count) == 4.0  # one unweighted update a step
    tracker.reset_state()
    tracker.update_state(2.0)
    assert float(tracker.result()) == 2.0  # nothing pending survives a reset


def test_compute_loss_calling_compiled_loss_counts_each_batch_once():
    class Wrapped(keras.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return self.compiled_loss(y, y_pred, sample_weight)

    x, y = _data(50)
    inputs = keras.Input((4,))
    model = Wrapped(inputs, keras.layers.Dense(1)(inputs))
    model.compile("sgd", "mse")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert float(model.metrics[0].count) == 50.0  # batch-size weights, each batch once


def test_compiled_loss_is_one_object_that_copies():
    import copy

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(*_data(8), verbose=0)
    assert model.compiled_loss is model.compiled_loss
    assert copy.copy(model.compiled_loss)._compiled is model.compiled_loss._compiled


def test_a_custom_numpy_metric_receives_arrays_in_compile():
    class SumOfPredictions(keras.metrics.Metric):
        def __init__(self, name="sum_pred", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_variable(shape=(), initializer="zeros", name="total")

        def update_state(self, y_true, y_pred, sample_weight=None):
            assert isinstance(y_pred, np.ndarray)
            self.total[...] += np.sum(y_pred)

        def result(self):
            return float(self.total)

    x, y = _data(8)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=[SumOfPredictions()])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs["sum_pred"] == pytest.approx(float(model.predict(x, verbose=0).sum()), rel=1e-5)


def test_a_layer_called_on_several_symbolic_tensors_uses_its_own_compute_output_shape():
    from shenjing import ops

    class Masked(keras.layers.Layer):
        def call(self, x, mask):
            return x * ops.expand_dims(mask, -1)

        def compute_output_shape(self, x_shape, mask_shape=None):
            return x_shape

    out = Masked()(keras.Input((None, 4)), keras.Input((None,)))
    assert out.shape == (None, None, 4)
    assert keras.layers.Softmax()(keras.Input((None, 4)), mask=keras.Input((None, 4))).shape == (None, None, 4)
