"""``tf.random`` and ``keras.random`` (floor 3).

``shenjing.random`` is TensorFlow's namespace (``import shenjing as tf``: ``tf.random.normal``,
``tf.random.set_seed``), with TensorFlow's seeding; ``shenjing.keras.random`` is Keras 3's
(``keras.random.normal(shape, seed=SeedGenerator(42))``), with Keras's seeding. Both draw
through ``sampling``; the names Keras alone has (``SeedGenerator``, ``randint``, ``dropout``,
``gamma``, ``beta``, ``binomial``) are here too.
"""

from . import keras_random
from .keras_random import SeedGenerator, beta, binomial, dropout, gamma, randint
from .global_seed import set_random_seed
from .tf_random import (categorical, normal, set_seed, shuffle, stateless_categorical,
                        stateless_normal, stateless_truncated_normal, stateless_uniform,
                        truncated_normal, uniform)



def reset_session_state():
    """What ``keras.utils.clear_session`` forgets of the random state, as Keras does: the
    SeedGenerators' auto names, the TensorFlow-style global seed and op-seed counters, and the
    process-wide generator, recreated from a seed that the current one draws (so a program that
    called ``set_random_seed`` before stays reproducible, as Keras's recreated global
    SeedGenerator does)."""
    from .. import backend
    from . import seed_generator, tf_random

    seed_generator._NAMES.clear()
    tf_random._state["global"] = None
    tf_random._state["counters"] = {}
    backend.set_seed(int(backend.rng().integers(1, 2**31)))


__all__ = ["SeedGenerator", "reset_session_state", "beta", "binomial", "categorical", "dropout", "gamma", "keras_random",
           "normal", "randint", "set_random_seed", "set_seed", "shuffle", "stateless_categorical", "stateless_normal",
           "stateless_truncated_normal", "stateless_uniform", "truncated_normal", "uniform"]
