"""``keras.activations``: the same module object as ``shenjing.activations`` (one implementation, re-exported)."""

import sys

from .. import activations as _implementation

sys.modules[__name__] = _implementation
