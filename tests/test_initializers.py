"""Initializers: shapes, dtypes, statistics, seeds, fans and config round trips."""

import math

import numpy as np
import pytest

import shenjing
from shenjing import backend, initializers

RANDOM = [
    initializers.RandomNormal, initializers.RandomUniform, initializers.TruncatedNormal,
    initializers.GlorotUniform, initializers.GlorotNormal, initializers.HeUniform,
    initializers.HeNormal, initializers.LecunUniform, initializers.LecunNormal,
    initializers.VarianceScaling, initializers.Orthogonal,
]
ALL = RANDOM + [initializers.Zeros, initializers.Ones, initializers.Constant]


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4, 5)])
def test_shape_and_default_dtype(cls, shape):
    values = cls()(shape)
    assert isinstance(values, np.ndarray)
    assert values.shape == shape
    assert values.dtype == np.dtype(backend.floatx())


@pytest.mark.parametrize("cls", ALL)
def test_explicit_dtype(cls):
    assert cls()((4, 4), dtype="float64").dtype == np.float64


def test_floatx_is_followed():
    backend.set_floatx("float64")
    try:
        assert initializers.GlorotUniform()((2, 2)).dtype == np.float64
    finally:
        backend.set_floatx("float32")


def test_constants():
    assert np.all(initializers.Zeros()((2, 3)) == 0)
    assert np.all(initializers.Ones()((2, 3)) == 1)
    assert np.all(initializers.Constant(2.5)((2, 3)) == 2.5)
    assert initializers.Zeros()((3,), dtype="int32").dtype == np.int32
    np.testing.assert_array_equal(initializers.Identity(gain=2.0)((2, 3)), 2 * np.eye(2, 3))


@pytest.mark.parametrize(
    "shape, fans",
    [((), (1, 1)), ((7,), (7, 7)), ((3, 5), (3, 5)), ((3, 3, 16, 32), (3 * 3 * 16, 3 * 3 * 32)),
     ((5, 4, 8), (5 * 4, 5 * 8))],
)
def test_compute_fans_as_keras(shape, fans):
    assert initializers.compute_fans(shape) == fans


def test_glorot_uniform_bounds_and_variance():
    fan_in, fan_out = 400, 600
    values = initializers.GlorotUniform(seed=0)((fan_in, fan_out)).astype(np.float64)
    limit = math.sqrt(6 / (fan_in + fan_out))
    assert values.min() >= -limit and values.max() <= limit
    assert values.max() > 0.99 * limit
    np.testing.assert_allclose(values.var(), 2 / (fan_in + fan_out), rtol=0.02)
    assert abs(values.mean()) < 0.002


def test_he_uniform_on_conv_kernel_uses_receptive_field():
    shape = (3, 3, 64, 32)
    values = initializers.HeUniform(seed=1)(shape).astype(np.float64)
    limit = math.sqrt(6 / (3 * 3 * 64))
    assert values.min() >= -limit and values.max() <= limit
    assert values.max() > 0.99 * limit


@pytest.mark.parametrize(
    "cls, variance",
    [(initializers.GlorotNormal, 2 / (300 + 500)), (initializers.HeNormal, 2 / 300),
     (initializers.LecunNormal, 1 / 300), (initializers.LecunUniform, 1 / 300)],
)
def test_variance_of_scaled_initializers(cls, variance):
    values = cls(seed=2)((300, 500)).astype(np.float64)
    np.testing.assert_allclose(values.var(), variance, rtol=0.03)


def test_truncated_normals_stay_within_two_stddev():
    values = initializers.TruncatedNormal(mean=1.0, stddev=0.5, seed=3)((200, 200))
    assert values.min() >= 0.0 and values.max() <= 2.0
    # HeNormal: stddev before truncation sqrt(2 / fan_in) / 0.8796...
    he = initializers.HeNormal(seed=3)((100, 100))
    assert np.abs(he).max() <= 2 * math.sqrt(2 / 100) / 0.87962566103423978 + 1e-6


def test_random_normal_and_uniform_statistics():
    normal = initializers.RandomNormal(mean=2.0, stddev=3.0, seed=4)((400, 400)).astype(np.float64)
    assert abs(normal.mean() - 2.0) < 0.05 and abs(normal.std() - 3.0) < 0.05
    uniform = initializers.RandomUniform(minval=1.0, maxval=3.0, seed=4)((400, 400))
    assert uniform.min() >= 1.0 and uniform.max() <= 3.0
    assert abs(uniform.mean() - 2.0) < 0.01


def test_variance_scaling_modes_and_distributions():
    vs = initializers.VarianceScaling(scale=3.0, mode="fan_out", distribution="untruncated_normal",
                                      seed=5)
    values = vs((200, 800)).astype(np.float64)
    np.testing.assert_allclose(values.var(), 3.0 / 800, rtol=0.03)
    vs = initializers.VarianceScaling(scale=1.0, mode="fan_avg", distribution="uniform", seed=5)
    assert np.abs(vs((100, 300))).max() <= math.sqrt(3 / 200)
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan_sideways")
    with pytest.raises(ValueError, match="scale"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="distribution"):
        initializers.VarianceScaling(distribution="cauchy")


@pytest.mark.parametrize("shape", [(64, 64), (32, 96), (96, 32)])
def test_orthogonal(shape):
    w = initializers.Orthogonal(gain=1.0, seed=6)(shape, dtype="float64")
    rows, cols = shape
    if rows >= cols:
        np.testing.assert_allclose(w.T @ w, np.eye(cols), atol=1e-10)
    else:
        np.testing.assert_allclose(w @ w.T, np.eye(rows), atol=1e-10)


def test_orthogonal_gain_conv_shape_and_rank_error():
    w = initializers.Orthogonal(gain=2.0, seed=7)((3, 3, 4, 8), dtype="float64")
    flat = w.reshape(-1, 8)
    np.testing.assert_allclose(flat.T @ flat, 4 * np.eye(8), atol=1e-10)
    with pytest.raises(ValueError, match="rank"):
        initializers.Orthogonal()((5,))


@pytest.mark.parametrize("cls", RANDOM)
def test_seed_is_reproducible(cls):
    a = cls(seed=42)((6, 5))
    b = cls(seed=42)((6, 5))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, cls(seed=42)((6, 5)))
    assert not np.array_equal(a, cls(seed=43)((6, 5)))


def test_unseeded_follows_global_seed():
    init = initializers.GlorotUniform()
    shenjing.set_random_seed(123)
    a = init((4, 4))
    b = init((4, 4))
    assert not np.array_equal(a, b)  # the global generator moves on
    shenjing.set_random_seed(123)
    np.testing.assert_array_equal(init((4, 4)), a)


def test_random_rejects_integer_dtype():
    with pytest.raises(ValueError, match="floating"):
        initializers.RandomNormal()((2, 2), dtype="int32")


def test_aliases_are_the_classes():
    assert initializers.glorot_uniform is initializers.GlorotUniform
    assert initializers.he_normal is initializers.HeNormal
    assert initializers.zeros is initializers.Zeros
    assert initializers.orthogonal is initializers.Orthogonal
    assert initializers.truncated_normal is initializers.TruncatedNormal
    assert initializers.IdentityInitializer is initializers.Identity
    assert isinstance(initializers.get("IdentityInitializer"), initializers.Identity)


@pytest.mark.parametrize(
    "name, cls",
    [("glorot_uniform", initializers.GlorotUniform), ("GlorotUniform", initializers.GlorotUniform),
     ("he_normal", initializers.HeNormal), ("zeros", initializers.Zeros),
     ("ones", initializers.Ones), ("orthogonal", initializers.Orthogonal),
     ("random_normal", initializers.RandomNormal), ("lecun_uniform", initializers.LecunUniform),
     ("variance_scaling", initializers.VarianceScaling), ("uniform", initializers.RandomUniform)],
)
def test_get_by_name(name, cls):
    assert type(initializers.get(name)) is cls


def test_get_other_identifiers():
    assert initializers.get(None) is None
    inst = initializers.HeUniform(seed=1)
    assert initializers.get(inst) is inst
    assert isinstance(initializers.get(initializers.Ones), initializers.Ones)

    def fn(shape, dtype=None):
        return np.zeros(shape)

    assert initializers.get(fn) is fn
    config = initializers.serialize(fn)
    assert config["class_name"] == "function" and config["config"] == "fn"
    with pytest.raises(ValueError, match="custom_objects"):
        initializers.deserialize(config)
    assert initializers.deserialize(config, custom_objects={"fn": fn}) is fn
    got = initializers.get({"class_name": "RandomNormal", "config": {"stddev": 2.0, "seed": 3}})
    assert got.stddev == 2.0 and got.seed == 3
    keras_dict = {"module": "keras.initializers", "class_name": "Constant",
                  "config": {"value": 0.5}, "registered_name": None}
    assert initializers.get(keras_dict).value == 0.5
    with pytest.raises(ValueError, match="glorot_uniform"):
        initializers.get("glorot_unifrom")


def test_serialize_format():
    assert initializers.serialize(initializers.GlorotUniform()) == {
        "module": "keras.initializers", "class_name": "GlorotUniform",
        "config": {"seed": None, "input_axes": None, "output_axes": None}, "registered_name": None,
    }


@pytest.mark.parametrize(
    "init",
    [initializers.Zeros(), initializers.Ones(), initializers.Constant(3.0),
     initializers.Identity(gain=0.5), initializers.RandomNormal(1.0, 2.0, seed=1),
     initializers.RandomUniform(-1.0, 2.0, seed=2), initializers.TruncatedNormal(0.0, 0.3, seed=3),
     initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=4),
     initializers.GlorotUniform(seed=5), initializers.GlorotNormal(seed=6),
     initializers.HeUniform(seed=7), initializers.HeNormal(seed=8),
     initializers.LecunUniform(seed=9), initializers.LecunNormal(seed=10),
     initializers.Orthogonal(gain=1.5, seed=11)],
)
def test_config_round_trip(init):
    config = initializers.serialize(init)
    clone = initializers.deserialize(config)
    assert type(clone) is type(init)
    assert clone.get_config() == init.get_config()
    assert type(init).from_config(init.get_config()).get_config() == init.get_config()
    shape = (4, 4)
    np.testing.assert_array_equal(clone(shape), init(shape))


def test_variable_takes_an_initializer():
    shenjing.set_random_seed(0)
    w = shenjing.Variable(initializers.get("he_uniform"), shape=(3, 3, 2, 4), dtype="float32",
                          name="kernel")
    assert w.shape == (3, 3, 2, 4) and w.dtype == np.float32
    assert np.abs(w.numpy()).max() <= math.sqrt(6 / (3 * 3 * 2))
