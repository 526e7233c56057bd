"""Condensed programs from Keras's guides and TensorFlow's tutorials, as users write them
(``import shenjing as tf``, ``from shenjing import keras``): each test is a stop that a
guide hit, kept so it does not come back."""

import numpy as np
import pytest

import shenjing as tf
from shenjing import keras
from shenjing.keras import layers, ops


def digits(n=96, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, size=n)
    centers = rng.normal(0, 1, size=(10, 16))
    x = centers[y] + rng.normal(0, 0.3, size=(n, 16))
    return x.astype("float32"), y.astype("float32")


def get_uncompiled_model():
    inputs = keras.Input(shape=(16,), name="digits")
    x = layers.Dense(32, activation="relu", name="dense_1")(inputs)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


# -- training_with_built_in_methods: the custom metric ---------------------------------------

class CategoricalTruePositives(keras.metrics.Metric):
    """Keras 3's guide: state from add_variable(initializer=...), updated with assign_add."""

    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1,))
        values = ops.cast(ops.cast(y_true, "int32") == ops.cast(y_pred, "int32"), "float32")
        if sample_weight is not None:
            values = ops.multiply(values, ops.cast(sample_weight, "float32"))
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives.value

    def reset_state(self):
        self.true_positives.assign(0.0)


class TfKerasTruePositives(keras.metrics.Metric):
    """tf.keras 2's guide: add_weight(name=..., initializer=...), reset_states."""

    def __init__(self, name="tp", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_weight(name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        hits = np.argmax(np.asarray(getattr(y_pred, "data", y_pred)), axis=1) == np.asarray(y_true)
        self.true_positives.assign_add(hits.sum())

    def result(self):
        return self.true_positives

    def reset_states(self):
        self.true_positives.assign(0.0)


def test_custom_metric_with_add_variable_and_assign_add_counts_each_epoch_afresh():
    x, y = digits()
    model = get_uncompiled_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=[CategoricalTruePositives()])
    history = model.fit(x, y, batch_size=32, epochs=3, verbose=0).history
    counts = history["categorical_true_positives"]
    assert all(0 <= c <= len(x) for c in counts)  # reset at each epoch, never above n
    predicted = np.argmax(model.predict(x, verbose=0), axis=1)
    metric = CategoricalTruePositives()
    metric.update_state(y, predicted[:, None] == np.arange(10))  # one-hot of the predictions
    assert metric.result() == np.sum(predicted == y)
    metric.reset_state()
    assert metric.result() == 0.0


def test_tf_keras_metric_add_weight_and_variable_methods():
    metric = TfKerasTruePositives()
    metric.update_state([1, 2], np.eye(10)[[1, 3]])
    metric.update_state([4], np.eye(10)[[4]])
    assert float(metric.result()) == 2.0
    assert metric.variables[0] is not None and metric.variable_names == ["ctp"]
    metric.reset_states()
    assert float(metric.result()) == 0.0
    assert isinstance(metric.result() + 1, (float, np.floating, np.ndarray))
    ones = keras.metrics.Metric(name="m").add_variable(shape=(2,), initializer="ones", name="o")
    np.testing.assert_array_equal(ones.numpy(), [1.0, 1.0])
    ones.assign_sub(tf.Tensor(np.array([0.5, 1.0], "float32")))
    np.testing.assert_array_equal(ones.value, [0.5, 0.0])
    import pickle
    copied = pickle.loads(pickle.dumps(metric))
    copied.true_positives.assign_add(3)  # still a MetricVariable after a round trip
    assert float(copied.result()) == 3.0 and float(metric.result()) == 0.0
    with pytest.raises(ValueError, match="aggregation"):
        keras.metrics.Metric(name="m").add_variable(aggregation="median")


# -- training_with_built_in_methods: LogisticEndpoint (a layer called on two tensors) ---------

class LogisticEndpoint(keras.layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
        self.accuracy_fn = keras.metrics.BinaryAccuracy()

    def call(self, targets, logits, sample_weights=None):
        loss = self.loss_fn(targets, logits, sample_weights)
        self.add_loss(loss)
        acc = self.accuracy_fn(targets, logits, sample_weights)
        self.add_metric(acc, name="accuracy")
        return ops.softmax(logits)


def test_layer_called_on_two_symbolic_tensors_and_compiled_without_loss():
    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = keras.layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")(logits, targets)
    assert tuple(predictions.shape) == (None, 10)
    model = keras.Model(inputs=[inputs, targets], outputs=predictions)
    model.compile(optimizer="adam")
    rng = np.random.default_rng(0)
    data = {"inputs": rng.random((8, 3)), "targets": (rng.random((8, 10)) > 0.5).astype("float32")}
    history = model.fit(data, epochs=3, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
    assert "accuracy" in history
    out = model.predict(data, verbose=0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


# -- callbacks: tf.keras 2's on_batch_end -------------------------------------------------------

class LossHistory(keras.callbacks.Callback):
    def on_train_begin(self, logs):
        self.per_batch_losses = []

    def on_batch_end(self, batch, logs):
        self.per_batch_losses.append(logs.get("loss"))


def test_on_batch_end_is_called_for_every_training_batch():
    x, y = digits()
    model = get_uncompiled_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    history = LossHistory()
    model.fit(x, y, batch_size=32, epochs=2, callbacks=[history], verbose=0)
    assert len(history.per_batch_losses) == 6
    assert all(isinstance(v, float) for v in history.per_batch_losses)

    calls = []

    class Both(keras.callbacks.Callback):  # overriding the new name still calls only it
        def on_train_batch_begin(self, batch, logs=None):
            calls.append("train_batch_begin")

        def on_batch_begin(self, batch, logs=None):
            calls.append("batch_begin")

    model.fit(x, y, batch_size=96, epochs=1, callbacks=[Both()], verbose=0)
    assert calls == ["train_batch_begin"]


# -- custom_train_step_in_torch: zero_grad, backward, .grad -------------------------------------

class TorchStyleModel(keras.Model):
    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.grad for v in trainable_weights]
        with tf.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_torch_style_train_step_with_zero_grad_matches_the_tape():
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 8)).astype("float32"), rng.random((64, 1)).astype("float32")
    results = []
    for cls in (TorchStyleModel, keras.Model):
        tf.set_random_seed(0)
        inputs = keras.Input(shape=(8,))
        model = cls(inputs, keras.layers.Dense(1)(inputs))
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        results.append(model.fit(x, y, batch_size=16, epochs=3, verbose=0).history)
    np.testing.assert_allclose(results[0]["loss"], results[1]["loss"], rtol=1e-5)
    np.testing.assert_allclose(results[0]["mae"], results[1]["mae"], rtol=1e-5)


def test_zero_grad_clears_or_zeroes_every_weight_gradient():
    layer = layers.Dense(2)
    out = layer(np.ones((3, 4), "float32"))
    out.sum().backward()
    assert all(w.grad is not None for w in layer.weights)
    layer.zero_grad(set_to_none=False)
    assert all(np.all(np.asarray(w.grad) == 0) for w in layer.weights)
    layer.zero_grad()
    assert all(w.grad is None for w in layer.weights)


# -- the TensorFlow tutorial: optimizer.iterations.numpy() --------------------------------------

def test_optimizer_iterations_answers_numpy_like_a_keras_variable():
    w = tf.Variable(np.ones(3, "float32"))
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    assert optimizer.iterations.numpy() == 0
    with tf.GradientTape() as tape:
        loss = (w * w).sum()
    optimizer.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    assert optimizer.iterations.numpy() == 1 and optimizer.iterations == 1
    assert int(optimizer.iterations.value) == 1 and optimizer.iterations + 1 == 2
    np.testing.assert_allclose(w.numpy(), 0.8)


# -- functional_api / training guide: multi-output compile with dicts and loss_weights --------

def test_multi_output_loss_dicts_and_loss_weights_weigh_each_output():
    rng = np.random.default_rng(0)
    inputs = keras.Input(shape=(6,), name="features")
    h = layers.Dense(8, activation="relu")(inputs)
    score = layers.Dense(1, name="score_output")(h)
    klass = layers.Dense(3, activation="softmax", name="class_output")(h)
    model = keras.Model(inputs, [score, klass])
    x = rng.random((32, 6)).astype("float32")
    targets = {"score_output": rng.random((32, 1)).astype("float32"),
               "class_output": np.eye(3, dtype="float32")[rng.integers(0, 3, 32)]}
    losses = {"score_output": keras.losses.MeanSquaredError(),
              "class_output": keras.losses.CategoricalCrossentropy()}
    model.compile(optimizer="rmsprop", loss=losses, loss_weights={"score_output": 2.0, "class_output": 1.0})
    weighted = model.evaluate(x, targets, verbose=0)
    score_pred, class_pred = model.predict(x, verbose=0)
    mse = float(np.mean((score_pred - targets["score_output"]) ** 2))
    cce = float(np.mean(-np.sum(targets["class_output"] * np.log(np.clip(class_pred, 1e-7, 1)), axis=1)))
    np.testing.assert_allclose(weighted, 2.0 * mse + cce, rtol=1e-4)
    model.compile(optimizer="rmsprop", loss={"class_output": keras.losses.CategoricalCrossentropy()})
    np.testing.assert_allclose(model.evaluate(x, targets, verbose=0), cce, rtol=1e-4)
    history = model.fit(tf.data.Dataset.from_tensor_slices((x, targets)).batch(8), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


# -- PyDataset guide ------------------------------------------------------------------------------

class ExamplePyDataset(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return int(np.ceil(len(self.x) / float(self.batch_size)))

    def __getitem__(self, idx):
        batch_x = self.x[idx * self.batch_size:(idx + 1) * self.batch_size]
        batch_y = self.y[idx * self.batch_size:(idx + 1) * self.batch_size]
        return batch_x, batch_y


@pytest.mark.parametrize("workers", [1, 3])
def test_py_dataset_guide_fit_with_validation(workers):
    x, y = digits(100)
    model = get_uncompiled_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    train = ExamplePyDataset(x[:80], y[:80], batch_size=32, workers=workers)
    val = ExamplePyDataset(x[80:], y[80:], batch_size=32, workers=workers)
    history = model.fit(train, validation_data=val, epochs=2, verbose=0).history
    assert set(history) == {"loss", "sparse_categorical_accuracy", "val_loss",
                            "val_sparse_categorical_accuracy"}
    assert model.predict(val, verbose=0).shape == (20, 10)


# -- keras.tree (issue 8: the structure helpers exposed as keras.tree) ---------------------------

def test_keras_tree_is_the_structure_helpers_module():
    from shenjing.keras.tree import flatten, map_structure, pack_sequence_as

    structure = {"b": [1, 2], "a": (3,)}
    leaves = flatten(structure)
    assert sorted(leaves) == [1, 2, 3]
    assert map_structure(lambda v: v * 10, structure) == {"b": [10, 20], "a": (30,)}
    assert pack_sequence_as(structure, leaves) == structure
    assert keras.tree.flatten is flatten


# -- customizing_what_happens_in_fit (tf.keras 2): compiled_loss / compiled_metrics ---------------

class TfKerasCustomModel(keras.Model):
    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, sample_weight=sample_weight,
                                      regularization_losses=self.losses)
        trainable_vars = self.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, trainable_vars), trainable_vars))
        self.compiled_metrics.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_compiled_loss_call_reports_the_loss_as_tf_keras_did():
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 8)).astype("float32"), rng.random((64, 1)).astype("float32")
    results = []
    for cls in (TfKerasCustomModel, keras.Model):
        tf.set_random_seed(0)
        inputs = keras.Input(shape=(8,))
        model = cls(inputs, keras.layers.Dense(1, kernel_regularizer="l2")(inputs))
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        history = model.fit(x, y, batch_size=16, epochs=2, validation_data=(x[:16], y[:16]), verbose=0)
        results.append(history.history)
    for key in ("loss", "mae", "val_loss", "val_mae"):
        assert results[0][key][0] > 0.0
        np.testing.assert_allclose(results[0][key], results[1][key], rtol=1e-5)


# -- writing_your_own_callbacks: every hook gets a logs dict ---------------------------------------

def test_every_callback_hook_receives_a_logs_dict():
    seen = {}

    class KeysCallback(keras.callbacks.Callback):
        def _record(self, hook, logs):
            seen.setdefault(hook, []).append(sorted(logs.keys()))

    for hook in ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end", "on_predict_begin",
                 "on_predict_end"):
        setattr(KeysCallback, hook, lambda self, logs=None, _h=hook: self._record(_h, logs))
    for hook in ("on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
                 "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin",
                 "on_predict_batch_end"):
        setattr(KeysCallback, hook, lambda self, i, logs=None, _h=hook: self._record(_h, logs))
    x, y = digits(64)
    model = get_uncompiled_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=32, epochs=1, validation_split=0.5, callbacks=[KeysCallback()], verbose=0)
    model.evaluate(x, y, callbacks=[KeysCallback()], verbose=0)
    model.predict(x, callbacks=[KeysCallback()], verbose=0)
    assert seen["on_test_begin"] == [[], []]  # fit's validation, then evaluate (as Keras)
    assert seen["on_test_end"] == [["loss"], ["loss"]]
    assert seen["on_train_begin"] == [[]] and seen["on_epoch_begin"] == [[]]
    assert seen["on_epoch_end"] == [["loss", "val_loss"]]
    assert seen["on_train_end"] == [["loss", "val_loss"]]
    assert seen["on_predict_begin"] == [[]] and seen["on_predict_end"] == [[]]
    assert all(keys == [] for keys in seen["on_train_batch_begin"])
    assert set(seen) == {"on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
                         "on_predict_begin", "on_predict_end", "on_epoch_begin", "on_epoch_end",
                         "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
                         "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end"}


def test_validation_calls_the_fit_callbacks_without_changing_their_params(capsys):
    params = []

    class Params(keras.callbacks.Callback):
        def on_test_end(self, logs=None):
            params.append(dict(self.params))

        def on_epoch_end(self, epoch, logs=None):
            params.append(dict(self.params))

    x, y = digits(64)
    model = get_uncompiled_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=32, epochs=2, validation_data=(x, y), callbacks=[Params()], verbose=2)
    assert len(params) == 4 and all(p["epochs"] == 2 and p["steps"] == 2 for p in params)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(lines) == 4 and all("val_loss" in line for line in lines[1::2])  # no extra bar
