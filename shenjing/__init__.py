"""shenjing (神经, "neural"): a deep-learning framework with its own autodiff engine.

``import shenjing`` loads the engine; the higher floors (layers, optimizers,
losses, ...) load on first use, so importing stays fast.
"""

import importlib

from . import backend
from .autograd import (Function, Tensor, Variable, check_numerics, disable_check_numerics,
                       enable_check_numerics, enable_grad, gradcheck, is_grad_enabled,
                       no_grad, tensor)
from . import ops  # keras.ops (shenjing/ops/, floor 2) over the autograd primitives
from .autograd import GradientTape, UnconnectedGradients
from .autograd.function_decorator import function  # tf.function (the module function.py is the op class)

__version__ = "0.1.0"

from .tf import *  # noqa: F401,F403,E402  (tf.reduce_sum, tf.concat, tf.constant, ...)

_LAZY = ("activations", "initializers", "layers", "losses", "optimizers", "regularizers",
         "datasets", "keras", "models", "metrics", "callbacks", "utils", "random", "saving",
         "serialization", "registry", "data", "constraints")


# The TensorFlow-style namespaces (tf.nn, tf.math, ...) live in shenjing/tf/ (floor 8).
_TF_FACES = ("nn", "math", "linalg", "image", "dtypes", "config", "train", "strings", "nest")


def __getattr__(name):
    if name == "TensorSpec":  # tf.TensorSpec, without loading shenjing.data on import
        from .data import TensorSpec

        return TensorSpec
    if name == "device":  # tf.device lives with tf.config's device queries
        from .tf.config import device

        return device
    if name in _TF_FACES:
        module = importlib.import_module(f".tf.{name}", __name__)
        globals()[name] = module
        return module
    if name in _LAZY:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'shenjing' has no attribute {name!r}")


def set_random_seed(seed):
    """``keras.utils.set_random_seed``: Python's ``random``, NumPy's global generator and
    shenjing's (dropout, initializers, shuffling, default layer seeds)."""
    from .random import set_random_seed as seed_all

    seed_all(seed)
