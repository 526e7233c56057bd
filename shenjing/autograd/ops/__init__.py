"""The differentiable ops, with ``keras.ops`` names and signatures where Keras has one.

One family per file; each primitive is a ``Function`` with ``forward`` and
``backward`` side by side, and a lowercase function that applies it.
"""

from .activation import (elu, gelu, leaky_relu, log_softmax, relu, sigmoid, silu,
                         softmax, softplus, swish, tanh)
from .arithmetic import (abs, absolute, add, cast, clip, divide, equal, exp, greater,
                         greater_equal, less, less_equal, log, maximum, minimum, multiply,
                         negative, not_equal, power, sign, sqrt, square, subtract,
                         true_divide, where)
from .conv import conv
from .linalg import dense, matmul, outer
from .nn import (dropout, one_hot, sigmoid_cross_entropy, softmax_cross_entropy,
                 sparse_softmax_cross_entropy)
from .pool import average_pool, global_average_pool, global_max_pool, max_pool
from .resample import upsample_linear, upsample_nearest
from .reduce import amax, amin, argmax, argmin, logsumexp, max, mean, min, std, sum, var
from .shape import (broadcast_to, concatenate, expand_dims, flatten, getitem, pad,
                    reshape, split, squeeze, stack, swapaxes, take, transpose)
