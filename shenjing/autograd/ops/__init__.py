"""The differentiable ops, with ``keras.ops`` names and signatures where Keras has one.

One family per file; each primitive is a ``Function`` with ``forward`` and
``backward`` side by side, and a lowercase function that applies it.
"""

from .activation import (elu, gelu, leaky_relu, log_softmax, relu, sigmoid, silu,
                         softmax, softplus, swish, tanh)
from .activation_extra import (celu, erf, erfc, erfinv, hard_shrink, hard_sigmoid, hard_silu,
                               hard_tanh, log_sigmoid, relu6, rsqrt, selu, soft_shrink,
                               softsign, sparse_plus, sparse_sigmoid, sparsemax, squareplus,
                               tanh_shrink, threshold)
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
from .scan import cumprod, cumsum, prod
from .unary_math import (arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, cbrt,
                         cos, cosh, exp2, expm1, log1p, log2, log10, reciprocal, sin, sinc,
                         sinh, tan)
from .einsum import einsum
from .logdet import logabsdet
from . import linalg_extra  # noqa: F401,E402  (Inv, Det, Solve, Cholesky, Eigh, SingularValues: used by shenjing.ops.linalg)
from . import custom, scatter  # noqa: F401,E402  (CustomGradient; ScatterAdd, IndexAdd, IndexSet, SliceSet: used by shenjing.ops.core)
