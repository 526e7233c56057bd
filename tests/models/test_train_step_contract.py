"""Keras 3's training contract: train_step(data), compute_loss, metrics, add_loss, add_metric."""

import numpy as np
import pytest

import shenjing
import shenjing.keras as keras
from shenjing.autograd import Tensor
from shenjing.keras import layers
from model_data import blobs


def _mlp(model_cls=keras.Model, classes=3):
    inputs = keras.Input((4,))
    h = layers.Dense(16, activation="relu")(inputs)
    return model_cls(inputs, layers.Dense(classes)(h))


class CustomModel(keras.Model):
    """The Keras guide "Customizing what happens in fit()": compute_loss and self.metrics."""

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        loss.backward()
        weights = self.trainable_weights
        self.optimizer.apply([w.grad for w in weights], weights)
        for w in weights:
            w.grad = None
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}


def test_custom_train_step_with_compute_loss_matches_the_default_step():
    x, y = blobs()
    histories = []
    for cls in (keras.Model, CustomModel):
        shenjing.set_random_seed(0)
        model = _mlp(cls)
        model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        histories.append(model.fit(x, y, epochs=5, batch_size=20, verbose=0).history)
    assert set(histories[1]) == {"loss", "accuracy"}
    assert histories[1]["loss"][-1] < histories[1]["loss"][0]
    for key in ("loss", "accuracy"):
        np.testing.assert_allclose(histories[1][key], histories[0][key], rtol=1e-5)


class OwnTrackers(keras.Model):
    """Own trackers listed in a `metrics` property, a compute_loss of its own, a custom test_step."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(1)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    def call(self, x):
        return self.dense(x)

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=True)
        loss = keras.losses.mean_squared_error(y, y_pred)
        if sample_weight is not None:
            loss = loss * sample_weight
        loss = loss.mean()
        loss.backward()
        self.optimizer.apply_gradients([(w.grad, w) for w in self.trainable_weights])
        for w in self.trainable_weights:
            w.grad = None
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.mae_metric.update_state(y, y_pred)
        return {"mae": self.mae_metric.result()}


def test_own_trackers_in_metrics_property_are_reset_each_epoch_and_logged():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    model = OwnTrackers()
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] * 0.5
    assert model.loss_tracker.count == 4  # reset at each epoch's start: the last epoch's 4 batches
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0, validation_data=(x, y))
    assert set(history.history) == {"loss", "mae", "val_mae"}
    assert model.metrics_names == ["loss", "mae"]
    assert model.evaluate(x, y, verbose=0) == pytest.approx(history.history["val_mae"][-1], rel=0.2)


def test_custom_step_with_sample_weights_reaches_the_loss():
    seen = []

    class Weighted(keras.Model):
        def train_step(self, data):
            x, y, sw = keras.utils.unpack_x_y_sample_weight(data)
            seen.append(sw)
            return super().train_step(data)

    x, y = blobs(n=32)
    model = _mlp(Weighted)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, y, sample_weight=np.ones(32), batch_size=8, epochs=1, verbose=0, shuffle=False)
    assert len(seen) == 4 and all(sw.shape == (8,) for sw in seen)


def test_default_steps_return_logs_and_on_batch_go_through_them():
    calls = []

    class Counting(keras.Model):
        def train_step(self, data):
            calls.append("train")
            return super().train_step(data)

        def test_step(self, data):
            calls.append("test")
            return super().test_step(data)

        def predict_step(self, data):
            calls.append("predict")
            return super().predict_step(data)

    x, y = blobs(n=16)
    model = _mlp(Counting)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    logs = model.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "accuracy"} and isinstance(logs["loss"], float)
    loss, acc = model.test_on_batch(x, y)
    assert model.predict_on_batch(x).shape == (16, 3)
    assert calls == ["train", "test", "predict"]
    logs = model.train_step((x, y))
    assert set(logs) == {"loss", "accuracy"}


def test_compiled_loss_and_compiled_metrics_objects():
    x, y = blobs(n=16)
    model = _mlp()
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    y_pred = model(x)
    loss = model.compiled_loss(y, y_pred, regularization_losses=[Tensor(np.float32(1.0))])
    plain = model.compiled_loss(y, y_pred)
    assert float(loss.data) == pytest.approx(float(plain.data) + 1.0)
    model.compiled_metrics.update_state(y, y_pred)
    result = model.compiled_metrics.result()
    assert set(result) == {"accuracy"} and 0.0 <= result["accuracy"] <= 1.0
    model.compiled_metrics.reset_state()
    assert model.compiled_metrics.result()["accuracy"] == 0.0
    assert model.loss.name == "sparse_categorical_crossentropy"


class VAELike(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encode = layers.Dense(2)
        self.decode = layers.Dense(4)

    def call(self, x):
        z = self.encode(x)
        out = self.decode(z)
        self.add_loss(keras.ops.mean(keras.ops.square(out - x)))
        self.add_loss(1e-3 * keras.ops.mean(keras.ops.square(z)))
        self.add_metric(keras.ops.mean(keras.ops.abs(z)), name="z_mean_abs")
        return out


def test_compile_without_loss_uses_add_loss_and_add_metric_is_logged():
    x, _ = blobs(n=64)
    model = VAELike()
    model.compile(optimizer="adam")
    history = model.fit(x, epochs=4, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "z_mean_abs"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert "z_mean_abs" in model.metrics_names
    assert set(model.evaluate(x, verbose=0, return_dict=True)) == {"loss", "z_mean_abs"}


def test_no_loss_at_all_is_a_clear_error():
    x, y = blobs(n=8)
    model = _mlp()
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="No loss to compute"):
        model.fit(x, y, verbose=0)


def test_compiled_loss_without_targets_is_a_clear_error():
    x, _ = blobs(n=8)
    model = _mlp()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="y is None"):
        model.fit(x, verbose=0)


def test_metric_reset_states_alias():
    m = keras.metrics.Mean()
    m.update_state([1.0, 3.0])
    m.reset_states()
    assert m.result() == 0.0


def test_pack_unpack_round_trip():
    utils = keras.utils
    x, y, sw = np.zeros(2), np.ones(2), np.ones(2)
    assert utils.unpack_x_y_sample_weight(x)[0] is x
    assert utils.unpack_x_y_sample_weight((x, y))[1] is y
    assert utils.unpack_x_y_sample_weight([x, y, sw])[2] is sw
    assert utils.unpack_x_y_sample_weight(utils.pack_x_y_sample_weight((x, y)))[0] == (x, y)
    with pytest.raises(ValueError, match="found a tuple of length 4"):
        utils.unpack_x_y_sample_weight((x, y, sw, sw))


def test_use_ema_finalize_is_called_at_the_end_of_fit():
    calls = []

    class Recording(keras.optimizers.SGD):
        def finalize_variable_values(self, variables):
            calls.append(len(variables))

    x, y = blobs(n=16)
    model = _mlp()
    model.compile(optimizer=Recording(0.01), loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, verbose=0)
    assert calls == [len(model.trainable_weights)]


class ActivityMean(layers.Layer):
    def call(self, x):
        self.add_metric(keras.ops.mean(x), name="activity_mean")
        return x


def test_add_metric_in_a_functional_model_is_not_fed_by_shape_inference():
    inputs = keras.Input((4,))
    probe = ActivityMean()
    outputs = layers.Dense(3)(probe(inputs))
    model = keras.Model(inputs, outputs)
    metric = probe._added_metrics["activity_mean"]
    assert metric.count == 0  # building the graph ran call() on zeros: not measured
    x, y = blobs(n=32)
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=False)
    assert history.history["activity_mean"][0] == pytest.approx(float(x.mean()), rel=1e-5)
    with pytest.raises(ValueError, match="aggregation"):
        probe.add_metric(1.0, name="m", aggregation="sum")


class Distiller(keras.Model):
    """The Keras knowledge-distillation example's shape: compute_loss overridden without `training`."""

    def __init__(self, student, teacher):
        super().__init__()
        self.student, self.teacher = student, teacher
        self.calls = 0

    def call(self, x):
        return self.student(x)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
        self.calls += 1
        teacher_pred = self.teacher(x, training=False)
        student_loss = keras.losses.sparse_categorical_crossentropy(y, y_pred, from_logits=True).mean()
        soft = keras.ops.softmax(teacher_pred.detach() / 2.0)
        distill = keras.losses.kl_divergence(soft, keras.ops.softmax(y_pred / 2.0)).mean()
        return 0.5 * student_loss + 0.5 * distill


def test_distiller_with_compute_loss_without_training_argument():
    x, y = blobs(n=64)
    teacher = _mlp()
    teacher.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    teacher.fit(x, y, epochs=5, verbose=0)
    distiller = Distiller(_mlp(), teacher)
    distiller.compile(optimizer="adam", metrics=["accuracy"])
    history = distiller.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert distiller.calls == 20
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert set(distiller.evaluate(x, y, verbose=0, return_dict=True)) == {"loss", "accuracy"}
    assert all(w is not teacher.trainable_weights[0] for w in distiller.student.trainable_weights)


class TinyGAN(keras.Model):
    """A GAN's shape: compile() with two optimizers, train_step(data) stepping each, own trackers."""

    def __init__(self, latent_dim=2):
        super().__init__()
        self.latent_dim = latent_dim
        self.generator = keras.Sequential([keras.Input((latent_dim,)), layers.Dense(4)])
        self.discriminator = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    @staticmethod
    def _step(optimizer, loss, weights):
        loss.backward()
        optimizer.apply_gradients(zip([w.grad for w in weights], weights))
        for w in weights:
            w.grad = None

    def train_step(self, real):
        n = real.shape[0]
        noise = np.random.default_rng(n).normal(size=(n, self.latent_dim)).astype("float32")
        fake = self.generator(noise).detach()
        images = keras.ops.concatenate([fake, Tensor(real)], axis=0)
        labels = np.concatenate([np.ones((n, 1)), np.zeros((n, 1))]).astype("float32")
        d_loss = self.loss_fn(labels, self.discriminator(images))
        self._step(self.d_optimizer, d_loss, self.discriminator.trainable_weights)
        for w in self.generator.trainable_weights:
            w.grad = None
        g_loss = self.loss_fn(np.zeros((n, 1), "float32"), self.discriminator(self.generator(noise)))
        self._step(self.g_optimizer, g_loss, self.generator.trainable_weights)
        for w in self.discriminator.trainable_weights:
            w.grad = None
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def test_gan_shaped_train_step_with_two_optimizers():
    real = np.random.default_rng(0).normal(3.0, 0.1, size=(64, 4)).astype("float32")
    gan = TinyGAN()
    gan.compile(keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2),
                keras.losses.BinaryCrossentropy(from_logits=True))
    g_before = gan.generator.get_weights()[0].copy()
    d_before = gan.discriminator.get_weights()[0].copy()
    history = gan.fit(real, epochs=2, batch_size=16, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(history.history["d_loss"]))
    assert not np.allclose(gan.generator.get_weights()[0], g_before)
    assert not np.allclose(gan.discriminator.get_weights()[0], d_before)
    assert gan.d_optimizer.iterations == 8 and gan.g_optimizer.iterations == 8
