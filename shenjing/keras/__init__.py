"""The ``tf.keras``-shaped face of shenjing: ``import shenjing as tf`` then
``tf.keras.models.Sequential(...)``, or ``from shenjing.keras import layers, models``,
or ``from shenjing.keras.layers import Dense``.

Every name here is the one implementation from shenjing's floors, re-exported;
``shenjing.keras.layers`` *is* ``shenjing.layers``.
"""

from . import (activations, callbacks, constraints, datasets, initializers, layers, losses, metrics, models,
               ops, optimizers, preprocessing, random, regularizers, saving, tree, utils)
from ..layers import Input, InputLayer, Layer
from ..models import Model, Sequential
from . import backend

__all__ = ["activations", "backend", "callbacks", "constraints", "datasets", "initializers", "layers", "losses",
           "metrics", "models", "ops", "optimizers", "preprocessing", "random", "regularizers", "saving", "tree", "utils", "Input",
           "InputLayer", "Layer", "Model", "Sequential", "wrappers"]


def __getattr__(name):
    # keras.wrappers imports scikit-learn: loaded on first use, not with shenjing.keras.
    if name == "wrappers":
        import importlib

        module = importlib.import_module(f"{__name__}.wrappers")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
