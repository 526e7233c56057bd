"""keras.random (Keras's seeding: int seed = same values, SeedGenerator = a new draw per call,
None = the global generator) and tf.random (TensorFlow's: op seeds give sequences that
set_seed repeats; stateless_* are pure functions of their seed): shapes, dtypes, moments,
ranges and errors."""

import io
import zipfile

import numpy as np
import pytest

import shenjing as tf
import shenjing.keras as keras
from shenjing import saving


def arr(t):
    return np.asarray(t.numpy())


def test_keras_int_seed_repeats_and_seed_generator_advances_reproducibly():
    a = arr(keras.random.normal((3, 4), seed=11))
    np.testing.assert_array_equal(a, arr(keras.random.normal((3, 4), seed=11)))
    assert not np.array_equal(a, arr(keras.random.normal((3, 4), seed=12)))
    gen = keras.random.SeedGenerator(42)
    first, second = arr(keras.random.uniform((5,), seed=gen)), arr(keras.random.uniform((5,), seed=gen))
    assert not np.array_equal(first, second)
    assert arr(gen.state).tolist() == [42, 2] and gen.state.dtype == np.uint32
    assert not gen.state.trainable
    again = keras.random.SeedGenerator(42)
    np.testing.assert_array_equal(arr(keras.random.uniform((5,), seed=again)), first)
    np.testing.assert_array_equal(arr(keras.random.uniform((5,), seed=again)), second)


def test_keras_none_seed_follows_set_random_seed():
    keras.utils.set_random_seed(3)
    a = arr(keras.random.normal((4,)))
    b = arr(keras.random.normal((4,)))
    assert not np.array_equal(a, b)
    keras.utils.set_random_seed(3)
    np.testing.assert_array_equal(arr(keras.random.normal((4,))), a)


def test_seed_generator_config_and_errors():
    gen = keras.random.SeedGenerator(seed=9, name="sg")
    assert gen.get_config() == {"seed": 9, "name": "sg"}
    clone = keras.random.SeedGenerator.from_config(gen.get_config())
    np.testing.assert_array_equal(arr(clone.next()), [9, 0])
    assert saving.deserialize_keras_object(saving.serialize_keras_object(gen)).get_config() == gen.get_config()
    assert saving.serialize_keras_object(gen)["module"] == "keras.random"
    with pytest.raises(ValueError, match="must be an integer"):
        keras.random.SeedGenerator(seed=1.5)
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        keras.random.SeedGenerator(seed=1, bogus=2)
    with pytest.raises(ValueError, match="either an integer or an instance of `SeedGenerator`"):
        keras.random.normal((2,), seed="x")
    assert 1 <= int(arr(keras.random.SeedGenerator().next())[0]) <= 10 ** 9


def test_keras_distributions_shapes_dtypes_and_moments():
    n = (200, 100)
    x = arr(keras.random.normal(n, mean=2.0, stddev=3.0, seed=1))
    assert x.dtype == np.float32 and x.shape == n
    assert abs(x.mean() - 2.0) < 0.1 and abs(x.std() - 3.0) < 0.1
    u = arr(keras.random.uniform(n, minval=-1.0, maxval=3.0, dtype="float64", seed=1))
    assert u.dtype == np.float64 and u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    t = arr(keras.random.truncated_normal(n, mean=1.0, stddev=0.5, seed=1))
    assert np.abs(t - 1.0).max() <= 1.0 + 1e-6 and abs(t.std() - 0.5 * 0.8796) < 0.02
    r = arr(keras.random.randint(n, 2, 7, seed=1))
    assert r.dtype == np.int32 and set(np.unique(r)) == {2, 3, 4, 5, 6}
    g = arr(keras.random.gamma(n, alpha=2.0, seed=1))
    assert abs(g.mean() - 2.0) < 0.05 and abs(g.var() - 2.0) < 0.15
    b = arr(keras.random.beta(n, alpha=2.0, beta=3.0, seed=1))
    assert abs(b.mean() - 0.4) < 0.01 and b.min() >= 0 and b.max() <= 1
    k = arr(keras.random.binomial(n, counts=10, probabilities=0.3, seed=1))
    assert k.dtype == np.float32 and abs(k.mean() - 3.0) < 0.05
    with pytest.raises(ValueError, match="requires a floating point `dtype`"):
        keras.random.normal((2,), dtype="int32")
    with pytest.raises(ValueError, match="requires an integer `dtype`"):
        keras.random.randint((2,), 0, 3, dtype="float32")


def test_keras_categorical_shuffle_dropout():
    logits = np.log(np.array([[0.7, 0.2, 0.1], [0.0001, 0.0001, 0.9998]]))
    c = arr(keras.random.categorical(logits, 4000, seed=2))
    assert c.shape == (2, 4000) and c.dtype == np.int32
    np.testing.assert_allclose(np.bincount(c[0], minlength=3) / 4000, [0.7, 0.2, 0.1], atol=0.03)
    assert (c[1] == 2).mean() > 0.99
    with pytest.raises(ValueError, match="2-D"):
        keras.random.categorical(np.zeros(3), 2)
    x = np.arange(24).reshape(6, 4)
    s = arr(keras.random.shuffle(x, seed=5))
    assert sorted(map(tuple, s)) == sorted(map(tuple, x)) and not np.array_equal(s, x)
    s1 = arr(keras.random.shuffle(x, axis=1, seed=5))
    assert sorted(s1[0]) == [0, 1, 2, 3] and all(np.array_equal(s1[i] - s1[0], x[i] - x[0]) for i in range(6))
    ones = tf.Tensor(np.ones((100, 50), "float32"), requires_grad=True)
    with tf.GradientTape() as tape:
        tape.watch(ones)
        out = keras.random.dropout(ones, 0.4, seed=1)
        total = tf.ops.sum(out)
    values = arr(out)
    np.testing.assert_allclose(np.unique(values), [0.0, 1 / 0.6], rtol=1e-6)
    assert abs((values == 0).mean() - 0.4) < 0.02
    np.testing.assert_array_equal(arr(tape.gradient(total, ones)), values)
    np.testing.assert_array_equal(values, arr(keras.random.dropout(ones, 0.4, seed=1)))


def test_tf_random_op_seeds_give_sequences_repeated_by_set_seed():
    tf.random.set_seed(1234)
    a, b = arr(tf.random.normal([3], seed=1)), arr(tf.random.normal([3], seed=1))
    c = arr(tf.random.uniform([2, 2]))
    assert not np.array_equal(a, b)
    tf.random.set_seed(1234)
    np.testing.assert_array_equal(arr(tf.random.normal([3], seed=1)), a)
    np.testing.assert_array_equal(arr(tf.random.normal([3], seed=1)), b)
    np.testing.assert_array_equal(arr(tf.random.uniform([2, 2])), c)
    s = [1, 2]
    np.testing.assert_array_equal(arr(tf.random.stateless_normal([4], seed=s)), arr(tf.random.stateless_normal([4], s)))
    assert arr(tf.random.stateless_uniform([3], seed=s, minval=5, maxval=9, dtype="int32")).dtype == np.int32
    with pytest.raises(ValueError, match="shape \\[2\\]"):
        tf.random.stateless_normal([2], seed=3)


def test_tf_random_defaults():
    u = arr(tf.random.uniform([1000]))
    assert u.dtype == np.float32 and 0 <= u.min() and u.max() < 1
    i = arr(tf.random.uniform([1000], minval=-2, maxval=3, dtype="int32"))
    assert i.dtype == np.int32 and set(np.unique(i)) == {-2, -1, 0, 1, 2}
    with pytest.raises(ValueError, match="Must specify maxval for integer dtype int32"):
        tf.random.uniform([2], dtype="int32")
    t = arr(tf.random.truncated_normal((500,), stddev=2.0, seed=4))
    assert np.abs(t).max() <= 4.0
    c = arr(tf.random.categorical(np.zeros((2, 5)), 7))
    assert c.shape == (2, 7) and c.dtype == np.int64 and c.max() < 5
    v = np.arange(10)
    assert sorted(arr(tf.random.shuffle(v, seed=3)).tolist()) == v.tolist()
    assert tuple(tf.random.normal(tf.Tensor(np.array([2, 3]))).shape) == (2, 3)
    with pytest.raises(ValueError, match="tuple of ints"):
        tf.random.normal("abc")
    n = arr(keras.backend.random_normal((4, 4), seed=1))
    np.testing.assert_array_equal(n, arr(keras.random.normal((4, 4), seed=1)))
    assert arr(keras.backend.random_uniform((3,), 1.0, 2.0)).min() >= 1.0


def test_layer_with_seed_generator_saves_no_state_as_in_keras(tmp_path):
    @saving.register_keras_serializable(package="test_random_api")
    class Noisy(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(7)

        def call(self, x, training=False):
            if training:
                return x + keras.random.normal(tuple(x.shape), seed=self.seed_generator)
            return x

    model = keras.Sequential([keras.Input((3,)), Noisy(), keras.layers.Dense(2)])
    x = np.ones((2, 3), "float32")
    assert not np.array_equal(arr(model(x, training=True)), arr(model(x, training=True)))
    path = tmp_path / "noisy.keras"
    model.save(path)
    import h5py

    with zipfile.ZipFile(path) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
        assert len(f["layers/noisy/vars"]) == 0
    loaded = saving.load_model(path)
    np.testing.assert_allclose(arr(loaded(x)), arr(model(x)))
