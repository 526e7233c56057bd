"""``keras.random``: Keras 3's sampling functions and ``SeedGenerator`` (an int seed gives the
same values on every call; a SeedGenerator advances; None uses the global generator)."""

from ..random.keras_random import (SeedGenerator, beta, binomial, categorical, dropout,  # noqa: F401
                                   gamma, normal, randint, shuffle, truncated_normal, uniform)

__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal",
           "randint", "shuffle", "truncated_normal", "uniform"]
