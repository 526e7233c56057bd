"""``keras.utils.set_random_seed`` seeds Python's ``random`` too (Keras 3.15,
``rng_utils.set_random_seed``): the default seeds that layers and ``SeedGenerator(None)``
draw from it repeat after it, and equal Keras's."""

import random

import numpy as np
import pytest

import shenjing as sj

keras = pytest.importorskip("keras")


def _first_draws(api):
    api.utils.set_random_seed(7)
    crop = api.layers.RandomCrop(4, 4).get_config()["seed"]  # Keras's make_default_seed
    api.utils.set_random_seed(8)
    return crop, random.random()


def test_set_random_seed_seeds_python_random_as_keras():
    ours = _first_draws(sj.keras)
    assert ours == _first_draws(sj.keras) == _first_draws(keras)


@pytest.mark.parametrize("set_seed", [sj.set_random_seed, sj.utils.set_random_seed,
                                      sj.keras.utils.set_random_seed])
def test_every_set_random_seed_repeats_default_layer_seeds(set_seed):
    x = np.random.default_rng(0).random((2, 8, 8, 3)).astype("float32")
    runs = []
    for _ in range(2):
        set_seed(11)
        generator_state = sj.random.SeedGenerator().state.numpy().tolist()
        runs.append((sj.layers.RandomCrop(4, 5)(x, training=True).numpy(), generator_state))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    assert runs[0][1] == runs[1][1]


def test_set_random_seed_refuses_non_integers():
    with pytest.raises(ValueError, match="Expected `seed` argument to be an integer"):
        sj.keras.utils.set_random_seed(1.5)
    with pytest.raises(ValueError, match="Expected `seed` argument to be an integer"):
        keras.utils.set_random_seed(1.5)
