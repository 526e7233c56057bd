"""``keras.ops``: Keras 3's backend-agnostic operations on shenjing tensors (floor 2).

Each function is one implementation over the autograd primitives of ``autograd/ops``;
``shenjing.keras.ops`` and the TensorFlow-style names (``shenjing.reduce_mean``,
``shenjing.nn``, ``shenjing.math``) are aliases of these. Every op wears
``dispatch.keras_op``, so that on a functional model's symbolic tensors it records a node.

The flat namespace is Keras's: ``numpy``, ``nn``, ``math``, ``linalg`` and ``core`` names
(``image`` only as ``ops.image``). shenjing's own primitives that Keras does not name
(``dense``, ``conv``, ``getitem``, the fused cross-entropies, ...) stay importable here too.
"""

from ..autograd.ops import (  # noqa: F401  (primitives; the keras_op versions below take precedence)
    abs, absolute, add, amax, amin, argmax, argmin, average_pool, broadcast_to, cast, clip,
    concatenate, conv, dense, divide, dropout, elu, equal, exp, expand_dims, flatten, gelu,
    getitem, global_average_pool, global_max_pool, greater, greater_equal, leaky_relu, less,
    less_equal, log, log_softmax, logsumexp, matmul, max, max_pool, maximum, mean, min, minimum,
    multiply, negative, not_equal, one_hot, outer, pad, power, relu, reshape, sigmoid,
    sigmoid_cross_entropy, sign, silu, softmax, softmax_cross_entropy, softplus,
    sparse_softmax_cross_entropy, split, sqrt, square, squeeze, stack, std, subtract, sum,
    swapaxes, swish, take, tanh, transpose, true_divide, var, where)
from . import core, image, linalg, math, nn, numpy  # noqa: E402
from .core import *  # noqa: F401,F403,E402
from .linalg import *  # noqa: F401,F403,E402
from .math import *  # noqa: F401,F403,E402
from .nn import *  # noqa: F401,F403,E402
from .numpy import *  # noqa: F401,F403,E402
from .dispatch import OPS, keras_op  # noqa: F401,E402
