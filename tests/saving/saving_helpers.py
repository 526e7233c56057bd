"""Small models and data shared by the saving tests."""

from pathlib import Path

import numpy as np

from shenjing import layers, models, saving

FIXTURES = Path(__file__).parent / "fixtures"


def mlp(compile=True):
    model = models.Sequential([layers.Input((8,)), layers.Dense(16, activation="relu"),
                               layers.Dropout(0.2), layers.Dense(4, activation="softmax")])
    if compile:
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def mlp_data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 8)).astype("float32"), rng.integers(0, 4, n)


def two_heads():
    """Two inputs, two outputs, Embedding and BatchNormalization."""
    ids = layers.Input((5,), dtype="int32", name="ids")
    num = layers.Input((6,), name="num")
    e = layers.Flatten()(layers.Embedding(20, 4)(ids))
    h = layers.Activation("relu")(layers.BatchNormalization()(layers.Dense(8)(num)))
    cls = layers.Dense(3, activation="softmax", name="cls")(e)
    reg = layers.Dense(1, name="reg")(h)
    return models.Model([ids, num], [cls, reg], name="two_heads")


def two_heads_data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = [rng.integers(0, 20, (n, 5)).astype("int32"), (rng.random((n, 6)) * 3 + 1).astype("float32")]
    y = [rng.integers(0, 3, n), rng.random((n, 1)).astype("float32")]
    return x, y


@saving.register_keras_serializable(package="SavingTests")
class Net(models.Model):
    """A subclassed model: a layer, a list of layers, and another layer."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(8, activation="relu")
        self.blocks = [layers.Dense(8), layers.BatchNormalization()]
        self.out = layers.Dense(units)

    def call(self, x, training=None):
        x = self.hidden(x)
        for block in self.blocks:
            x = block(x, training=training)
        return self.out(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def nested_shared_merged():
    """A functional model inside a functional model, called twice (shared), merged by Add and
    Concatenate, with dict inputs: the node indices of the config are exercised."""
    i = layers.Input((4,))
    inner = models.Model(i, layers.Dense(3)(i), name="inner")
    a, b = layers.Input((4,), name="a"), layers.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    added = layers.Add()([inner(a), inner(b)])
    joined = layers.Concatenate()([added, shared(a), shared(b)])
    return models.Model({"a": a, "b": b}, layers.Dense(2, name="head")(joined), name="merged")


def nested_shared_merged_data(n=5, seed=0):
    rng = np.random.default_rng(seed)
    return {"a": rng.random((n, 4)).astype("float32"), "b": rng.random((n, 4)).astype("float32")}
