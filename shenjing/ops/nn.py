"""``keras.ops.nn``: neural-network functions: activations (nn_activations), one-hot encodings
and cross-entropies (nn_losses), moments and normalizations (nn_norm), attention, pixel shuffle
and polar (nn_misc). Convolution and pooling live in nn_conv.

Each public name is listed in ``__all__`` and wears ``dispatch.keras_op(name, module="nn")``.
"""

from . import nn_activations, nn_conv, nn_losses, nn_misc, nn_norm
from .nn_activations import *  # noqa: F401,F403
from .nn_conv import *  # noqa: F401,F403
from .nn_losses import *  # noqa: F401,F403
from .nn_misc import *  # noqa: F401,F403
from .nn_norm import *  # noqa: F401,F403

__all__ = [*nn_activations.__all__, *nn_conv.__all__, *nn_losses.__all__, *nn_norm.__all__,
           *nn_misc.__all__]
