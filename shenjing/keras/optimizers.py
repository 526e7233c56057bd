"""``keras.optimizers``: the same module object as ``shenjing.optimizers`` (one implementation, re-exported)."""

import sys

from .. import optimizers as _implementation

sys.modules[__name__] = _implementation
