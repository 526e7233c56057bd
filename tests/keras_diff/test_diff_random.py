"""keras.random against Keras 3: the same signatures' defaults, dtypes, shapes, moments and
seeding contracts (the draws themselves differ: each framework has its own generator)."""

import inspect

import numpy as np
import pytest

import shenjing.keras as sk

NAMES = ["normal", "uniform", "truncated_normal", "randint", "shuffle", "dropout", "categorical",
         "gamma", "beta", "binomial"]


@pytest.mark.parametrize("name", NAMES)
def test_signatures_match(keras_module, name):
    theirs = inspect.signature(getattr(keras_module.random, name))
    ours = inspect.signature(getattr(sk.random, name))
    assert [(p.name, p.default) for p in ours.parameters.values()] == \
           [(p.name, p.default) for p in theirs.parameters.values()]


def draws(k):
    gen = k.random.SeedGenerator(5)
    out = {
        "normal": k.random.normal((400, 50), mean=1.0, stddev=2.0, seed=1),
        "uniform": k.random.uniform((400, 50), minval=-1.0, maxval=2.0, seed=1),
        "truncated_normal": k.random.truncated_normal((400, 50), stddev=2.0, seed=1),
        "randint": k.random.randint((400, 50), 0, 4, seed=1),
        "gamma": k.random.gamma((400, 50), alpha=3.0, seed=1),
        "beta": k.random.beta((400, 50), alpha=2.0, beta=5.0, seed=1),
        "binomial": k.random.binomial((400, 50), counts=8, probabilities=0.25, seed=1),
        "categorical": k.random.categorical(np.log(np.array([[0.5, 0.3, 0.2]] * 2)), 5000, seed=1),
        "dropout": k.random.dropout(np.ones((400, 50), "float32"), 0.3, seed=1),
        "gen1": k.random.normal((3,), seed=gen),
        "gen2": k.random.normal((3,), seed=gen),
        "int1": k.random.normal((3,), seed=9),
        "int2": k.random.normal((3,), seed=9),
    }
    return {key: np.asarray(value) for key, value in out.items()}, np.asarray(gen.state.numpy()), gen.get_config()


def test_dtypes_shapes_moments_and_seeding_match_keras(keras_module):
    theirs, their_state, their_config = draws(keras_module)
    ours, our_state, our_config = draws(sk)
    for key in theirs:
        assert ours[key].dtype == theirs[key].dtype and ours[key].shape == theirs[key].shape, key
    for key in ("normal", "uniform", "truncated_normal", "randint", "gamma", "beta", "binomial", "dropout"):
        a, b = ours[key].astype(np.float64), theirs[key].astype(np.float64)
        assert abs(a.mean() - b.mean()) < 0.05 * max(1.0, abs(b.mean())), key
        assert abs(a.std() - b.std()) < 0.05 * max(1.0, b.std()), key
    support = {"uniform": (-1.0, 2.0), "truncated_normal": (-4.0, 4.0), "randint": (0, 3),
               "beta": (0.0, 1.0), "binomial": (0, 8), "dropout": (0.0, 1 / 0.7 + 1e-6)}
    for key, (low, high) in support.items():
        for source in (ours, theirs):
            assert low <= source[key].min() and source[key].max() <= high, key
    np.testing.assert_allclose(np.bincount(ours["categorical"].ravel(), minlength=3) / 10000,
                               np.bincount(theirs["categorical"].ravel(), minlength=3) / 10000, atol=0.03)
    for source in (ours, theirs):
        assert not np.array_equal(source["gen1"], source["gen2"])
        np.testing.assert_array_equal(source["int1"], source["int2"])
    np.testing.assert_array_equal(our_state, their_state)
    assert our_state.dtype == their_state.dtype
    assert our_config == {"seed": 5, "name": our_config["name"]} and set(their_config) == set(our_config)
