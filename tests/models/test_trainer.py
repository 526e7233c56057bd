"""compile / fit / evaluate / predict / *_on_batch with Keras's semantics."""

import io

import numpy as np
import pytest

import shenjing
from shenjing import callbacks, layers, losses, optimizers
from shenjing.models import Sequential

from model_data import blobs


def mlp(classes=3, dropout=0.0):
    stack = [layers.Dense(16, activation="relu", input_shape=(4,))]
    if dropout:
        stack.append(layers.Dropout(dropout))
    stack.append(layers.Dense(classes, activation="softmax"))
    return Sequential(stack)


def test_fit_learns_and_returns_history_with_val_keys():
    x, y = blobs()
    model = mlp()
    model.compile(optimizer=optimizers.Adam(0.02), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=15, batch_size=16, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 15 and history.epoch == list(range(15))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9
    assert model.history is history


def test_evaluate_returns_loss_list_or_dict_like_keras():
    x, y = blobs()
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, acc = model.evaluate(x, y, verbose=0)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs == {"loss": pytest.approx(loss), "accuracy": pytest.approx(acc)}
    assert model.metrics_names == ["loss", "accuracy"]


def test_evaluate_matches_a_hand_computed_loss_and_accuracy():
    x, y = blobs(n=50)
    model = mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, acc = model.evaluate(x, y, batch_size=7, verbose=0)
    probs = model.predict(x, verbose=0)
    expected = -np.log(np.clip(probs[np.arange(len(y)), y], 1e-7, 1)).mean()
    assert loss == pytest.approx(expected, rel=1e-5)
    assert acc == pytest.approx((probs.argmax(1) == y).mean())


def test_accuracy_resolves_from_the_loss_and_label_shapes():
    x, y = blobs()
    model = mlp()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    onehot = np.eye(3, dtype=np.float32)[y]
    model.fit(x, onehot, epochs=1, verbose=0)
    assert type(model.metrics[1]).__name__ == "CategoricalAccuracy"
    binary = Sequential([layers.Dense(1, activation="sigmoid", input_shape=(4,))])
    binary.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    binary.fit(x, (y > 0).astype(np.float32), epochs=1, verbose=0)
    assert type(binary.metrics[1]).__name__ == "BinaryAccuracy"


def test_validation_split_takes_the_last_samples_before_shuffling():
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    y = np.zeros((10, 1), np.float32)
    seen = []

    class Record(layers.Layer):
        def call(self, inputs, training=None):
            if training:
                seen.extend(inputs.numpy().ravel().tolist())
            return inputs

    model = Sequential([Record(input_shape=(1,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, batch_size=4, validation_split=0.2, verbose=0)
    assert sorted(seen) == list(range(8))


def test_training_flag_reaches_dropout_only_in_fit():
    x, y = blobs(n=64)
    model = mlp(dropout=0.5)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    a = model.predict(x, verbose=0)
    b = model.predict(x, verbose=0)
    np.testing.assert_array_equal(a, b)  # inference: dropout is off
    t1 = model(x, training=True).numpy()
    t2 = model(x, training=True).numpy()
    assert not np.allclose(t1, t2)


def test_batchnorm_moving_statistics_update_in_fit_not_in_evaluate():
    x, y = blobs(n=64)
    model = Sequential([layers.Dense(8, input_shape=(4,)), layers.BatchNormalization(), layers.Dense(3)])
    model.compile(optimizer="sgd", loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    bn = model.layers[1]
    before = bn.moving_mean.numpy().copy()
    model.evaluate(x, y, verbose=0)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), before)
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.allclose(bn.moving_mean.numpy(), before)


def test_same_seed_gives_bit_identical_training():
    x, y = blobs()

    def run():
        shenjing.layers.reset_name_counters()
        shenjing.set_random_seed(123)
        model = mlp(dropout=0.3)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        history = model.fit(x, y, epochs=3, batch_size=10, verbose=0)
        return model.get_weights(), history.history["loss"]

    (w1, l1), (w2, l2) = run(), run()
    assert l1 == l2
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))


def test_train_and_test_on_batch_and_predict_on_batch():
    x, y = blobs(n=32)
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, acc = model.train_on_batch(x, y)
    assert np.isfinite(loss) and 0 <= acc <= 1
    logs = model.test_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    assert model.predict_on_batch(x).shape == (32, 3)


def test_sample_weight_and_class_weight_change_the_loss():
    x, y = blobs(n=60)
    model = mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    plain = model.evaluate(x, y, verbose=0)
    weights = np.where(y == 0, 3.0, 1.0).astype(np.float32)
    weighted = model.evaluate(x, y, sample_weight=weights, verbose=0)
    per_sample = -np.log(np.clip(model.predict(x, verbose=0)[np.arange(60), y], 1e-7, 1))
    assert weighted == pytest.approx((per_sample * weights).mean(), rel=1e-5)
    assert weighted != pytest.approx(plain)
    history = model.fit(x, y, class_weight={0: 3.0, 1: 1.0, 2: 1.0}, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    # A class that class_weight does not name weighs 1.0, as in Keras 3.
    model.set_weights(model.get_weights())
    only_zero = model.evaluate(x, y, sample_weight=np.where(y == 0, 3.0, 1.0).astype(np.float32),
                               verbose=0)
    assert np.isfinite(only_zero)
    assert np.isfinite(model.fit(x, y, class_weight={0: 3.0}, epochs=1, verbose=0).history["loss"][0])


def test_regularization_losses_reach_the_training_loss():
    x, y = blobs(n=40)
    shenjing.set_random_seed(1)
    model = Sequential([layers.Dense(3, kernel_regularizer="l2", input_shape=(4,))])
    model.compile(optimizer="sgd", loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    with_penalty = model.evaluate(x, y, verbose=0)
    data_loss = losses.sparse_categorical_crossentropy(y, model.predict(x, verbose=0), from_logits=True).numpy().mean()
    penalty = 0.01 * np.sum(model.layers[0].kernel.numpy() ** 2)
    assert with_penalty == pytest.approx(data_loss + penalty, rel=1e-5)


def test_multi_output_functional_fit_logs_each_output():
    inp = layers.Input((4,))
    h = layers.Dense(8, activation="relu")(inp)
    cls = layers.Dense(3, name="cls")(h)
    reg = layers.Dense(1, name="reg")(h)
    model = shenjing.models.Model(inp, [cls, reg])
    model.compile(optimizer="adam",
                  loss=[losses.SparseCategoricalCrossentropy(from_logits=True), "mse"],
                  loss_weights=[1.0, 0.5], metrics={"cls": ["accuracy"]})
    x, y = blobs(n=40)
    history = model.fit(x, [y, x[:, :1]], epochs=2, verbose=0)
    assert "cls_accuracy" in history.history and "loss" in history.history


def test_bad_calls_raise_clear_errors():
    x, y = blobs(n=20)
    model = mlp()
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(x, y, verbose=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="same number of samples"):
        model.fit(x, y[:10], verbose=0)
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(x, y, validation_split=1.5, verbose=0)
    with pytest.raises(ValueError, match="validation_data"):
        model.fit(x, y, validation_data=(x,), verbose=0)


def test_progress_bar_writes_one_line_per_epoch_when_not_a_terminal():
    x, y = blobs(n=64)
    model = mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stream = io.StringIO()
    model.fit(x, y, epochs=2, batch_size=32, callbacks=[callbacks.ProgbarLogger(stream=stream)], verbose=1)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    bar = lines[1]
    assert bar.startswith("2/2 ━━━━━━━━━━━━━━━━━━━━ ")
    assert "/step - accuracy: " in bar and " - loss: " in bar
    assert bar.index("accuracy") < bar.index("loss")


def test_optimizer_object_and_custom_loss_function():
    x, y = blobs(n=40)
    model = mlp()

    def my_loss(y_true, y_pred):
        return losses.sparse_categorical_crossentropy(y_true, y_pred)

    model.compile(optimizer=optimizers.SGD(learning_rate=0.1, momentum=0.9), loss=my_loss, metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_plain_python_lists_are_one_array_and_lists_of_arrays_are_several_inputs():
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [1.0, 1.0, 2.0], epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict([[1.0, 1.0]], verbose=0).shape == (1, 1)
