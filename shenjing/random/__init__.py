"""``tf.random`` and ``keras.random`` (floor 3).

``shenjing.random`` is TensorFlow's namespace (``import shenjing as tf``: ``tf.random.normal``,
``tf.random.set_seed``), with TensorFlow's seeding; ``shenjing.keras.random`` is Keras 3's
(``keras.random.normal(shape, seed=SeedGenerator(42))``), with Keras's seeding. Both draw
through ``sampling``; the names Keras alone has (``SeedGenerator``, ``randint``, ``dropout``,
``gamma``, ``beta``, ``binomial``) are here too.
"""

from . import keras_random
from .keras_random import SeedGenerator, beta, binomial, dropout, gamma, randint
from .tf_random import (categorical, normal, set_seed, shuffle, stateless_categorical,
                        stateless_normal, stateless_truncated_normal, stateless_uniform,
                        truncated_normal, uniform)

__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "keras_random",
           "normal", "randint", "set_seed", "shuffle", "stateless_categorical", "stateless_normal",
           "stateless_truncated_normal", "stateless_uniform", "truncated_normal", "uniform"]
